"""Injected faults reach the authorization server's back channel when a rule names it."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock import SandboxServer, create_app
from pleo_export_mock.faults import FaultSpecError, parse_rules
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.errors import ScenarioError
from pleo_export_mock.scenarios.loader import load_scenario_text

from .flow import Flow, basic


def _faults(flow: Flow, *rules: dict[str, Any]) -> None:
    added = flow.http.post("/_mock/faults", json={"faults": list(rules)})
    assert added.status_code == 200, added.json


def test_a_gateway_error_on_token_answers_first_and_leaves_the_code_usable(
    flow: Flow, sandbox: Sandbox
) -> None:
    code = flow.code()
    rule = {"operation": "token", "nth": 1, "kind": "status", "status": 503, "retry_after": 2}
    _faults(flow, rule)
    refused = flow.exchange(code)
    assert (refused.status_code, refused.json["type"]) == (503, "SERVICE_UNAVAILABLE")
    assert refused.headers["Retry-After"] == "2"
    assert flow.exchange(code).status_code == 200  # nothing happened: the code is unused
    tokens = [e.fault_kind for e in sandbox.journal.for_operation("token")]
    assert tokens == ["status", None]


def test_a_wildcard_rule_leaves_the_authorization_server_alone(
    flow: Flow, sandbox: Sandbox
) -> None:
    _faults(flow, {"operation": "*", "every": 1, "kind": "status", "status": 500})
    tokens = flow.tokens()
    assert flow.jobs(tokens["access_token"]).status_code == 500  # the Export API takes it
    introspected = flow.http.post(
        "/oauth/token/introspect",
        data={"token": tokens["access_token"]},
        headers=basic(flow.client),
    )
    assert introspected.json["active"] is True
    (rule,) = flow.http.get("/_mock/faults").json["data"]
    assert rule["matched"] == 1  # the API call only: OAuth calls are not counted either


def test_an_ambiguous_refresh_rotates_the_token_and_loses_the_answer(
    flow: Flow, sandbox: Sandbox
) -> None:
    tokens = flow.tokens()
    _faults(flow, {"operation": "token", "nth": 1, "kind": "ambiguous_commit"})
    with pytest.raises(ConnectionResetError):
        flow.refresh(tokens["refresh_token"])
    # The refresh went through: the old refresh token is spent, its replay ends the grant.
    assert flow.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    lost = sandbox.journal.for_operation("token")[1]
    assert (lost.status, lost.fault_kind) == (0, "ambiguous_commit")


def test_a_dropped_revocation_revokes_nothing(flow: Flow) -> None:
    tokens = flow.tokens()
    _faults(flow, {"operation": "revokeToken", "first": 1, "kind": "drop"})
    with pytest.raises(ConnectionResetError):
        flow.http.post(
            "/oauth/revoke", data={"token": tokens["refresh_token"]}, headers=basic(flow.client)
        )
    assert flow.refresh(tokens["refresh_token"]).status_code == 200


@pytest.mark.parametrize("operation", ["authorize", "approve", "getAuthorizationServerMetadata"])
def test_a_rule_for_the_front_channel_or_discovery_is_refused(operation: str) -> None:
    rule = {"operation": operation, "nth": 1, "kind": "drop"}
    with pytest.raises(FaultSpecError, match=r"faults\[0\]\.operation: .* takes no faults"):
        parse_rules([rule])
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(SCENARIO.format(operation=operation), "front.yaml")
    assert "front.yaml" in str(raised.value) and "faults[0]" in str(raised.value)
    assert "takes no faults" in str(raised.value)


def test_a_rule_for_the_front_channel_over_http_is_400_and_adds_nothing(client: Client) -> None:
    rule = {"operation": "authorize", "nth": 1, "kind": "drop"}
    refused = client.post("/_mock/faults", json={"faults": [rule]})
    assert (refused.status_code, refused.json["type"]) == (400, "INVALID_FAULT")
    assert client.get("/_mock/faults").json == {"data": []}


SCENARIO = """\
name: front
description: A fault on the authorization page.
seed: 1
companies:
  - {{key: acme, name: Acme ApS}}
faults:
  - {{operation: {operation}, nth: 1, kind: drop}}
"""


@pytest.mark.server
def test_token_answers_are_cut_and_garbled_on_the_wire(sandbox: Sandbox, tmp_path: Path) -> None:
    flow = Flow(Client(create_app(sandbox)), next(iter(sandbox.state.oauth.clients.values())))
    sandbox.faults.add(
        parse_rules(
            [
                {"operation": "introspectToken", "nth": 1, "kind": "truncate"},
                {"operation": "introspectToken", "nth": 2, "kind": "malformed"},
                {"operation": "introspectToken", "nth": 3, "kind": "latency", "seconds": 0.01},
            ]
        )
    )
    headers = {**basic(flow.client), "Content-Type": "application/x-www-form-urlencoded"}
    outcomes = []
    with SandboxServer(create_app(sandbox)) as server:
        for _ in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                connection.request("POST", "/oauth/token/introspect", "token=x", headers)
                body = connection.getresponse().read()
                outcomes.append("json" if body == b'{"active":false}' else "garbled")
            except http.client.IncompleteRead:
                outcomes.append("cut")
            finally:
                connection.close()
    assert outcomes == ["cut", "garbled", "json"]
    calls = sandbox.journal.for_operation("introspectToken")
    assert [e.fault_kind for e in calls] == ["truncate", "malformed", "latency"]


def test_a_scenario_can_fault_the_token_endpoint() -> None:
    sandbox = Sandbox()
    sandbox.load_scenario_text(
        SCENARIO.format(operation="token").replace("kind: drop", "kind: status, status: 429")
    )
    flow = Flow(Client(create_app(sandbox)), next(iter(sandbox.state.oauth.clients.values())))
    code = flow.code()
    assert flow.exchange(code).status_code == 429
    assert flow.exchange(code).status_code == 200
