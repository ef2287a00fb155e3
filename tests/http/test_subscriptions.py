"""Pleo's Webhook Subscriptions API: the seven operations, their defaults, tenants and refusals."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from pleo_export_mock.domain import subscriptions
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api

HOOK = "http://127.0.0.1:8999/hooks/pleo"
CREATED = "v1.export-job.created"


def _subscribe(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"endpointUrl": HOOK, "eventTypes": [CREATED], **fields}
    response = api("POST", "/v1/subscriptions", json=body)
    assert response.status_code == 200, response.json
    data: dict[str, Any] = response.json["data"]
    return data


def test_create_answers_200_with_pleos_defaults(api: Api, sandbox: Sandbox) -> None:
    created = _subscribe(api)
    assert created["status"] == "ACTIVE"
    assert created["endpointUrl"] == HOOK and created["eventTypes"] == [CREATED]
    assert created["createdAt"] == created["updatedAt"] == "2026-01-15T09:00:00Z"
    assert api("GET", f"/v1/subscriptions/{created['id']}").json == {"data": created}


def test_the_secret_is_a_standard_webhooks_key(api: Api) -> None:
    created = _subscribe(api)
    secret = api("GET", f"/v1/subscriptions/{created['id']}/secret").json["data"]["secretKey"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 24


def test_put_replaces_every_field_and_left_out_ones_take_their_default(api: Api) -> None:
    created = _subscribe(api, status="INACTIVE", customHeaders={"X-Erp": "1"})
    body = {"endpointUrl": HOOK + "/v2", "eventTypes": [CREATED]}
    updated = api("PUT", f"/v1/subscriptions/{created['id']}", json=body).json["data"]
    assert updated["status"] == "ACTIVE" and "customHeaders" not in updated
    assert updated["endpointUrl"] == HOOK + "/v2" and updated["id"] == created["id"]


def test_delete_hides_it_everywhere_but_its_activities(api: Api) -> None:
    created = _subscribe(api)
    url = f"/v1/subscriptions/{created['id']}"
    api("PUT", url, json={"endpointUrl": HOOK, "eventTypes": [CREATED], "status": "INACTIVE"})
    deleted = api("DELETE", url)
    assert deleted.status_code == 204 and deleted.data == b""
    for path in (url, url + "/secret"):
        refused = api("GET", path)
        assert refused.status_code == 404
        assert refused.json["type"] == "SUBSCRIPTION_NOT_FOUND"
    assert api("DELETE", url).status_code == 404
    assert api("GET", "/v1/subscriptions").json["data"] == []
    activities = api("GET", url + "/activities").json["data"]
    assert [a["operationType"] for a in activities] == ["CREATE", "UPDATE", "DELETE"]
    assert activities[-1]["description"] == "Subscription deleted"
    only = api("GET", url + "/activities?operation_types=DELETE").json["data"]
    assert [a["operationType"] for a in only] == ["DELETE"]


def test_the_list_filters_and_pages_like_the_export_api(api: Api) -> None:
    first = _subscribe(api)
    second = _subscribe(api, status="INACTIVE", eventTypes=["v1.other.event"])
    third = _subscribe(api)
    listed = api("GET", "/v1/subscriptions?status=ACTIVE").json
    assert [row["id"] for row in listed["data"]] == [first["id"], third["id"]]
    assert listed["pagination"]["currentRequestPagination"]["parameters"] == {"status": ["ACTIVE"]}
    by_type = api("GET", "/v1/subscriptions?event_types=v1.other.event").json["data"]
    assert [row["id"] for row in by_type] == [second["id"]]
    page = api("GET", "/v1/subscriptions?limit=2").json
    assert page["pagination"]["hasNextPage"] and page["pagination"]["total"] == 3
    after = page["pagination"]["endCursor"]
    rest = api("GET", f"/v1/subscriptions?limit=2&after={after}").json["data"]
    assert [row["id"] for row in rest] == [third["id"]]
    newest = api("GET", "/v1/subscriptions?sorting_keys=id&sorting_order=DESC").json["data"]
    assert [row["id"] for row in newest] == sorted((r["id"] for r in listed["data"] + by_type),
                                                   reverse=True)  # fmt: skip


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("sorting_keys=secret", "INVALID_PAGINATION"),
        ("offset=1&after=AAAA", "INVALID_PAGINATION"),
        ("after=AAAA", "INVALID_PAGINATION"),
        ("limit=1001", "INVALID_PAGINATION"),
        ("status=PAUSED", "INVALID_REQUEST"),
    ],
)
def test_bad_list_parameters_are_400(api: Api, query: str, code: str) -> None:
    response = api("GET", f"/v1/subscriptions?{query}")
    assert response.status_code == 400
    assert response.json["type"] == code


@pytest.mark.parametrize(
    "body",
    [
        {"eventTypes": [CREATED]},
        {"endpointUrl": HOOK},
        {"endpointUrl": "ftp://127.0.0.1/hook", "eventTypes": [CREATED]},
        {"endpointUrl": HOOK, "eventTypes": [CREATED, CREATED]},
        {"endpointUrl": HOOK, "eventTypes": [CREATED], "status": "PAUSED"},
        {"endpointUrl": HOOK, "eventTypes": [CREATED], "endpointAuth": {"type": "DIGEST"}},
        {"endpointUrl": HOOK, "eventTypes": [CREATED], "customHeaders": {"X-Erp": 1}},
    ],
)
def test_a_bad_subscription_is_400_and_nothing_is_made(api: Api, body: dict[str, Any]) -> None:
    response = api("POST", "/v1/subscriptions", json=body)
    assert response.status_code == 400
    assert response.json["type"] == "INVALID_REQUEST"
    assert api("GET", "/v1/subscriptions").json["data"] == []


def test_no_credentials_is_401_and_a_missing_scope_is_403(sandbox: Sandbox) -> None:
    client = Client(create_app(sandbox))
    refused = client.get("/v1/subscriptions")
    assert refused.status_code == 401 and "Bearer" in refused.headers["WWW-Authenticate"]
    reader = dataclasses.replace(sandbox.state.credentials[0], scopes=frozenset())
    sandbox.state.credentials = [reader]
    response = client.get(
        "/v1/subscriptions", headers={"Authorization": authorization_header(reader)}
    )
    assert response.status_code == 403 and "export-jobs:read" in response.json["message"]


def _as(client: Client, sandbox: Sandbox, label: str) -> Any:
    credential = next(c for c in sandbox.state.credentials if c.label == label)

    def call(method: str, url: str, json: Any = None) -> TestResponse:
        header = {"Authorization": authorization_header(credential)}
        return client.open(url, method=method, headers=header, json=json)

    return call


def test_a_subscription_belongs_to_the_companies_of_its_credential() -> None:
    sandbox = Sandbox("multi_company")
    client = Client(create_app(sandbox))
    dk = _as(client, sandbox, "Acme Danmark API key")
    se = _as(client, sandbox, "Acme Sverige API key")
    group = _as(client, sandbox, "Nordic group API key (multi-entity)")
    body = {"endpointUrl": HOOK, "eventTypes": [CREATED]}
    mine = dk("POST", "/v1/subscriptions", body).json["data"]["id"]
    ours = group("POST", "/v1/subscriptions", body).json["data"]["id"]
    assert [r["id"] for r in group("GET", "/v1/subscriptions").json["data"]] == [mine, ours]
    assert [r["id"] for r in dk("GET", "/v1/subscriptions").json["data"]] == [mine]
    for path in (f"/v1/subscriptions/{mine}", f"/v1/subscriptions/{mine}/activities"):
        assert se("GET", path).status_code == 404  # as unknown as a made-up id
    assert se("DELETE", f"/v1/subscriptions/{mine}").status_code == 404
    assert dk("GET", f"/v1/subscriptions/{ours}/secret").status_code == 404
    assert dk("GET", f"/v1/subscriptions/{mine}").status_code == 200


def test_subscribing_shifts_no_id_and_a_reset_forgets_it(api: Api, sandbox: Sandbox) -> None:
    untouched = Sandbox("pending")
    _subscribe(api)
    assert sandbox.add_entries("acme", 2) == untouched.add_entries("acme", 2)
    sandbox.reset()
    assert api("GET", "/v1/subscriptions").json["data"] == []
    assert _subscribe(api)["id"] == _subscribe_fresh()


def _subscribe_fresh() -> str:
    sandbox = Sandbox("pending")
    client = Client(create_app(sandbox))
    credential = sandbox.state.credentials[0]
    body = {"endpointUrl": HOOK, "eventTypes": [CREATED]}
    response = client.post(
        "/v1/subscriptions", json=body, headers={"Authorization": authorization_header(credential)}
    )
    return str(response.json["data"]["id"])


def test_the_export_api_v1_is_still_served_beside_it(api: Api) -> None:
    assert api("GET", "/v1/export-jobs").status_code == 200
    assert api("GET", "/v1/subscriptionsx").status_code == 404


def test_what_one_state_keeps_of_subscriptions_is_bounded(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MAX_SUBSCRIPTIONS", "MAX_ACTIVITIES", "MAX_DELETED"):
        monkeypatch.setattr(subscriptions, name, 10)
    kept = [_subscribe(api) for _ in range(10)]
    body = {"endpointUrl": HOOK, "eventTypes": [CREATED]}
    refused = api("POST", "/v1/subscriptions", json=body)
    assert refused.status_code == 400 and refused.json["type"] == "SUBSCRIPTION_LIMIT_REACHED"
    assert len(api("GET", "/v1/subscriptions").json["data"]) == 10  # nothing was added

    # Updated in a loop: the newest activities stay, the oldest (its CREATE) go.
    url = f"/v1/subscriptions/{kept[0]['id']}"
    for _ in range(25):
        assert api("PUT", url, json=body).status_code == 200
    activities = api("GET", url + "/activities").json["data"]
    assert len(activities) <= 10
    assert {a["operationType"] for a in activities} == {"UPDATE"}

    # Created and deleted in a loop: the first deleted ones' activities are forgotten.
    for created in kept:
        assert api("DELETE", f"/v1/subscriptions/{created['id']}").status_code == 204
    for _ in range(15):
        assert api("DELETE", f"/v1/subscriptions/{_subscribe(api)['id']}").status_code == 204
    assert api("GET", url + "/activities").status_code == 404
    assert _subscribe(api)["status"] == "ACTIVE"  # room again
