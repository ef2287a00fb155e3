"""Access tokens are JWTs on the sandbox clock, accepted by the Export API beside static ones."""

from __future__ import annotations

import base64
import dataclasses
import json

from werkzeug.test import Client

from pleo_export_mock.domain.policy import Policy
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox, SandboxConfig

from .flow import Flow, client_of


def _segment(token: str, index: int) -> dict[str, object]:
    part = token.split(".")[index]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def test_access_token_is_an_at_jwt_with_pleos_claims(flow: Flow, sandbox: Sandbox) -> None:
    token = flow.tokens()["access_token"]
    assert _segment(token, 0)["typ"] == "at+jwt"
    claims = _segment(token, 1)
    assert {"sub", "exp", "client_id", "iat", "aud", "iss", "jti"} <= set(claims)
    assert claims["iat"] == int(sandbox.now().timestamp())  # the sandbox clock, not the wall's


def test_export_api_accepts_the_token_for_the_grants_company(flow: Flow, sandbox: Sandbox) -> None:
    response = flow.jobs(flow.tokens()["access_token"])
    assert response.status_code == 200
    companies = {job["companyId"] for job in response.json["data"]}
    assert companies == set(flow.client.company_ids)


def test_an_expired_token_gets_pleos_401_and_a_refresh_carries_on(
    flow: Flow, sandbox: Sandbox
) -> None:
    tokens = flow.tokens()
    sandbox.advance_clock(3600)
    expired = flow.jobs(tokens["access_token"])
    assert expired.status_code == 401
    assert expired.json == {"type": "UNAUTHORIZED", "message": "JWT is expired"}
    renewed = flow.refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    assert renewed.json["refresh_token"] != tokens["refresh_token"]
    assert flow.jobs(renewed.json["access_token"]).status_code == 200


def test_a_tampered_token_is_refused(flow: Flow) -> None:
    token = flow.tokens()["access_token"]
    header, claims, signature = token.split(".")
    forged = ".".join((header, claims, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")))
    response = flow.jobs(forged)
    assert response.status_code == 401
    assert response.json["type"] == "UNAUTHORIZED"


def test_a_token_of_another_sandbox_is_refused(flow: Flow) -> None:
    other = Sandbox("pending", SandboxConfig(seed=999))
    from_elsewhere = Flow(flow.http, client_of(other))
    assert from_elsewhere.authorize().status_code == 400  # its client is not registered here


def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_grant(flow: Flow) -> None:
    tokens = flow.tokens()
    renewed = flow.refresh(tokens["refresh_token"]).json
    replay = flow.refresh(tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.json["error"] == "invalid_grant"
    assert flow.jobs(renewed["access_token"]).status_code == 401  # the whole grant ended
    assert flow.refresh(renewed["refresh_token"]).status_code == 400


def test_the_replay_rule_can_be_switched_off(sandbox: Sandbox) -> None:
    lenient = Sandbox("pending", SandboxConfig(policy=Policy(revoke_grant_on_refresh_replay=False)))
    flow = Flow(Client(create_app(lenient)), client_of(lenient))
    tokens = flow.tokens()
    renewed = flow.refresh(tokens["refresh_token"]).json
    assert flow.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"
    assert flow.jobs(renewed["access_token"]).status_code == 200  # only the old token died


def test_a_reset_forgets_every_grant(flow: Flow, sandbox: Sandbox) -> None:
    token = flow.tokens()["access_token"]
    sandbox.reset()
    assert flow.jobs(token).status_code == 401
    assert flow.jobs(flow.tokens()["access_token"]).status_code == 200


def test_clients_and_signing_key_come_from_the_seed() -> None:
    first, second = Sandbox("pending"), Sandbox("pending")
    assert first.state.oauth.clients == second.state.oauth.clients
    assert first.state.oauth.signing_key == second.state.oauth.signing_key
    other = Sandbox("pending", SandboxConfig(seed=7))
    assert other.state.oauth.signing_key != first.state.oauth.signing_key
    assert dataclasses.asdict(client_of(first))["redirect_uris"]
