"""The `export_mock` fixture: a real server, a fresh state per test, the handle's powers."""

from __future__ import annotations

import threading

import pytest


def test_the_url_answers_a_real_http_request(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json
        import urllib.request

        def test_list(export_mock):
            request = urllib.request.Request(
                export_mock.url + "/v3/export-jobs?statuses=pending",
                headers={"Authorization": export_mock.authorization},
            )
            with urllib.request.urlopen(request) as response:
                assert response.status == 200
                assert json.load(response)["data"][0]["status"] == "pending"
            assert export_mock.journal.last.operation_id == "getExportJobsListV3"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.usefixtures("connector")
def test_each_test_gets_a_fresh_state_from_one_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from little_connector import LittleConnector

        urls = []

        def job_statuses(export_mock):
            return [job["status"] for job in export_mock.state["companies"][0]["jobs"]]

        def test_starts_the_job(export_mock):
            urls.append(export_mock.url)
            connector = LittleConnector(export_mock.url, export_mock.authorization)
            connector.event(connector.oldest_pending_job(), "started")
            assert job_statuses(export_mock) == ["in_progress"]
            assert export_mock.journal.call_count == 2

        def test_sees_it_pending_again(export_mock):
            urls.append(export_mock.url)
            assert job_statuses(export_mock) == ["pending"]
            assert not export_mock.journal.called
            assert urls[0] == urls[1]
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_state_changed_by_hand_or_only_read_is_fresh_for_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    """A test that only reads keeps its state for the next (it is still the first moment);
    one that reaches into the store gets it copied afresh, whatever it did to its objects."""
    pytester.makepyfile(
        """
        import urllib.request

        states = []

        def get_jobs(export_mock):
            request = urllib.request.Request(
                export_mock.url + "/v3/export-jobs",
                headers={"Authorization": export_mock.authorization},
            )
            urllib.request.urlopen(request).close()

        def test_reads(export_mock):
            get_jobs(export_mock)
            states.append(export_mock.sandbox.read_state())

        def test_changes_a_job_by_hand(export_mock):
            assert export_mock.sandbox.read_state() is states[0]
            job = export_mock.sandbox.store.jobs()[0]
            job.items.clear()

        def test_gets_its_items_back(export_mock):
            assert export_mock.sandbox.read_state() is not states[0]
            assert export_mock.sandbox.store.jobs()[0].items
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_handle_says_what_a_connector_is_given(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        import pytest

        def test_handle(export_mock):
            company = export_mock.company_id
            assert export_mock.company("acme") == company
            oauth = export_mock.sandbox.state.oauth.client_for(company)
            assert export_mock.connector_env == {
                "PLEO_API_URL": export_mock.url,
                "PLEO_API_KEY": export_mock.api_key,
                "PLEO_ACCESS_TOKEN": export_mock.access_token,
                "PLEO_COMPANY_ID": company,
                "PLEO_OAUTH_CLIENT_ID": oauth.client_id,
                "PLEO_OAUTH_CLIENT_SECRET": oauth.secret,
                "PLEO_OAUTH_REDIRECT_URI": oauth.redirect_uris[0],
                "PLEO_AUTH_URL": export_mock.url,
            }
            assert export_mock.env == {**os.environ, **export_mock.connector_env}
            kinds = {c.kind.value: c.secret for c in export_mock.credentials}
            assert (kinds["api_key"], kinds["bearer"]) == (
                export_mock.api_key, export_mock.access_token
            )
            assert export_mock.authorization.startswith("Basic ")
            assert export_mock.url_for("/openapi.json") == export_mock.url + "/openapi.json"
            with pytest.raises(KeyError, match="keys: acme"):
                export_mock.company("nope")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.usefixtures("connector")
def test_advance_clock_expires_a_started_job(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from little_connector import LittleConnector

        def test_expiry(export_mock):
            connector = LittleConnector(export_mock.url, export_mock.authorization)
            job_id = connector.oldest_pending_job()
            connector.event(job_id, "started")
            export_mock.advance_clock(3600)
            job = connector.call("GET", f"/v3/export-jobs/{job_id}")["data"]
            assert (job["status"], job["failureReasonType"]) == ("failed", "job_expired")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_reset_and_load_scenario_within_a_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_switch(export_mock):
            export_mock.advance_clock(60)
            export_mock.reset()
            assert export_mock.sandbox.now().isoformat() == "2026-01-15T09:00:00+00:00"
            first = export_mock.api_key
            export_mock.load_scenario("multi_company")
            assert export_mock.scenario_name == "multi_company"
            assert export_mock.api_key != first
            assert len(export_mock.state["companies"]) == 3
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_fixture_chain_names_no_request(pytester: pytest.Pytester) -> None:
    """pytest resolves a test's whole chain of fixtures for every test, and makes `request`
    anew each time it is named there: the chain is the plugin's three fixtures, no more."""
    item = pytester.getitem("def test_func(export_mock): pass")
    assert set(item.fixturenames) == {"export_mock", "export_mock_server", "export_mock_settings"}


def test_the_server_stops_with_the_session(pytester: pytest.Pytester) -> None:
    running = set(threading.enumerate())  # the outer pytest run's server may be among them
    pytester.makepyfile("def test_a(export_mock): pass")
    pytester.runpytest().assert_outcomes(passed=1)
    assert set(threading.enumerate()) <= running


@pytest.mark.export_mock(scenario="failed")
def test_a_test_running_a_session_inside_itself_keeps_its_own_scenario(
    pytester: pytest.Pytester, request: pytest.FixtureRequest
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="large")
        def test_inner(export_mock):
            assert export_mock.scenario_name == "large"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    # Asked for only now, after the inner session's tests came and went.
    assert request.getfixturevalue("export_mock").scenario_name == "failed"
