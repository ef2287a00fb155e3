"""Shipped data is found in the installed package first, else in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from pleo_export_mock import resources
from pleo_export_mock.scenarios import fixtures_dir


def test_the_checkout_fixtures_are_found() -> None:
    assert (fixtures_dir() / "pending.yaml").is_file()
    assert resources.data_path("openapi").is_dir()


def test_packaged_data_wins_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_data" / "fixtures").mkdir(parents=True)
    monkeypatch.setattr("pleo_export_mock.resources.resources.files", lambda _package: tmp_path)
    assert fixtures_dir() == tmp_path / "_data" / "fixtures"
    # Something not packaged still falls back to the checkout.
    assert (
        resources.data_path("openapi") == Path(resources.__file__).resolve().parents[2] / "openapi"
    )
