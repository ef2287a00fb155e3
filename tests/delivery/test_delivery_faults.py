"""Delivery faults (scenario and control plane) and re-sending on demand."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from werkzeug.test import Client

from pleo_export_mock.domain.models import JobEvent
from pleo_export_mock.errors import ToolError
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.loader import load_scenario_text

from .receiver import Receiver

CREATED = "v1.export-job.created"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox("backlog")
    yield sandbox
    sandbox.close()


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    return Client(create_app(sandbox))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def secret(sandbox: Sandbox, client: Client, receiver: Receiver) -> str:
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    body = {"endpointUrl": receiver.url, "eventTypes": [CREATED]}
    created = client.post("/v1/subscriptions", json=body, headers=auth).json["data"]
    path = f"/v1/subscriptions/{created['id']}/secret"
    return str(client.get(path, headers=auth).json["data"]["secretKey"])


def _company(sandbox: Sandbox) -> str:
    return sandbox.state.credentials[0].company_ids[0]


def _press(sandbox: Sandbox) -> str:
    company = _company(sandbox)
    return sandbox.press_export(company, sandbox.add_entries(company, 1)).id


def _faults(client: Client, *rules: dict[str, Any]) -> Any:
    return client.post("/_mock/webhooks/faults", json={"faults": list(rules)})


def _job_ids(receiver: Receiver) -> list[str]:
    return [json.loads(r.body)["data"]["id"] for r in receiver.received]


def _outbound_faults(sandbox: Sandbox) -> list[str | None]:
    return [e.fault_kind for e in sandbox.journal if e.direction == "outbound"]


def test_a_bad_signature_fails_verification_and_spoils_only_its_events(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    assert _faults(client, {"kind": "bad_signature"}).status_code == 200
    _press(sandbox)
    _press(sandbox)
    assert sandbox.outbox.wait_idle()
    forged, genuine = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(forged.body, forged.headers)
    Webhook(secret).verify(genuine.body, genuine.headers)
    assert _outbound_faults(sandbox) == ["bad_signature", None]


def test_a_stale_timestamp_is_correctly_signed_but_too_old(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    _faults(client, {"kind": "stale_timestamp", "seconds": 900})
    _press(sandbox)
    assert sandbox.outbox.wait_idle()
    [stale] = receiver.received
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(stale.body, stale.headers)
    stamp = int(stale.headers["webhook-timestamp"])
    assert time.time() - stamp >= 900
    signed = Webhook(secret).sign(
        stale.headers["webhook-id"], datetime.fromtimestamp(stamp, UTC), stale.body
    )
    assert stale.headers["webhook-signature"] == signed


def test_a_duplicate_is_the_same_message_twice(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    _faults(client, {"kind": "duplicate"})
    _press(sandbox)
    assert sandbox.outbox.wait_idle()
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert first.body == again.body
    for delivery in (first, again):
        Webhook(secret).verify(delivery.body, delivery.headers)
    assert sandbox.outbox.waiting == 0  # twice, not forever


def test_out_of_order_holds_an_event_back_until_a_later_one_overtakes_it(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    _faults(client, {"kind": "out_of_order", "seconds": 30})
    first, second = _press(sandbox), _press(sandbox)
    assert sandbox.outbox.wait_idle()
    assert _job_ids(receiver) == [second]
    sandbox.advance_clock(30)
    assert sandbox.outbox.wait_idle()
    assert _job_ids(receiver) == [second, first]


def test_a_lost_delivery_never_arrives_and_the_journal_says_so(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    _faults(client, {"kind": "lost"})
    lost, kept = _press(sandbox), _press(sandbox)
    sandbox.advance_clock(86_400)  # no retry ever comes
    assert sandbox.outbox.wait_idle()
    assert _job_ids(receiver) == [kept]
    entry = next(e for e in sandbox.journal if e.direction == "outbound")
    assert (entry.job_id, entry.status, entry.fault_kind) == (lost, 0, "lost")


def test_a_rule_for_one_company_spoils_only_its_events(receiver: Receiver) -> None:
    sandbox = Sandbox("multi_company")
    client = Client(create_app(sandbox))
    for label in ("Acme Danmark API key", "Acme Sverige API key"):
        credential = next(c for c in sandbox.state.credentials if c.label == label)
        auth = {"Authorization": authorization_header(credential)}
        body = {"endpointUrl": receiver.url, "eventTypes": [CREATED]}
        client.post("/v1/subscriptions", json=body, headers=auth)
    _faults(client, {"kind": "lost", "company": "se", "times": 2})
    for key, job in (("dk", "dk_export"), ("se", "se_export")):
        scope = (sandbox.company_id(key),)
        sandbox.store.apply_event(scope, sandbox.state.job_ids[job], JobEvent.FAILED)
        sandbox.press_export(key, sandbox.add_entries(key, 1))
    assert sandbox.outbox.wait_idle()
    sandbox.close()
    assert [json.loads(r.body)["data"]["companyId"] for r in receiver.received] == [
        sandbox.company_id("dk")
    ]
    described = client.get("/_mock/webhooks/faults").json["data"]
    assert described == [{"kind": "lost", "company": "se", "times": 2, "used": 1}]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ({"kind": "typo"}, "faults[1].kind: 'typo' is not one of"),
        ({"kind": "lost", "times": 0}, "faults[1].times"),
        ({"kind": "lost", "seconds": 5}, "only stale_timestamp and out_of_order"),
        ({"kind": "lost", "when": "now"}, "unknown key(s) when"),
    ],
)
def test_a_bad_fault_rule_is_refused_and_nothing_changes(
    client: Client, rule: dict[str, Any], reason: str
) -> None:
    _faults(client, {"kind": "duplicate"})
    refused = _faults(client, {"kind": "lost"}, rule)
    assert refused.status_code == 400 and refused.json["type"] == "INVALID_FAULT"
    assert reason in refused.json["message"]
    assert [r["kind"] for r in client.get("/_mock/webhooks/faults").json["data"]] == ["duplicate"]
    replaced = client.post(
        "/_mock/webhooks/faults", json={"faults": [{"kind": "lost"}], "replace": True}
    )
    assert [r["kind"] for r in replaced.json["data"]] == ["lost"]
    assert client.delete("/_mock/webhooks/faults").json == {"data": []}


SCENARIO = """\
name: spoilt
description: Webhook faults from the scenario file.
seed: 7
companies:
  - key: acme
    name: Acme ApS
    entries: [{key: e, count: 2}]
