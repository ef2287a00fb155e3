"""Job items: the control layer, and the PUT that reports each item's result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.spec import load_spec

from ..conftest import Api, all_items, credential_of, start

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

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


# --- Lenient readings of Pleo, switched on from a scenario's `policy:` ---------------------------


def _lenient(tmp_path: Path, **switches: bool) -> tuple[Api, str, str]:
    """The `pending` scenario with `switches` under `policy:`; its API, job and first entry."""
    text = (FIXTURES / "pending.yaml").read_text(encoding="utf-8")
    policy = "".join(f"  {name}: {str(on).lower()}\n" for name, on in switches.items())
    path = tmp_path / "lenient.yaml"
    path.write_text(f"{text}\npolicy:\n{policy}", encoding="utf-8")
    sandbox = Sandbox(path)
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(credential_of(sandbox))}

    def api(method: str, url: str, json: Any = None) -> TestResponse:
        return client.open(url, method=method, headers=auth, json=json)

    job = api("GET", "/v3/export-jobs?statuses=pending").json["data"][0]["id"]
    start(api, job)
    return api, job, all_items(api, job)[0]["accountingEntryId"]


def _put(api: Api, job: str, update: dict[str, Any]) -> dict[str, Any]:
    response = api("PUT", f"/v3/export-jobs/{job}/items", json=[update])
    assert response.status_code == 200
    body: dict[str, Any] = response.json
    return body


@pytest.mark.parametrize("allowed", [False, True])
def test_correcting_a_successful_item_follows_the_policy(tmp_path: Path, allowed: bool) -> None:
    api, job, entry = _lenient(tmp_path, allow_changing_successful_items=allowed)
    _put(api, job, _success(entry))
    corrected = _put(api, job, {**_success(entry), "externalId": "ERP-corrected"})
    undone = _put(api, job, {"accountingEntryId": entry, "status": "failed"})
    item = api("GET", f"/v3/export-job-items?accounting_entry_id={entry}").json["data"]
    if allowed:
        assert corrected["errors"] == [] == undone["errors"]
        assert item["status"] == "failed" and item["externalId"] is None
    else:
        for refused in (corrected, undone):
            assert [e["type"] for e in refused["errors"]] == ["ACCOUNTING_ENTRY_UPDATE_FAILED"]
            assert "the sandbox does not let" in refused["errors"][0]["message"]
        assert (item["status"], item["externalId"]) == ("successful", f"ERP-{entry[:8]}")


@pytest.mark.parametrize("allowed", [False, True])
def test_abandoning_an_item_follows_the_policy(tmp_path: Path, allowed: bool) -> None:
    api, job, entry = _lenient(tmp_path, allow_abandoning_items=allowed)
    answer = _put(api, job, {"accountingEntryId": entry, "status": "abandoned"})
    item = api("GET", f"/v3/export-job-items?accounting_entry_id={entry}").json["data"]
    if allowed:
        assert answer["errors"] == [] and item["status"] == "abandoned"
    else:
        assert [e["type"] for e in answer["errors"]] == ["ACCOUNTING_ENTRY_UPDATE_FAILED"]
        assert item["status"] == "pending"
    # `pending` is never a connector's to set, whatever the policy.
    pending = _put(api, job, {"accountingEntryId": entry, "status": "pending"})
    assert [e["type"] for e in pending["errors"]] == ["ACCOUNTING_ENTRY_UPDATE_FAILED"]
