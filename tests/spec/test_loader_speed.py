"""The spec is read with libyaml's loader, and reads exactly as with PyYAML's Python one."""

from __future__ import annotations

import yaml

from pleo_export_mock.spec import loader
from pleo_export_mock.spec.loader import default_spec_path


def test_specs_read_the_same_with_the_fast_loader() -> None:
    folder = default_spec_path().parent
    for name in ("export-api.yaml", "control-plane.yaml", "export-api-v0-v2.yaml"):
        text = (folder / name).read_text(encoding="utf-8")
        assert yaml.load(text, Loader=loader.safe_loader()) == yaml.safe_load(text), name


def test_the_fast_loader_is_used_where_libyaml_is_there() -> None:
    if yaml.__with_libyaml__:
        assert loader.safe_loader() is yaml.CSafeLoader
