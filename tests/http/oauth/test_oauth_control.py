"""Pleo's side of sign-ins: deny the next authorization, expire or revoke a grant, lifetimes."""

from __future__ import annotations

from pleo_export_mock.sandbox import Sandbox

from .flow import Flow, query_of


def test_the_next_authorization_can_be_made_to_fail(flow: Flow) -> None:
    assert flow.http.post("/_mock/oauth/deny", json={}).json["denyNext"] == 1
    denied = query_of(flow.authorize().headers["Location"])
    assert (denied["error"], denied["state"]) == ("access_denied", "s-123")
    assert "code" in query_of(flow.authorize().headers["Location"])  # only the next one


def test_expiring_a_grant_makes_its_access_tokens_expired_and_a_refresh_recovers(
    flow: Flow,
) -> None:
    tokens = flow.tokens()
    (grant,) = flow.http.get("/_mock/oauth/grants").json["data"]
    assert grant["clientId"] == flow.client.client_id
    assert flow.http.post(f"/_mock/oauth/grants/{grant['id']}/expire").status_code == 200
    assert flow.jobs(tokens["access_token"]).json["message"] == "JWT is expired"
    renewed = flow.refresh(tokens["refresh_token"]).json
    assert flow.jobs(renewed["access_token"]).status_code == 200


def test_revoking_a_grant_ends_every_token_of_it(flow: Flow) -> None:
    tokens = flow.tokens()
    grant_id = flow.http.get("/_mock/oauth/grants").json["data"][0]["id"]
    revoked = flow.http.post(f"/_mock/oauth/grants/{grant_id}/revoke")
    assert revoked.json["revoked"] is True
    assert flow.jobs(tokens["access_token"]).status_code == 401
    assert flow.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"


def test_an_unknown_grant_is_404(flow: Flow) -> None:
    response = flow.http.post("/_mock/oauth/grants/grant-99/revoke")
    assert response.status_code == 404
    assert response.json["type"] == "OAUTH_GRANT_NOT_FOUND"


def test_shorter_lifetimes_apply_to_what_is_issued_next(flow: Flow, sandbox: Sandbox) -> None:
    settings = flow.http.put("/_mock/oauth/lifetimes", json={"accessToken": 30})
    assert settings.json["accessToken"] == 30
    tokens = flow.tokens()
    assert tokens["expires_in"] == 30
    sandbox.advance_clock(29)
    assert flow.jobs(tokens["access_token"]).status_code == 200
    sandbox.advance_clock(1)
    assert flow.jobs(tokens["access_token"]).status_code == 401


def test_bad_lifetimes_are_refused_and_change_nothing(flow: Flow) -> None:
    response = flow.http.put("/_mock/oauth/lifetimes", json={"accessToken": 0})
    assert response.status_code == 400
    assert response.json["type"] == "INVALID_REQUEST"
    assert flow.tokens()["expires_in"] == 3600


def test_a_reset_restores_the_default_lifetimes(flow: Flow, sandbox: Sandbox) -> None:
    flow.http.put("/_mock/oauth/lifetimes", json={"accessToken": 30})
    sandbox.reset()
    assert flow.tokens()["expires_in"] == 3600


def test_a_forged_redirect_carries_a_state_the_client_did_not_send(flow: Flow) -> None:
    assert flow.http.post("/_mock/oauth/forge", json={"count": 1}).json["forgeNext"] == 1
    forged = query_of(flow.authorize(state="mine").headers["Location"])
    assert forged["state"] != "mine" and forged["code"]
    assert query_of(flow.authorize(state="mine").headers["Location"])["state"] == "mine"


def test_the_scenario_view_lists_the_oauth_clients(flow: Flow) -> None:
    (client,) = flow.http.get("/_mock/scenario").json["oauthClients"]
    assert client["clientId"] == flow.client.client_id
    assert client["clientSecret"] == flow.client.secret
    assert client["redirectUris"] == list(flow.client.redirect_uris)
