"""Job items: the control layer, and the PUT that reports each item's result."""

from __future__ import annotations

from typing import Any

from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.spec import load_spec

from ..conftest import Api, all_items, start

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def _success(entry_id: str) -> dict[str, Any]:
    return {
        "accountingEntryId": entry_id,
        "status": "successful",
        "externalId": f"ERP-{entry_id[:8]}",
        "externalUrl": f"https://erp.example/{entry_id}",
        "exportedAt": "2026-01-15T09:00:00Z",
    }


def test_items_page_with_cursors_in_pleos_alphabet(api: Api, pending_job: dict[str, Any]) -> None:
    items = all_items(api, pending_job["id"])
    assert len(items) == pending_job["numberOfItems"]
    assert len({item["accountingEntryId"] for item in items}) == len(items)
    first = api("GET", f"/v3/export-jobs/{pending_job['id']}/items?limit=2").json["pagination"]
    assert first["hasNextPage"] and not first["hasPreviousPage"]
    assert first["total"] == pending_job["numberOfItems"]
    assert set(first["startCursor"]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=~")
    assert first["currentRequestPagination"] == {"parameters": {}, "limit": 2}


def test_cursor_and_offset_together_are_refused(api: Api, pending_job: dict[str, Any]) -> None:
    first = api("GET", f"/v3/export-jobs/{pending_job['id']}/items?limit=1").json["pagination"]
    url = f"/v3/export-jobs/{pending_job['id']}/items?offset=1&after={first['endCursor']}"
    response = api("GET", url)
    assert (response.status_code, response.json["type"]) == (400, "INVALID_PAGINATION")
    assert "after and offset" in response.json["message"]


def test_put_items_applies_known_and_reports_unknown(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    job_id = pending_job["id"]
    start(api, job_id)
    entries = [item["accountingEntryId"] for item in all_items(api, job_id)]
    failed = {
        "accountingEntryId": entries[1],
        "status": "failed",
        "failureReasonType": "vendor_unknown",
        "failureReason": "Vendor not in ERP",
    }
    response = api(
        "PUT",
        f"/v3/export-jobs/{job_id}/items",
        json=[_success(entries[0]), failed, _success(UNKNOWN)],
    )
    assert response.status_code == 200
    assert [i["status"] for i in response.json["data"]] == ["successful", "failed"]
    assert response.json["errors"] == [
        {
            "accountingEntryId": UNKNOWN,
            "type": "ACCOUNTING_ENTRY_DOES_NOT_EXIST",
            "message": f"Accounting entry {UNKNOWN} does not exist.",
        }
    ]
    assert entries[0] in sandbox.exported(pending_job["companyId"])
    filtered = api("GET", f"/v3/export-jobs/{job_id}/items?status=failed").json
    assert [i["accountingEntryId"] for i in filtered["data"]] == [entries[1]]
    assert filtered["pagination"]["currentRequestPagination"]["parameters"] == {
        "status": ["failed"]
    }


def test_put_more_than_100_items_is_413(api: Api, pending_job: dict[str, Any]) -> None:
    start(api, pending_job["id"])
    response = api(
        "PUT", f"/v3/export-jobs/{pending_job['id']}/items", json=[_success(UNKNOWN)] * 101
    )
    assert (response.status_code, response.json["type"]) == (413, "EXPORT_JOB_ITEMS_UPDATE_LIMIT")


def test_put_on_finished_or_unstarted_job_is_422(api: Api, pending_job: dict[str, Any]) -> None:
    job_id = pending_job["id"]
    entry = all_items(api, job_id)[0]["accountingEntryId"]
    before_start = api("PUT", f"/v3/export-jobs/{job_id}/items", json=[_success(entry)])
    assert (before_start.status_code, before_start.json["type"]) == (
        422,
        "EXPORT_JOB_STATUS_UNPROCESSABLE",
    )
    start(api, job_id)
    api("POST", "/v3/export-job-events", json={"event": "completed", "jobId": job_id})
    finished = api("PUT", f"/v3/export-jobs/{job_id}/items", json=[_success(entry)])
    assert (finished.status_code, finished.json["type"]) == (422, "EXPORT_JOB_STATUS_UNPROCESSABLE")
    assert "finished" in finished.json["message"]


def test_put_on_unknown_job_is_404(api: Api) -> None:
    response = api("PUT", f"/v3/export-jobs/{UNKNOWN}/items", json=[_success(UNKNOWN)])
    assert (response.status_code, response.json["type"]) == (404, "EXPORT_NOT_FOUND")


def test_put_body_errors_name_the_field(api: Api, pending_job: dict[str, Any]) -> None:
    body = [{"accountingEntryId": UNKNOWN, "status": "done"}]
    response = api("PUT", f"/v3/export-jobs/{pending_job['id']}/items", json=body)
    assert response.status_code == 400
    assert response.json["message"].startswith("body[0].status: 'done' is not one of")
    wrapped = api("PUT", f"/v3/export-jobs/{pending_job['id']}/items", json={"items": body})
    assert wrapped.status_code == 400 and "is not of type 'array'" in wrapped.json["message"]


def test_job_item_lookup_by_accounting_entry(api: Api, pending_job: dict[str, Any]) -> None:
    entry = all_items(api, pending_job["id"])[0]["accountingEntryId"]
    found = api("GET", f"/v3/export-job-items?accounting_entry_id={entry}")
    assert found.status_code == 200 and found.json["data"]["exportJobId"] == pending_job["id"]
    missing = api("GET", f"/v3/export-job-items?accounting_entry_id={UNKNOWN}")
    assert (missing.status_code, missing.json["type"]) == (404, "EXPORT_ENTRY_NOT_FOUND")


def test_lookup_without_entry_is_refused_by_the_sandbox_not_the_spec(api: Api) -> None:
    """Pleo's signature leaves `accounting_entry_id` optional, and so does ours: a client
    generated from Pleo's spec may leave it out and gets a precise 400 from the sandbox."""
    operation = load_spec().operations["getExportJobItemByAccountingEntryIdV3"]
    assert not next(p for p in operation.parameters if p.name == "accounting_entry_id").required
    response = api("GET", "/v3/export-job-items")
    assert response.status_code == 400
    assert response.json == {
        "type": "INVALID_REQUEST",
        "message": "query parameter 'accounting_entry_id': is required",
    }


def test_search_job_items(api: Api, pending_job: dict[str, Any]) -> None:
    entries = [i["accountingEntryId"] for i in all_items(api, pending_job["id"])][:2]
    body = api(
        "POST",
        "/v3/export-job-items:search",
        json={"accountingEntryIds": entries, "status": "pending"},
    ).json
    assert sorted(i["accountingEntryId"] for i in body["data"]) == sorted(entries)


def test_a_cursor_from_another_list_is_refused(api: Api, pending_job: dict[str, Any]) -> None:
    export_page = api("GET", f"/v3/export-items?job_id={pending_job['id']}&limit=1").json
    cursor = export_page["pagination"]["endCursor"]
    response = api("GET", f"/v3/export-jobs/{pending_job['id']}/items?after={cursor}")
    assert (response.status_code, response.json["type"]) == (400, "INVALID_PAGINATION")


def test_a_leap_second_export_time_is_accepted(api: Api, pending_job: dict[str, Any]) -> None:
    start(api, pending_job["id"])
    entry = all_items(api, pending_job["id"])[0]["accountingEntryId"]
    update = {**_success(entry), "exportedAt": "2016-12-31T23:59:60Z"}
    response = api("PUT", f"/v3/export-jobs/{pending_job['id']}/items", json=[update])
    assert response.status_code == 200 and response.json["errors"] == []
