"""A failure points at the test's own line: the plugin's and the handle's frames are hidden."""

from __future__ import annotations

import pytest

FAILING = """
import pytest

def complete_without_starting(client):
    job = client.get("/v3/export-jobs?statuses=pending").json["data"][0]
    client.post("/v3/export-job-events", json={"event": "completed", "jobId": job["id"]})

def test_conformance(export_mock, export_mock_client):
    complete_without_starting(export_mock_client)
    export_mock.assert_conformant()  # LINE-CONFORMANCE

def test_company(export_mock):
    export_mock.company("nope")  # LINE-COMPANY

def test_load(export_mock):
    export_mock.load_scenario("nothing_here.yaml")  # LINE-LOAD

@pytest.mark.export_mock(strict=True)
def test_strict(export_mock, export_mock_client):
    complete_without_starting(export_mock_client)
"""
# Where the plugin's own code lives: none of it may show in a report.
INTERNALS = ("pytest_plugin.py", "handle.py", "session.py", "scenario_refs.py", "loader.py")


def test_failures_show_the_tests_line_and_none_of_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest()
    result.assert_outcomes(failed=3, passed=1, errors=1)
    for marker, error in [
        ("LINE-CONFORMANCE", "ConformanceError"),
        ("LINE-COMPANY", "KeyError"),
        ("LINE-LOAD", "ScenarioError"),
    ]:
        result.stdout.fnmatch_lines([f">*# {marker}", f"test_failing.py:*: {error}"])
    teardown = ["*ERROR at teardown of test_strict*", "E*.ConformanceError: the connector broke*"]
    result.stdout.fnmatch_lines(teardown)
    shown = [line for line in result.outlines if any(name in line for name in INTERNALS)]
    assert not shown


def test_a_failing_report_shows_the_client_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(export_mock_client):
            assert export_mock_client is None
        """
    )
    result = pytester.runpytest("--showlocals")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*export_mock_client = <ExportMockClient on *>*"])
    result.stdout.no_fnmatch_line("*RecursionError*")
