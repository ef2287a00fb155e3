"""No secret reaches the journal or its exports in clear; equal secrets keep equal fingerprints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.journal import JournalEntry
from pleo_export_mock.journal.export import to_har, to_ndjson
from pleo_export_mock.journal.masking import Masking
from pleo_export_mock.sandbox import Sandbox

from ..delivery.receiver import Receiver
from ..http.oauth.flow import VERIFIER, Flow, basic, client_of


def _exported(sandbox: Sandbox) -> str:
    """Everything the journal shows: its entries, NDJSON and HAR."""
    entries = list(sandbox.journal)
    return repr(entries) + to_ndjson(entries) + json.dumps(to_har(entries))


def _form(entry: JournalEntry) -> dict[str, str]:
    assert isinstance(entry.request_body, str)
    return dict(parse_qsl(entry.request_body))


def _signed_in() -> tuple[Sandbox, Flow, list[str]]:
    """A full OAuth round: code, tokens, an API call, a refresh, introspection, revocation;
    with every secret that went over the wire."""
    sandbox = Sandbox("pending")
    http = Client(create_app(sandbox))
    flow = Flow(http, client_of(sandbox))
    code = flow.code()
    first = flow.exchange(code).json
    assert flow.jobs(first["access_token"]).status_code == 200
    second = flow.refresh(first["refresh_token"]).json
    for path in ("/oauth/token/introspect", "/oauth/revoke"):
        http.post(path, data={"token": second["access_token"]}, headers=basic(flow.client))
    tokens = [t[kind] for t in (first, second) for kind in ("access_token", "refresh_token")]
    client_pair = basic(flow.client)["Authorization"].split()[1]
    return sandbox, flow, [code, VERIFIER, flow.client.secret, client_pair, *tokens]


def test_oauth_codes_verifiers_client_secrets_and_tokens_are_masked_everywhere() -> None:
    sandbox, _flow, secrets = _signed_in()
    shown = _exported(sandbox)
    assert [secret for secret in secrets if secret in shown] == []
    (introspection,) = sandbox.journal.for_operation("introspectToken")
    assert introspection.response_body["active"] is True  # the answer itself stays readable


def test_fingerprints_are_equal_for_equal_secrets_so_rules_can_compare() -> None:
    sandbox, _flow, secrets = _signed_in()
    journal = sandbox.journal
    (authorization,) = journal.for_operation("authorize")
    exchange, refresh = journal.for_operation("token")
    issued = exchange.response_body
    redirected = dict(parse_qsl(urlsplit(authorization.response_headers["Location"]).query))
    assert _form(exchange)["code"] == redirected["code"]  # the code of that redirect
    assert _form(refresh)["refresh_token"] == issued["refresh_token"]
    assert issued["refresh_token"] != issued["access_token"]
    assert redirected["state"] == "s-123"  # what is no secret stays as it was
    assert _form(refresh)["grant_type"] == "refresh_token"
    (api_call,) = journal.for_operation("getExportJobsListV3")
    bearer = api_call.request_headers["Authorization"]
    assert bearer == f"Bearer {issued['access_token']}"
    masking = Masking()
    assert issued["access_token"] == masking.fingerprint(secrets[4])


def test_a_form_keeps_every_other_byte_as_sent() -> None:
    masking = Masking()
    text = "grant_type=refresh_token&scope=a+b%21&refresh%5Ftoken=rt-1.abc&flag"
    masked = masking.form(text, frozenset({"refresh_token"}))
    fingerprint = masking.fingerprint("rt-1.abc")
    assert (
        masked
        == f"grant_type=refresh_token&scope=a+b%21&refresh%5Ftoken=%2A%2A%2A{fingerprint[3:]}&flag"
    )
    assert dict(parse_qsl(masked))["refresh_token"] == fingerprint


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def test_webhook_secrets_and_endpoint_passwords_are_masked(receiver: Receiver) -> None:
    sandbox = Sandbox("backlog")
    try:
        http = Client(create_app(sandbox))
        auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
        endpoint = {"type": "BASIC", "credentials": {"username": "erp", "password": "hunter22"}}
        body = {
            "endpointUrl": receiver.url,
            "eventTypes": ["v1.export-job.created"],
            "endpointAuth": endpoint,
        }
        created = http.post("/v1/subscriptions", json=body, headers=auth).json["data"]
        path = f"/v1/subscriptions/{created['id']}/secret"
        secret = http.get(path, headers=auth).json["data"]["secretKey"]
        # A connector that echoes its secret to its own endpoint: the delivery shows it masked.
        echo = {**body, "customHeaders": {"X-Echo": secret}}
        http.put(f"/v1/subscriptions/{created['id']}", json=echo, headers=auth)
        company = sandbox.state.credentials[0].company_ids[0]
        sandbox.press_export(company, sandbox.add_entries(company, 1))
        assert sandbox.outbox.wait_idle()
        shown = _exported(sandbox)
        assert secret.startswith("whsec_") and secret not in shown and "hunter22" not in shown
        (read,) = sandbox.journal.for_operation("getSubscriptionSecret")
        assert read.response_body["data"]["secretKey"] == Masking().fingerprint(secret)
        (delivery,) = [e for e in sandbox.journal if e.direction == "outbound"]
        assert delivery.request_headers["X-Echo"] == Masking().fingerprint(secret)
        assert delivery.request_headers["Authorization"].startswith("Basic ***")
    finally:
        sandbox.close()


def test_a_location_that_is_no_url_is_masked_whole() -> None:
    masking = Masking()
    entry = JournalEntry(
        seq=1,
        wall_time=0.0,
        sandbox_time=datetime(2026, 1, 1, tzinfo=UTC),
        operation_id="authorize",
        method="GET",
        path="/oauth/authorize",
        query={},
        path_params={},
        request_headers={},
        request_body=None,
        status=302,
        response_headers={"Location": "https://[::1/cb?code=secret-code"},
        response_body=None,
    )
    shown = masking.entry(entry).response_headers["Location"]
    assert shown == masking.fingerprint("https://[::1/cb?code=secret-code")
