"""Deliveries of `v1.export-job.created`: who gets them, how they are signed, retried, recorded."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks import Webhook
from werkzeug.test import Client

from pleo_export_mock.delivery import HostPolicy
from pleo_export_mock.delivery import outbox as outbox_module
from pleo_export_mock.delivery.hosts import allowed_host
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.journal.export import to_har, to_ndjson
from pleo_export_mock.sandbox import Sandbox, SandboxConfig

from .receiver import Receiver

CREATED = "v1.export-job.created"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox("backlog")  # queued entries and no open job: Export can be pressed
    yield sandbox
    sandbox.close()


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    return Client(create_app(sandbox))


@pytest.fixture
def auth(sandbox: Sandbox) -> dict[str, str]:
    return {"Authorization": authorization_header(sandbox.state.credentials[0])}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def _subscribe(client: Client, auth: dict[str, str], url: str, **fields: Any) -> dict[str, Any]:
    body = {"endpointUrl": url, "eventTypes": [CREATED], **fields}
    created = client.post("/v1/subscriptions", json=body, headers=auth).json["data"]
    secret = client.get(f"/v1/subscriptions/{created['id']}/secret", headers=auth).json["data"]
    return {**created, "secret": secret["secretKey"]}


def _company(sandbox: Sandbox) -> str:
    return sandbox.state.credentials[0].company_ids[0]


def _press(sandbox: Sandbox) -> Any:
    """A user adds an entry and presses Export for it."""
    company = _company(sandbox)
    return sandbox.press_export(company, sandbox.add_entries(company, 1))


def _outbound(sandbox: Sandbox) -> list[Any]:
    return [e for e in sandbox.journal if e.direction == "outbound"]


def test_pressing_export_delivers_a_signed_event_with_the_new_job(
    sandbox: Sandbox, client: Client, auth: dict[str, str], receiver: Receiver
) -> None:
    subscription = _subscribe(
        client,
        auth,
        receiver.url,
        customHeaders={"X-Erp-Tenant": "acme"},
        endpointAuth={"type": "BASIC", "credentials": {"username": "erp", "password": "pw"}},
    )
    entries = sandbox.add_entries(_company(sandbox), 2)
    job = client.post(
        f"/_mock/companies/{_company(sandbox)}/export", json={"accountingEntryIds": entries}
    ).json["data"]
    assert sandbox.outbox.wait_idle()
    [delivery] = receiver.received
    event = Webhook(subscription["secret"]).verify(delivery.body, delivery.headers)
    assert event["eventType"] == CREATED
    assert event["data"] == {
        "id": job["id"],
        "companyId": job["companyId"],
        "createdAt": job["createdAt"],
        "createdBy": job["createdBy"],
        "expiresIn": 3600,
        "numberOfItems": job["numberOfItems"],
        "status": "pending",
    }
    assert delivery.headers["webhook-id"].startswith("msg_")
    assert delivery.headers["X-Erp-Tenant"] == "acme"
    assert delivery.headers["Authorization"] == "Basic ZXJwOnB3"  # erp:pw
    assert delivery.path == "/hooks/pleo"


def test_every_way_a_job_is_created_delivers(
    sandbox: Sandbox, client: Client, auth: dict[str, str], receiver: Receiver
) -> None:
    _subscribe(client, auth, receiver.url)
    company = _company(sandbox)
    body = {"companyId": company, "accountingEntryIds": sandbox.add_entries(company, 1)}
    first = client.post("/v3/export-jobs", json=body, headers=auth).json["data"]
    assert sandbox.outbox.wait_idle()
    second = _press(sandbox)
    assert sandbox.outbox.wait_idle()
    ids = [json.loads(r.body)["data"]["id"] for r in receiver.received]
    assert ids == [first["id"], second.id]


def test_only_active_subscriptions_of_the_company_to_the_event_receive_it(
    receiver: Receiver,
) -> None:
    sandbox = Sandbox("multi_company")
    client = Client(create_app(sandbox))
    by_label = {c.label: c for c in sandbox.state.credentials}

    def auth(label: str) -> dict[str, str]:
        return {"Authorization": authorization_header(by_label[label])}

    dk, se = auth("Acme Danmark API key"), auth("Acme Sverige API key")
    group = auth("Nordic group API key (multi-entity)")
    wanted = [_subscribe(client, dk, receiver.url + "/dk")]
    wanted.append(_subscribe(client, group, receiver.url + "/group"))
    _subscribe(client, dk, receiver.url + "/paused", status="INACTIVE")
    _subscribe(client, dk, receiver.url + "/other", eventTypes=["v1.export.job-created"])
    _subscribe(client, se, receiver.url + "/se")
    deleted = _subscribe(client, dk, receiver.url + "/deleted")
    client.delete(f"/v1/subscriptions/{deleted['id']}", headers=dk)
    dk_company = sandbox.company_id("dk")
    job_id = sandbox.state.job_ids["dk_export"]
    client.post("/v3/export-job-events", json={"event": "failed", "jobId": job_id}, headers=dk)
    sandbox.add_entries("dk", 2)
    sandbox.press_export(dk_company)
    assert sandbox.outbox.wait_idle()
    sandbox.close()
    assert sorted(r.path for r in receiver.received) == ["/hooks/pleo/dk", "/hooks/pleo/group"]
    for delivery in receiver.received:
        secret = next(w["secret"] for w in wanted if w["endpointUrl"].endswith(delivery.path[11:]))
        Webhook(secret).verify(delivery.body, delivery.headers)


def test_a_failed_delivery_is_retried_on_the_sandbox_clock_with_the_same_id(
    sandbox: Sandbox, client: Client, auth: dict[str, str]
) -> None:
    with Receiver(statuses=[500, 307, 200]) as receiver:
        _subscribe(client, auth, receiver.url)
        _press(sandbox)
        assert sandbox.outbox.wait_idle()
        assert len(receiver.received) == 1  # the retry waits for the sandbox clock
        sandbox.advance_clock(5)
        assert sandbox.outbox.wait_idle()
        assert len(receiver.received) == 2  # a redirect is not followed: it is a failure
        sandbox.advance_clock(299)
        assert sandbox.outbox.wait_idle() and len(receiver.received) == 2
        sandbox.advance_clock(1)
        assert sandbox.outbox.wait_idle()
        assert sandbox.outbox.waiting == 0  # delivered: nothing more to try
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert [e.status for e in _outbound(sandbox)] == [500, 307, 200]


def test_an_endpoint_that_does_not_answer_in_time_is_retried(
    sandbox: Sandbox, client: Client, auth: dict[str, str]
) -> None:
    let_go = threading.Event()
    with Receiver(before_answer=lambda: let_go.wait(5)) as receiver:
        sandbox.outbox.timeout_s = 0.2
        _subscribe(client, auth, receiver.url)
        _press(sandbox)
        assert sandbox.outbox.wait_idle()
        let_go.set()
    [attempt] = _outbound(sandbox)
    assert attempt.status == 0 and "no answer within 0.2 s" in attempt.response_body
    assert sandbox.outbox.waiting == 1


def test_creating_a_job_does_not_wait_for_the_endpoint(
    sandbox: Sandbox, client: Client, auth: dict[str, str]
) -> None:
    let_go = threading.Event()
    with Receiver(before_answer=lambda: let_go.wait(10)) as receiver:
        _subscribe(client, auth, receiver.url)
        entries = {"accountingEntryIds": sandbox.add_entries(_company(sandbox), 1)}
        response = client.post(f"/_mock/companies/{_company(sandbox)}/export", json=entries)
        assert response.status_code == 201  # answered while the endpoint still holds on
        assert receiver.arrived.wait(5) and not let_go.is_set()
        let_go.set()
        assert sandbox.outbox.wait_idle()


def test_deliveries_go_only_to_loopback_unless_allowed(
    sandbox: Sandbox, client: Client, auth: dict[str, str]
) -> None:
    _subscribe(client, auth, "http://192.0.2.10:8080/hooks")  # TEST-NET-1: never reachable
    _press(sandbox)
    assert sandbox.outbox.wait_idle()
    [attempt] = _outbound(sandbox)
    assert attempt.status == 0
    assert "not a loopback address" in attempt.response_body
    assert HostPolicy(frozenset({"erp.example"})).check("erp.example", 443) is None
    assert HostPolicy().check("localhost", 80) in {"127.0.0.1", "::1"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("https://erp.example:8443/hooks", "is a URL; give its host alone: erp.example"),
        ("erp.example:8443", "is not a host name or an IP address (no port, no path)"),
        ("", "is not a host name"),
        ("-erp.example", "is not a host name"),
    ],
)
def test_an_allowed_host_that_could_match_no_delivery_is_refused(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=re.escape(said)):
        allowed_host(text)
    with pytest.raises(ValueError, match=re.escape(said)):
        SandboxConfig(webhook_hosts=frozenset({text}))
    assert [allowed_host(h) for h in ("ERP.example", "192.0.2.10", "::1")] == [
        "erp.example",
        "192.0.2.10",
        "::1",
    ]


def test_every_attempt_is_journaled_as_outbound_with_its_answer(
    sandbox: Sandbox, client: Client, auth: dict[str, str], receiver: Receiver
) -> None:
    _subscribe(
        client,
        auth,
        receiver.url,
        endpointAuth={"type": "BASIC", "credentials": {"username": "erp", "password": "secret"}},
    )
    _press(sandbox)
    assert sandbox.outbox.wait_idle()
    [entry] = _outbound(sandbox)
    assert (entry.method, entry.path, entry.status) == ("POST", receiver.url, 204)
    assert entry.operation_id == CREATED and entry.request_body["eventType"] == CREATED
    assert entry.request_headers["Authorization"].startswith("Basic ***")  # masked
    assert json.loads(to_ndjson([entry]))["direction"] == "outbound"
    assert to_har([entry])["log"]["entries"][0]["request"]["url"] == receiver.url
    listed = client.get("/_mock/journal").json["data"]
    assert [row["direction"] for row in listed].count("outbound") == 1


def test_a_reset_drops_undelivered_events_and_close_stops_the_worker(
    sandbox: Sandbox, client: Client, auth: dict[str, str]
) -> None:
    with Receiver(statuses=[500]) as receiver:
        _subscribe(client, auth, receiver.url)
        _press(sandbox)
        assert sandbox.outbox.wait_idle() and sandbox.outbox.waiting == 1
        sandbox.reset()
        assert sandbox.outbox.waiting == 0
        sandbox.close()
        _subscribe(client, auth, receiver.url)
        _press(sandbox)
        assert sandbox.outbox.waiting == 0 and len(receiver.received) == 1


def test_the_verifier_judges_the_connectors_requests_not_the_sandboxs_deliveries(
    sandbox: Sandbox, client: Client, auth: dict[str, str], receiver: Receiver
) -> None:
    from pleo_export_mock.verify.evaluate import build_context

    _subscribe(client, auth, receiver.url)
    _press(sandbox)
    assert sandbox.outbox.wait_idle() and _outbound(sandbox)
    judged = build_context(sandbox).entries
    assert [e.operation_id for e in judged] == ["createSubscription", "getSubscriptionSecret"]


def test_without_subscribers_nothing_is_drawn_or_started(sandbox: Sandbox) -> None:
    twin = Sandbox("backlog")
    _press(sandbox)
    assert sandbox.outbox._worker is None  # no thread for a sandbox nobody subscribed to
    assert sandbox.store.subscriptions.ids.uuid() == twin.store.subscriptions.ids.uuid()
    twin.close()


def test_deliveries_waiting_are_bounded_and_one_past_the_bound_is_journaled(
    sandbox: Sandbox, client: Client, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "MAX_WAITING", 3)
    with socket.socket() as probe:  # a loopback port nothing listens on: every attempt fails
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hooks"
    _subscribe(client, auth, dead)
    job = _press(sandbox)
    for _ in range(5):  # on the frozen clock each failed attempt waits for its retry
        assert sandbox.outbox.wait_idle()
        assert client.post("/_mock/webhooks/fire", json={"jobId": job.id}).status_code == 202
    assert sandbox.outbox.wait_idle()
    assert sandbox.outbox.waiting == 3
    unsent = [e for e in _outbound(sandbox) if "deliveries wait already" in e.response_body]
    assert len(unsent) == 3  # the press and two fires waited; three fires found no room
    assert "not sent: 3 deliveries wait already" in unsent[0].response_body
