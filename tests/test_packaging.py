"""An installed wheel carries the spec and the scenarios: it works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    return next(out.glob("pleo_export_mock-*.whl"))


def test_wheel_contains_spec_fixtures_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pleo_export_mock/_data/openapi/export-api.yaml" in names
    assert "pleo_export_mock/_data/openapi/control-plane.yaml" in names
    assert "pleo_export_mock/_data/fixtures/pending.yaml" in names
    assert "pleo_export_mock/_data/schemathesis.toml" in names  # fuzz --url reads it
    assert "pleo_export_mock/scenarios/schema.json" in names
    assert "pleo_export_mock/py.typed" in names
    for asset in ("index.html", "dashboard.js", "dashboard.css"):  # the dashboard works offline
        assert f"pleo_export_mock/dashboard/{asset}" in names


def test_unpacked_wheel_serves_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import pleo_export_mock as m, pleo_export_mock.resources as r;"
        "from werkzeug.test import Client;"
        "s = m.Sandbox('large'); c = Client(m.create_app(s));"
        "h = {'Authorization': m.authorization_header(s.state.credentials[0])};"
        "print(m.__file__); print(r.data_path('openapi'));"
        "print(c.get('/v3/export-jobs?statuses=pending', headers=h).status_code);"
        "print(c.get('/_mock/dashboard/dashboard.js').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module, data, status, asset = result.stdout.split()
    assert module.startswith(str(site)) and data.startswith(str(site)) and status == "200"
    assert asset == "200"  # the dashboard's files are read from the installed package


def test_wheel_carries_the_reference_connector_and_it_runs_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (site / "pleo_export_mock" / "examples" / "fake_erp.py").exists()
    result = subprocess.run(  # no credentials given: it must start, then refuse to run (2)
        [sys.executable, "-m", "pleo_export_mock.examples.reference_connector"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PLEO_API_URL": "http://127.0.0.1:1"},
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "configuration" in result.stderr