webhook_faults:
  - {kind: stale_timestamp}
  - {kind: duplicate, company: {company}, times: 2}
"""


def test_a_scenario_sets_webhook_faults_and_a_reset_restores_them() -> None:
    sandbox = Sandbox(load_scenario_text(SCENARIO.replace("{company}", "acme"), "spoilt.yaml"))
    plan = sandbox.outbox.faults
    assert [r["kind"] for r in plan.describe()] == ["stale_timestamp", "duplicate"]
    assert plan.describe()[0]["seconds"] == 600
    plan.clear()
    sandbox.reset()
    assert len(plan.describe()) == 2
    sandbox.close()


def test_a_scenario_fault_for_an_unknown_company_names_the_place() -> None:
    with pytest.raises(ToolError) as refused:
        load_scenario_text(SCENARIO.replace("{company}", "globex"), "spoilt.yaml")
    assert "spoilt.yaml" in str(refused.value) and "webhook_faults[1].company" in str(refused.value)
    assert "no company 'globex'" in str(refused.value)


def test_fire_resends_the_same_message_and_announces_a_seeded_job(
    sandbox: Sandbox, client: Client, receiver: Receiver, secret: str
) -> None:
    created = _press(sandbox)
    assert sandbox.outbox.wait_idle()
    fired = client.post("/_mock/webhooks/fire", json={"jobId": created})
    assert fired.status_code == 202 and fired.json["data"]["subscriptions"] == 1
    assert sandbox.outbox.wait_idle()
    first, again = receiver.received
    assert (
        first.headers["webhook-id"]
        == again.headers["webhook-id"]
        == fired.json["data"]["webhookId"]
    )
    seeded = next(job for job in sandbox.store.jobs() if job.id != created)
    assert client.post("/_mock/webhooks/fire", json={"jobId": seeded.id}).status_code == 202
    assert sandbox.outbox.wait_idle()
    event = Webhook(secret).verify(receiver.received[-1].body, receiver.received[-1].headers)
    assert (event["data"]["id"], event["data"]["status"]) == (seeded.id, seeded.status.value)
    unknown = client.post(
        "/_mock/webhooks/fire", json={"jobId": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
    )
    assert unknown.status_code == 404 and unknown.json["type"] == "EXPORT_NOT_FOUND"
