"""`pleo_export_mock.testing`: the session, the handle and the client, usable without pytest."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pleo_export_mock
from pleo_export_mock import pytest_plugin, testing
from pleo_export_mock.testing import ExportMockSettings, SettingError

PUBLIC = (
    "ConformanceError",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
)

WITHOUT_PYTEST = """
import json
import sys
import urllib.request

from pleo_export_mock.testing import ConformanceError, ExportMock, ExportMockServer
from pleo_export_mock.testing import ExportMockSettings

server = ExportMockServer(ExportMockSettings())
try:
    server.load("failed")
    mock = ExportMock(server)
    request = urllib.request.Request(
        mock.url_for("/v3/export-jobs?statuses=pending"),
        headers={"Authorization": mock.authorization},
    )
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["data"][0]["status"] == "pending"
    assert mock.journal.call_count == 1 and mock.env["PLEO_API_URL"] == server.url
    assert issubclass(ConformanceError, AssertionError)
finally:
    server.stop()
print("pytest" in sys.modules, mock.scenario_name)
"""


@pytest.mark.parametrize("name", PUBLIC)
def test_the_package_root_and_the_old_plugin_path_give_the_same_class(name: str) -> None:
    assert getattr(pleo_export_mock, name) is getattr(testing, name)
    assert getattr(pytest_plugin, name) is getattr(testing, name)


def test_the_package_root_imports_them_lazily() -> None:
    probe = "import sys, pleo_export_mock; print('pleo_export_mock.testing' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.split() == ["False"], result.stderr


def test_a_session_runs_without_importing_pytest() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYTEST], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "failed"]


def test_settings_parse_from_text_and_name_the_origin_of_a_bad_one() -> None:
    found = {"seed": (" 7 ", "somewhere"), "strict": ("Yes", "elsewhere")}
    assert ExportMockSettings.parse(found) == ExportMockSettings(seed=7, strict=True)
    with pytest.raises(SettingError, match=r"^PLACE: the clock is 'frozen' or 'running'"):
        ExportMockSettings.parse({"clock": ("fast", "PLACE")})


def test_conformance_error_from_the_package_root(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pleo_export_mock import ConformanceError

        def test_raised(export_mock, export_mock_client):
            job = export_mock_client.get("/v3/export-jobs?statuses=pending").json["data"][0]
            event = {"event": "completed", "jobId": job["id"]}
            export_mock_client.post("/v3/export-job-events", json=event)
            with pytest.raises(ConformanceError) as caught:
                export_mock.assert_conformant()
            assert "started-before-updates" in caught.value.verdict.by_rule()
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_settings_default_scenario_is_the_sandboxs() -> None:
    # Spelt out in testing/settings.py so that the plugin need not import the sandbox.
    from pleo_export_mock.sandbox import DEFAULT_SCENARIO

    assert ExportMockSettings().scenario == DEFAULT_SCENARIO
