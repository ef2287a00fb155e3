"""Export jobs: list, read, create."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_list_filters_by_repeated_statuses(api: Api, pending_job: dict[str, Any]) -> None:
    both = api("GET", "/v3/export-jobs?statuses=pending&statuses=in_progress").json["data"]
    assert pending_job["id"] in [job["id"] for job in both]
    assert api("GET", "/v3/export-jobs?statuses=completed").json["data"] == []
    body = api("GET", "/v3/export-jobs?statuses=failed&statuses=completed").json
    assert body["pagination"]["currentRequestPagination"]["parameters"] == {
        "statuses": ["failed", "completed"]
    }


def test_list_rejects_an_unknown_status(api: Api) -> None:
    response = api("GET", "/v3/export-jobs?statuses=done")
    assert response.status_code == 400
    assert response.json["type"] == "INVALID_REQUEST"
    assert "statuses" in response.json["message"] and "'done'" in response.json["message"]


def test_get_job_has_every_field_with_nulls(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    job = api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]
    assert job == pending_job
    assert job["status"] == "pending"
    assert job["startedAt"] is None and job["failureReasonType"] is None
    last_update = datetime.fromisoformat(job["lastUpdatedAt"])
    assert job["expiresIn"] == 3600 - (sandbox.now() - last_update).total_seconds()
    items = api("GET", f"/v3/export-jobs/{job['id']}/items?limit=1000").json["data"]
    assert job["numberOfItems"] == len(items)


def test_unknown_and_malformed_job_ids(api: Api) -> None:
    missing = api("GET", f"/v3/export-jobs/{UNKNOWN}")
    assert (missing.status_code, missing.json) == (
        404,
        {"type": "EXPORT_NOT_FOUND", "message": "Export job not found."},
    )
    malformed = api("GET", "/v3/export-jobs/not-a-uuid")
    assert malformed.status_code == 400 and "jobId" in malformed.json["message"]


def test_create_job_is_refused_while_one_is_open(api: Api, sandbox: Sandbox) -> None:
    company = sandbox.state.store.companies()[0].id
    queued = sandbox.queue(company)
    response = api(
        "POST", "/v3/export-jobs", json={"companyId": company, "accountingEntryIds": queued}
    )
    assert response.status_code == 409
    assert response.json["type"] == "EXPORT_ALREADY_IN_PROGRESS"


def test_create_job_after_the_open_one_finished(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    api(
        "POST",
        "/v3/export-job-events",
        json={
            "event": "failed",
            "jobId": pending_job["id"],
            "failureReasonType": "invalid_configuration",
        },
    )
    company = pending_job["companyId"]
    queued = sandbox.queue(company)
    response = api(
        "POST",
        "/v3/export-jobs",
        json={
            "companyId": company,
            "accountingEntryIds": queued,
            "options": {"vendorBasedBookkeeping": True},
            "isInteractive": False,
        },
    )
    assert response.status_code == 201
    job = response.json["data"]
    assert (
        job["status"],
        job["numberOfItems"],
        job["vendorBasedBookkeeping"],
        job["isInteractive"],
    ) == ("pending", len(queued), True, False)
    assert api("GET", f"/v3/export-jobs/{job['id']}").json["data"] == job


def test_create_job_names_unknown_entries(api: Api, pending_job: dict[str, Any]) -> None:
    api("POST", "/v3/export-job-events", json={"event": "failed", "jobId": pending_job["id"]})
    response = api(
        "POST",
        "/v3/export-jobs",
        json={"companyId": pending_job["companyId"], "accountingEntryIds": [UNKNOWN]},
    )
    assert response.status_code == 400
    assert response.json["type"] == "ACCOUNTING_ENTRY_DOES_NOT_EXIST"
    assert UNKNOWN in response.json["message"]


def test_create_job_for_another_company_is_forbidden(api: Api) -> None:
    response = api(
        "POST", "/v3/export-jobs", json={"companyId": UNKNOWN, "accountingEntryIds": [UNKNOWN]}
    )
    assert response.status_code == 403


def test_missing_contra_accounts_block_new_jobs(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    api("POST", "/v3/export-job-events", json={"event": "failed", "jobId": pending_job["id"]})
    sandbox.state.store.company(pending_job["companyId"]).contra_accounts_configured = False
    response = api(
        "POST",
        "/v3/export-jobs",
        json={
            "companyId": pending_job["companyId"],
            "accountingEntryIds": sandbox.queue(pending_job["companyId"]),
        },
    )
    assert (response.status_code, response.json["type"]) == (400, "MISSING_CONTRA_ACCOUNTS")
