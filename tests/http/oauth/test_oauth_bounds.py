"""A client that authorizes or refreshes in a loop: the server keeps the newest, never all."""

from __future__ import annotations

import pytest

from pleo_export_mock.domain import oauth
from pleo_export_mock.sandbox import Sandbox

from .flow import Flow

KEPT = 20


@pytest.fixture(autouse=True)
def small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oauth, "MAX_KEPT", KEPT)


def kept(sandbox: Sandbox) -> dict[str, int]:
    state = sandbox.read_state().oauth
    return {
        "grants": len(state.grants),
        "codes": len(state.codes),
        "refresh": len(state.refresh_tokens),
        "access": len(state.access_tokens),
    }


def test_refreshing_in_a_loop_keeps_the_newest_tokens(flow: Flow, sandbox: Sandbox) -> None:
    first = flow.tokens()
    tokens = first
    for _ in range(3 * KEPT):
        answer = flow.refresh(tokens["refresh_token"])
        assert answer.status_code == 200, answer.json
        tokens = answer.json
    assert max(kept(sandbox).values()) <= KEPT
    assert flow.jobs(tokens["access_token"]).status_code == 200  # the newest still work
    assert flow.refresh(tokens["refresh_token"]).status_code == 200
    # The first pair is forgotten: refused as unknown, and its replay revokes nothing.
    assert flow.jobs(first["access_token"]).json["message"] == "Invalid bearer token."
    assert flow.refresh(first["refresh_token"]).json["error"] == "invalid_grant"
    assert not any(g.revoked for g in sandbox.read_state().oauth.grants.values())


def test_authorizing_in_a_loop_forgets_the_oldest_grants_whole(
    flow: Flow, sandbox: Sandbox
) -> None:
    first = flow.tokens()
    unused_code = flow.code()
    for _ in range(2 * KEPT):
        latest = flow.tokens()
    assert max(kept(sandbox).values()) <= KEPT
    assert flow.jobs(latest["access_token"]).status_code == 200
    assert flow.jobs(first["access_token"]).status_code == 401
    assert flow.refresh(first["refresh_token"]).json["error"] == "invalid_grant"
    assert flow.exchange(unused_code).json["error"] == "invalid_grant"
    # Nothing kept belongs to a forgotten grant.
    state = sandbox.read_state().oauth
    issued = [*state.codes.values(), *state.refresh_tokens.values(), *state.access_tokens.values()]
    assert {record.grant_id for record in issued} <= set(state.grants)
