"""The authorization server at Pleo's paths: code flow with PKCE S256, client auth, discovery."""

from __future__ import annotations

from werkzeug.test import Client

from pleo_export_mock.sandbox import Sandbox

from .flow import Flow, basic, challenge, query_of


def test_authorize_redirects_at_once_with_code_and_the_same_state(flow: Flow) -> None:
    response = flow.authorize(state="opaque/state?=1")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(flow.client.redirect_uris[0] + "?")
    query = query_of(location)
    assert query["state"] == "opaque/state?=1"
    assert query["code"]


def test_a_browser_gets_a_consent_page_and_its_answer_is_honoured(flow: Flow) -> None:
    page = flow.authorize(headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert 'name="decision" value="deny"' in page.get_data(as_text=True)
    form = {
        "response_type": "code",
        "client_id": flow.client.client_id,
        "redirect_uri": flow.client.redirect_uris[0],
        "state": "s-1",
        "code_challenge": challenge(),
        "code_challenge_method": "S256",
    }
    denied = flow.http.post("/oauth/authorize", data={**form, "decision": "deny"})
    refusal = query_of(denied.headers["Location"])
    assert (refusal["error"], refusal["state"]) == ("access_denied", "s-1")
    assert "code" not in refusal
    approved = flow.http.post("/oauth/authorize", data={**form, "decision": "approve"})
    assert "code" in query_of(approved.headers["Location"])


def test_pkce_is_required_and_only_s256(flow: Flow) -> None:
    for overrides in (
        {"code_challenge": None, "code_challenge_method": None},
        {"code_challenge_method": "plain"},
        {"code_challenge_method": None},
    ):
        response = flow.authorize(**overrides)
        assert response.status_code == 302, overrides
        query = query_of(response.headers["Location"])
        assert query["error"] == "invalid_request", overrides
        assert query["state"] == "s-123"


def test_a_wrong_code_verifier_gets_no_token(flow: Flow) -> None:
    response = flow.exchange(flow.code(), verifier="w" * 50)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_grant"


def test_redirect_uri_must_match_exactly_and_is_never_followed_when_it_does_not(
    flow: Flow,
) -> None:
    registered = flow.client.redirect_uris[0]
    for uri in (registered + "/", registered + "?x=1", registered.upper(), "https://evil.example/"):
        response = flow.authorize(redirect_uri=uri)
        assert response.status_code == 400, uri
        assert "Location" not in response.headers
        assert response.json["error"] == "invalid_request"


def test_unknown_client_is_refused_without_a_redirect(flow: Flow) -> None:
    response = flow.authorize(client_id="nobody")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.json["error"] == "invalid_client"


def test_token_needs_basic_client_authentication(flow: Flow) -> None:
    code = flow.code()
    wrong = flow.token({"grant_type": "authorization_code", "code": code}, secret="wrong")
    assert wrong.status_code == 401
    assert wrong.json["error"] == "invalid_client"
    in_body = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": flow.client.client_id,
            "client_secret": flow.client.secret,
        },
    )
    assert in_body.status_code == 401  # Pleo: Basic only


def test_a_code_is_single_use_and_its_second_use_ends_the_grant(flow: Flow) -> None:
    code = flow.code()
    first = flow.exchange(code)
    assert first.status_code == 200
    again = flow.exchange(code)
    assert again.status_code == 400
    assert again.json["error"] == "invalid_grant"
    assert flow.jobs(first.json["access_token"]).status_code == 401


def test_a_code_expires_on_the_sandbox_clock(flow: Flow, sandbox: Sandbox) -> None:
    code = flow.code()
    sandbox.advance_clock(61)
    assert flow.exchange(code).json["error"] == "invalid_grant"


def test_token_answer_is_bearer_with_expiry_and_no_store(flow: Flow) -> None:
    response = flow.exchange(flow.code())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"]
    assert set(body["scope"].split()) == set(flow.client.scopes)


def test_introspection_answers_in_pleos_shape(flow: Flow) -> None:
    tokens = flow.tokens()
    response = flow.http.post(
        "/oauth/token/introspect",
        data={"token": tokens["access_token"]},
        headers=basic(flow.client),
    )
    assert response.status_code == 200
    body = response.json
    assert set(body) == {
        "active",
        "sub",
        "token_type",
        "exp",
        "client_id",
        "iat",
        "aud",
        "iss",
        "jti",
    }
    assert body["active"] is True
    assert body["token_type"] == "at+JWT"
    assert body["aud"] == "https://external.pleo.io"
    assert body["client_id"] == flow.client.client_id
    assert body["exp"] - body["iat"] == 3600
    unknown = flow.http.post(
        "/oauth/token/introspect", data={"token": "nope"}, headers=basic(flow.client)
    )
    assert unknown.json == {"active": False}


def test_revoking_a_refresh_token_ends_the_grant(flow: Flow) -> None:
    tokens = flow.tokens()
    response = flow.http.post(
        "/oauth/revoke", data={"token": tokens["refresh_token"]}, headers=basic(flow.client)
    )
    assert response.status_code == 200
    assert flow.jobs(tokens["access_token"]).status_code == 401
    assert flow.refresh(tokens["refresh_token"]).json["error"] == "invalid_grant"


def test_discovery_metadata_names_the_endpoints(client: Client) -> None:
    body = client.get("/.well-known/oauth-authorization-server").json
    assert body["token_endpoint"].endswith("/oauth/token")
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["token_endpoint_auth_methods_supported"] == ["client_secret_basic"]


def test_the_spec_is_served(client: Client) -> None:
    document = client.get("/oauth/openapi.json").json
    assert "/oauth/token" in document["paths"]
