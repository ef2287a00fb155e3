"""Job events: the lifecycle as a connector drives it."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api, credential_of, start

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _event(api: Api, job_id: str, event: str, **extra: str) -> Any:
    return api("POST", "/v3/export-job-events", json={"event": event, "jobId": job_id, **extra})


def test_started_answers_202_without_body_and_moves_the_job(
    api: Api, pending_job: dict[str, Any]
) -> None:
    response = _event(api, pending_job["id"], "started")
    assert response.status_code == 202 and response.get_data() == b""
    job = api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]
    assert job["status"] == "in_progress" and job["startedAt"] is not None


@pytest.mark.parametrize("final", ["completed", "completed_with_errors", "failed"])
def test_no_event_is_accepted_after_a_final_one(
    api: Api, pending_job: dict[str, Any], final: str
) -> None:
    start(api, pending_job["id"])
    assert _event(api, pending_job["id"], final).status_code == 202
    for event in ("started", "completed", "completed_with_errors", "failed"):
        refused = _event(api, pending_job["id"], event)
        assert refused.status_code == 422
        assert refused.json["type"] == "INVALID_EXPORT_JOB_STATUS_CHANGE"
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]["status"] == final


def test_failed_event_keeps_its_reason(api: Api, pending_job: dict[str, Any]) -> None:
    _event(
        api,
        pending_job["id"],
        "failed",
        failureReasonType="accounting_system_unreachable",
        failureReason="ERP timed out",
    )
    job = api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]
    assert (job["status"], job["failureReasonType"], job["failureReason"]) == (
        "failed",
        "accounting_system_unreachable",
        "ERP timed out",
    )
    assert job["completedAt"] is not None


def test_completed_needs_started_first(api: Api, pending_job: dict[str, Any]) -> None:
    assert _event(api, pending_job["id"], "completed").status_code == 422


def test_event_errors(api: Api) -> None:
    assert _event(api, UNKNOWN, "started").json["type"] == "EXPORT_NOT_FOUND"
    legacy = api("POST", "/v3/export-job-events", json={"event": "started", "exportJobId": UNKNOWN})
    assert legacy.status_code == 400 and "'jobId' is a required property" in legacy.json["message"]
    bad = _event(api, UNKNOWN, "canceled")
    assert bad.status_code == 400 and "body.event" in bad.json["message"]
    reason = _event(
        api, UNKNOWN, "failed", failureReasonType="accounting_system_validation_failure"
    )
    assert reason.status_code == 400 and "failureReasonType" in reason.json["message"]


@pytest.mark.parametrize("accepted", [False, True])
def test_the_export_job_id_key_follows_the_settings(sandbox: Sandbox, accepted: bool) -> None:
    """A Pleo how-to names the job `exportJobId`; the spec says `jobId`. Strict by default."""
    client = Client(create_app(sandbox, HttpSettings(accept_export_job_id_key=accepted)))
    auth = {"Authorization": authorization_header(credential_of(sandbox))}
    job = client.get("/v3/export-jobs?statuses=pending", headers=auth).json["data"][0]["id"]
    body = {"event": "started", "exportJobId": job}
    response = client.post("/v3/export-job-events", headers=auth, json=body)
    status = client.get(f"/v3/export-jobs/{job}", headers=auth).json["data"]["status"]
    if accepted:
        assert (response.status_code, status) == (202, "in_progress")
    else:
        assert response.status_code == 400
        assert "'jobId' is a required property" in response.json["message"]
        assert status == "pending"
    # The journal keeps what was sent, tied to the job, so the verifier can still report it.
    sent = sandbox.journal.snapshot()[-2]
    assert (sent.request_body, sent.job_id) == (body, job)


def test_with_both_keys_the_specs_job_id_wins(
    sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    client = Client(create_app(sandbox, HttpSettings(accept_export_job_id_key=True)))
    auth = {"Authorization": authorization_header(credential_of(sandbox))}
    body = {"event": "started", "jobId": UNKNOWN, "exportJobId": pending_job["id"]}
    response = client.post("/v3/export-job-events", headers=auth, json=body)
    assert (response.status_code, response.json["type"]) == (404, "EXPORT_NOT_FOUND")
