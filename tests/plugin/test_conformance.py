"""`assert_conformant()` and strict mode: Pleo's connector rules, judged in the test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("connector")

CONNECTORS = """
import urllib.error

import pytest
from little_connector import LittleConnector


def good(export_mock):
    LittleConnector(export_mock.url, export_mock.authorization).export()


def completes_without_starting(export_mock):
    connector = LittleConnector(export_mock.url, export_mock.authorization)
    with pytest.raises(urllib.error.HTTPError):
        connector.event(connector.oldest_pending_job(), "completed")
"""


def test_a_correct_connector_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CONNECTORS
        + """
def test_good(export_mock):
    good(export_mock)
    verdict = export_mock.assert_conformant()
    assert verdict.ok and not verdict.findings
    assert export_mock.state["companies"][0]["jobs"][0]["status"] == "completed"
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_wrong_connector_fails_with_the_rule_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CONNECTORS
        + """
from pleo_export_mock.pytest_plugin import ConformanceError

def test_wrong(export_mock):
    completes_without_starting(export_mock)
    export_mock.assert_conformant()

def test_the_error_carries_the_verdict(export_mock):
    completes_without_starting(export_mock)
    with pytest.raises(ConformanceError) as caught:
        export_mock.assert_conformant()
    assert "started-before-updates" in caught.value.verdict.by_rule()
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*ConformanceError: the connector broke Pleo's rules:",
            "*ERROR   started-before-updates: `started` comes before any item update*",
            "*evidence: #2 POST /v3/export-job-events -> 422*",
            "*verdict: FAIL*",
        ]
    )


def test_strict_judges_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CONNECTORS
        + """
@pytest.mark.export_mock(strict=True)
def test_strict_good(export_mock):
    good(export_mock)

@pytest.mark.export_mock(strict=True)
def test_strict_wrong(export_mock):
    completes_without_starting(export_mock)

def test_not_strict(export_mock):
    completes_without_starting(export_mock)
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_strict_wrong*", "*started-before-updates*"]
    )


def test_strict_from_the_command_line_and_a_marker_opt_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CONNECTORS
        + """
def test_good(export_mock):
    good(export_mock)

def test_wrong(export_mock):
    completes_without_starting(export_mock)

@pytest.mark.export_mock(strict=False)
def test_opted_out(export_mock):
    completes_without_starting(export_mock)
"""
    )
    result = pytester.runpytest("--export-mock-strict")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_wrong*"])


def test_strict_does_not_pile_onto_a_failed_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(strict=True)
        def test_fails(export_mock):
            assert False, "the test's own failure"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "ConformanceError" not in result.stdout.str()
