"""Export items: the data layer, with the accounting entries a connector books."""

from __future__ import annotations

from typing import Any

from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api, start


def test_export_items_of_a_job(api: Api, pending_job: dict[str, Any]) -> None:
    body = api("GET", f"/v3/export-items?job_id={pending_job['id']}").json
    assert len(body["data"]) == pending_job["numberOfItems"]
    item = body["data"][0]
    assert item["companyId"] == pending_job["companyId"]
    assert {
        "_links",
        "accountingEntryLines",
        "amount",
        "additionalInformation",
        "date",
        "type",
    } <= set(item)
    if not pending_job["vendorBasedBookkeeping"]:
        assert item["vendor"] is None and item["bookkeeping"] is None


def test_export_items_of_a_finished_job_are_422(api: Api, pending_job: dict[str, Any]) -> None:
    start(api, pending_job["id"])
    api("POST", "/v3/export-job-events", json={"event": "completed", "jobId": pending_job["id"]})
    response = api("GET", f"/v3/export-items?job_id={pending_job['id']}")
    assert (response.status_code, response.json["type"]) == (422, "EXPORT_JOB_STATUS_UNPROCESSABLE")


def test_export_items_without_contra_accounts_are_400(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    sandbox.state.store.company(pending_job["companyId"]).contra_accounts_configured = False
    response = api("GET", f"/v3/export-items?job_id={pending_job['id']}")
    assert (response.status_code, response.json["type"]) == (400, "MISSING_CONTRA_ACCOUNTS")


def test_export_items_without_job_id_cover_open_jobs(api: Api, pending_job: dict[str, Any]) -> None:
    body = api("GET", "/v3/export-items?limit=1000").json
    assert len(body["data"]) == pending_job["numberOfItems"]
