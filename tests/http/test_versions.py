"""v0, v1 and v2 beside v3: one state, four faces, each in its own shape."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api, all_items, start

LEGACY = ("v0", "v1", "v2")


def _event(api: Api, version: str, job_id: str, event: str) -> Any:
    return api("POST", f"/{version}/export-job-events", json={"event": event, "jobId": job_id})


@pytest.mark.parametrize("version", LEGACY)
def test_a_job_claimed_through_an_older_version_is_the_same_job_in_v3(
    api: Api, pending_job: dict[str, Any], version: str
) -> None:
    listed = api("GET", f"/{version}/export-jobs?status=pending").json["data"]
    assert [job["id"] for job in listed] == [pending_job["id"]]
    assert _event(api, version, pending_job["id"], "started").status_code == 202
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]["status"] == (
        "in_progress"
    )
    older = api("GET", f"/{version}/export-jobs/{pending_job['id']}").json["data"]
    assert older == api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]


def test_a_job_created_through_v1_is_listed_by_every_version(api: Api, sandbox: Sandbox) -> None:
    company = sandbox.state.store.companies()[0].id
    queued = sandbox.queue(company)
    for job in api("GET", "/v3/export-jobs?statuses=pending").json["data"]:
        _event(api, "v3", job["id"], "failed")
    created = api(
        "POST", "/v1/export-jobs", json={"companyId": company, "accountingEntryIds": queued}
    )
    assert created.status_code == 201
    for version in (*LEGACY, "v3"):
        ids = [
            job["id"] for job in api("GET", f"/{version}/export-jobs?statuses=pending").json["data"]
        ]
        assert ids == [created.json["data"]["id"]], version


def test_status_and_statuses_together_list_a_job_matching_either(
    api: Api, pending_job: dict[str, Any]
) -> None:
    start(api, pending_job["id"])
    body = api("GET", "/v2/export-jobs?status=pending&statuses=in_progress").json
    assert [job["id"] for job in body["data"]] == [pending_job["id"]]
    assert body["pagination"]["currentRequestPagination"]["parameters"]["status"] == ["pending"]
    assert api("GET", "/v2/export-jobs?status=completed").json["data"] == []


def test_v3_ignores_the_deprecated_status_parameter(api: Api, pending_job: dict[str, Any]) -> None:
    start(api, pending_job["id"])
    assert len(api("GET", "/v3/export-jobs?status=pending").json["data"]) >= 1


@pytest.mark.parametrize(("version", "body"), [("v0", b"{}"), ("v1", b"{}"), ("v2", b"")])
def test_each_version_answers_events_in_its_own_way(
    api: Api, pending_job: dict[str, Any], version: str, body: bytes
) -> None:
    response = _event(api, version, pending_job["id"], "started")
    assert (response.status_code, response.get_data()) == (202, body)
    refused = _event(api, version, pending_job["id"], "started")
    assert refused.status_code == 422
    assert refused.json["type"] == "INVALID_EXPORT_JOB_STATUS_CHANGE"


def test_items_reported_through_v3_read_back_in_v1_with_v1s_failure_reasons(
    api: Api, pending_job: dict[str, Any]
) -> None:
    _event(api, "v1", pending_job["id"], "started")
    entry = all_items(api, pending_job["id"])[0]["accountingEntryId"]
    update = {"accountingEntryId": entry, "status": "failed", "failureReason": "no such vendor"}
    put = api(
        "PUT",
        f"/v3/export-jobs/{pending_job['id']}/items",
        json=[{**update, "failureReasonType": "vendor_unknown"}],
    )
    assert put.status_code == 200
    older = api("GET", f"/v1/export-jobs/{pending_job['id']}/items").json["data"]
    mine = next(item for item in older if item["accountingEntryId"] == entry)
    # v1 knows 14 item failure reasons; v3's vendor_unknown is a validation failure there.
    assert mine["failureReasonType"] == "accounting_system_validation_failure"
    assert (
        api("GET", f"/v3/export-job-items?accounting_entry_id={entry}").json["data"][
            "failureReasonType"
        ]
        == "vendor_unknown"
    )


def test_v1_refuses_a_failure_reason_only_v3_knows(api: Api, pending_job: dict[str, Any]) -> None:
    start(api, pending_job["id"])
    entry = all_items(api, pending_job["id"])[0]["accountingEntryId"]
    update = {"accountingEntryId": entry, "status": "failed", "failureReasonType": "tag_unknown"}
    refused = api("PUT", f"/v1/export-jobs/{pending_job['id']}/items", json=[update])
    assert refused.status_code == 400 and refused.json["type"] == "INVALID_REQUEST"
    assert "tag_unknown" in refused.json["message"]
    item = api("GET", f"/v3/export-job-items?accounting_entry_id={entry}").json["data"]
    assert item["status"] == "pending"


def _export_items(api: Api, version: str, job_id: str) -> list[dict[str, Any]]:
    response = api("GET", f"/{version}/export-items?job_id={job_id}")
    assert response.status_code == 200, response.json
    items: list[dict[str, Any]] = response.json["data"]
    return items


def test_export_items_take_each_versions_shape(api: Api, pending_job: dict[str, Any]) -> None:
    v3 = _export_items(api, "v3", pending_job["id"])
    v2 = _export_items(api, "v2", pending_job["id"])
    v1 = _export_items(api, "v1", pending_job["id"])
    v0 = _export_items(api, "v0", pending_job["id"])
    assert [i["accountingEntryId"] for i in v0] == [i["accountingEntryId"] for i in v3]
    assert all("contraAccount" in item for item in v3)
    assert not any("contraAccount" in item for item in v0 + v1 + v2)
    assert all("teamCode" in item and item.get("vendor", "absent") is not None for item in v2)
    assert not any("bookkeeping" in item or "subType" in item for item in v1)
    assert all(isinstance(item["user"], dict) for item in v1)  # required, not nullable
    assert all("metadata" in item and "additionalInformation" not in item for item in v0)
    v3_amounts = [item["amount"] for item in v3]
    assert [item["amount"] for item in v0] == v3_amounts


def test_an_entry_an_older_version_cannot_express_is_refused_as_pleo_does(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    company = sandbox.state.store.companies()[0].id
    for job in api("GET", "/v3/export-jobs?statuses=pending").json["data"]:
        _event(api, "v3", job["id"], "failed")
    [fee] = sandbox.add_entries(company, 1, {"type": "fee"})
    job = sandbox.press_export(company, [fee])
    refused = api("GET", f"/v0/export-items?job_id={job.id}")
    assert refused.status_code == 400 and refused.json["type"] == "UNSUPPORTED_API_VERSION"
    assert fee in refused.json["message"] and "'fee'" in refused.json["message"]
    assert _export_items(api, "v1", job.id)[0]["type"] == "fee"


@pytest.mark.parametrize(
    ("url", "successor"),
    [
        ("/v1/export-jobs?status=pending", "</v3/export-jobs>"),
        ("/v0/export-jobs/00000000-0000-4000-8000-000000000000", "</v3/export-jobs/0000"),
        ("/v2/export-items", "</v3/export-items>"),
    ],
)
def test_older_operations_answer_with_deprecation_and_their_successor(
    api: Api, url: str, successor: str
) -> None:
    response = api("GET", url)  # a 404 included: the operation is deprecated whatever it answers
    assert response.headers["Deprecation"] == "@0"
    assert response.headers["Link"].startswith(successor)
    assert response.headers["Link"].endswith('; rel="successor-version"')


def test_current_operations_carry_no_deprecation(api: Api) -> None:
    assert "Deprecation" not in api("GET", "/v3/export-jobs").headers


def test_v3s_own_deprecated_search_says_so_without_a_successor(api: Api, sandbox: Sandbox) -> None:
    company = sandbox.state.store.companies()[0].id
    response = api(
        "POST", f"/v3/export-job-items:search?company_id={company}", json={"accountingEntryIds": []}
    )
    assert response.headers["Deprecation"] == "@0" and "Link" not in response.headers


def test_deprecation_headers_can_be_switched_off(sandbox: Sandbox, api: Api) -> None:
    quiet = Client(create_app(sandbox, HttpSettings(deprecation_headers=False)))
    auth = {"Authorization": api("GET", "/v3/export-jobs").request.headers["Authorization"]}
    assert "Deprecation" not in quiet.get("/v1/export-jobs", headers=auth).headers


def test_older_versions_share_auth_journal_and_faults(
    client: Client, api: Api, sandbox: Sandbox
) -> None:
    assert client.get("/v1/export-jobs").status_code == 401
    rule = {"operation": "getExportJobsListV2", "first": 1, "kind": "status", "status": 503}
    assert client.post("/_mock/faults", json={"faults": [rule]}).status_code == 200
    assert api("GET", "/v2/export-jobs").status_code == 503
    assert api("GET", "/v2/export-jobs").status_code == 200
    operations = [entry.operation_id for entry in sandbox.journal]
    assert operations == ["getExportJobsListV1", "getExportJobsListV2", "getExportJobsListV2"]


def test_the_older_spec_is_served(client: Client) -> None:
    document = client.get("/openapi-v0-v2.json").json
    assert "/v1/export-jobs" in document["paths"]


@pytest.mark.parametrize(
    "job_id",
    [
        "%0D",  # a CR (or LF) in a header value would break the answer
        "%0A%0Dx",
        "%3E;rel=x",  # `>` would end the Link's target early
        "%C3%A9%20x",  # non-ASCII and a space are not URI characters
        "%25",
    ],
)
def test_the_successor_link_is_a_uri_whatever_the_path_holds(api: Api, job_id: str) -> None:
    """The refusal of a malformed job id is still deprecated, and its Link still well formed:
    the path, decoded on arrival, is percent-encoded again."""
    response = api("GET", f"/v2/export-jobs/{job_id}")
    assert response.status_code == 400 and response.json["type"] == "INVALID_REQUEST"
    assert response.headers["Link"] == f'</v3/export-jobs/{job_id}>; rel="successor-version"'


MULTI_CURRENCY = """
name: multi_currency
description: One company with multi-currency wallets and a pending job.
seed: 5
companies:
- key: acme
  name: Acme
  multi_currency_wallets: true
  entries: [{key: lunch, count: 2}]
  jobs: [{key: export, status: pending, entries: [lunch]}]
"""


@pytest.mark.parametrize("version", LEGACY)
def test_older_export_items_refuse_multi_currency_wallets_as_pleo_does(version: str) -> None:
    sandbox = Sandbox("pending")
    sandbox.load_scenario_text(MULTI_CURRENCY)
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    job_id = sandbox.state.job_ids["export"]
    refused = client.get(f"/{version}/export-items?job_id={job_id}", headers=auth)
    assert refused.status_code == 400
    assert refused.json == {
        "type": "UNSUPPORTED_API_VERSION",
        "message": "Upgrade to Export API v3 or higher: The API version you are trying to "
        "access does not support multi-currency wallets.",
    }
    served = client.get(f"/v3/export-items?job_id={job_id}", headers=auth)
    assert served.status_code == 200 and len(served.json["data"]) == 2
