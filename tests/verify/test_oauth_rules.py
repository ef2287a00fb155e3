"""The oauth-* rules on in-process sign-ins: what each one sees in the journal."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from pleo_export_mock.faults import parse_rules
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify.evaluate import evaluate

from ..http.oauth.flow import Flow, client_of, query_of

OAUTH_RULES = (
    "oauth-pkce-state",
    "oauth-refreshes",
    "oauth-no-refresh-replay",
    "oauth-no-401-loop",
)


def _flow() -> tuple[Sandbox, Flow]:
    sandbox = Sandbox("pending")
    return sandbox, Flow(Client(create_app(sandbox)), client_of(sandbox))


def _oauth_findings(sandbox: Sandbox) -> dict[str, list[str]]:
    found = evaluate(sandbox).by_rule()
    return {rule: [f.message for f in found[rule]] for rule in OAUTH_RULES if rule in found}


def test_a_correct_sign_in_and_refresh_has_no_oauth_finding() -> None:
    sandbox, flow = _flow()
    tokens = flow.tokens()
    sandbox.advance_clock(3600)
    assert flow.jobs(tokens["access_token"]).status_code == 401
    renewed = flow.refresh(tokens["refresh_token"]).json
    assert flow.jobs(renewed["access_token"]).status_code == 200
    assert _oauth_findings(sandbox) == {}


def test_using_the_code_of_a_forged_redirect_is_found() -> None:
    sandbox, flow = _flow()
    sandbox.state.oauth.forge_next = 1
    forged = query_of(flow.authorize().headers["Location"])
    assert flow.exchange(forged["code"]).status_code == 200  # the server cannot tell
    assert list(_oauth_findings(sandbox)) == ["oauth-pkce-state"]


def test_a_reused_state_is_found() -> None:
    sandbox, flow = _flow()
    flow.authorize(state="same")
    flow.authorize(state="same")
    assert list(_oauth_findings(sandbox)) == ["oauth-pkce-state"]


def test_signing_in_again_instead_of_refreshing_is_found() -> None:
    sandbox, flow = _flow()
    tokens = flow.tokens()
    sandbox.advance_clock(3600)
    flow.jobs(tokens["access_token"])
    code = query_of(flow.authorize(state="a-new-one").headers["Location"])["code"]
    assert flow.jobs(flow.exchange(code).json["access_token"]).status_code == 200
    assert list(_oauth_findings(sandbox)) == ["oauth-refreshes"]


def test_replaying_a_refresh_token_and_resending_a_dead_token_are_found() -> None:
    sandbox, flow = _flow()
    tokens = flow.tokens()
    flow.refresh(tokens["refresh_token"])
    flow.refresh(tokens["refresh_token"])  # the grant ends
    flow.jobs(tokens["access_token"])
    flow.jobs(tokens["access_token"])
    found = _oauth_findings(sandbox)
    assert set(found) == {"oauth-no-refresh-replay", "oauth-no-401-loop"}


def test_resending_a_refresh_whose_answer_was_lost_is_a_fair_retry() -> None:
    sandbox, flow = _flow()
    tokens = flow.tokens()
    sandbox.faults.add(parse_rules([{"operation": "token", "nth": 1, "kind": "drop"}]))
    with pytest.raises(ConnectionResetError):
        flow.refresh(tokens["refresh_token"])  # dropped before anything happened
    renewed = flow.refresh(tokens["refresh_token"]).json
    assert flow.jobs(renewed["access_token"]).status_code == 200
    assert _oauth_findings(sandbox) == {}
