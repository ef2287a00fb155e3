"""An error while serving a request reaches the test that sent it, at teardown."""

from __future__ import annotations

import pytest

BROKEN_HANDLER = """
import urllib.error
import urllib.request

import pytest
from pleo_export_mock.http.handlers import Reply


@pytest.fixture
def broken(export_mock, monkeypatch):
    # A job without most of its fields: the sandbox would answer against its own spec.
    def broken_get_job(call):
        return Reply(200, {"data": {"id": call.params["jobId"]}})

    monkeypatch.setitem(export_mock.app.handlers, "getExportJobByIdV3", broken_get_job)
    return export_mock


def get_job(export_mock):
    job_id = export_mock.sandbox.state.job_ids["export"]
    request = urllib.request.Request(
        f"{export_mock.url}/v3/export-jobs/{job_id}",
        headers={"Authorization": export_mock.authorization},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    return caught.value
"""


def test_a_response_contract_error_reaches_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BROKEN_HANDLER
        + """
def test_over_http(broken):
    answer = get_job(broken)
    assert answer.code == 500
    assert b"ResponseContractError" in answer.read()

def test_in_process(broken, export_mock_client):
    job_id = broken.sandbox.state.job_ids["export"]
    assert export_mock_client.get(f"/v3/export-jobs/{job_id}").status_code == 500

def test_the_next_test_is_clean(export_mock):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_over_http*",
            "*ResponseContractError: getExportJobByIdV3 answered 200 against the spec*",
            "*ERROR at teardown of test_in_process*",
        ]
    )


def test_a_failed_test_is_not_failed_twice(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BROKEN_HANDLER
        + """
def test_fails(broken):
    get_job(broken)
    assert False, "the test's own failure"
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "ResponseContractError" not in result.stdout.str()


def test_more_errors_are_counted(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        BROKEN_HANDLER
        + """
def test_twice(broken):
    get_job(broken)
    get_job(broken)
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*and 1 more error(s) while serving this test*"])
