"""`export_mock_client`: werkzeug's test Client in process, on the same fresh state."""

from __future__ import annotations

import pytest


def test_the_client_is_logged_in_and_shares_the_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_client(export_mock_client, export_mock):
            jobs = export_mock_client.get("/v3/export-jobs?statuses=pending").json["data"]
            event = {"event": "started", "jobId": jobs[0]["id"]}
            assert export_mock_client.post("/v3/export-job-events", json=event).status_code == 202
            assert export_mock.state["companies"][0]["jobs"][0]["status"] == "in_progress"
            assert export_mock.journal.call_count == 2

        def test_fresh_again(export_mock_client, export_mock):
            assert export_mock.state["companies"][0]["jobs"][0]["status"] == "pending"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_authorization_can_be_changed_or_dropped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_own_header_wins(export_mock_client, export_mock):
            bearer = {"Authorization": f"Bearer {export_mock.access_token}"}
            assert export_mock_client.get("/v3/export-jobs", headers=bearer).status_code == 200
            token = next(c for c in export_mock.credentials if c.kind.value == "bearer")
            assert export_mock.journal.last.credential == token.label

        def test_none(export_mock_client):
            export_mock_client.authorization = None
            assert export_mock_client.get("/v3/export-jobs").status_code == 401

        def test_follows_load_scenario(export_mock_client, export_mock):
            export_mock.load_scenario("multi_company")
            assert export_mock_client.get("/v3/export-jobs").status_code == 200
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)
