"""Bad input to the authorization server: a precise 4xx in OAuth's form, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox

from .flow import Flow, basic, client_of

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("method", "path", "options", "error"),
    [
        # Characters an OAuth error may not quote: the answer says so without quoting them.
        ("GET", "/oauth/authorize", {"query_string": 'response_type="'}, "invalid_request"),
        (
            "POST",
            "/oauth/authorize",
            {"data": "response_type=%22", "content_type": FORM},
            "invalid_request",
        ),
        (
            "POST",
            "/oauth/token",
            {"data": "grant_type=%5C", "content_type": FORM},
            "unsupported_grant_type",
        ),
        (
            "GET",
            "/oauth/authorize",
            {"query_string": "client_id=%ff%fe"},
            "unsupported_response_type",
        ),
        (
            "GET",
            "/oauth/authorize",
            {"query_string": "response_type=token"},
            "unsupported_response_type",
        ),
        (
            "GET",
            "/oauth/authorize",
            {"query_string": "response_type=code&client_id=a&client_id=b"},
            "invalid_request",
        ),
        (
            "POST",
            "/oauth/token",
            {"data": b"\xff\xfe=\x00", "content_type": FORM},
            "unsupported_grant_type",
        ),
        (
            "POST",
            "/oauth/token",
            {"json": {"grant_type": "authorization_code"}},
            "unsupported_grant_type",
        ),
        (
            "POST",
            "/oauth/token",
            {"data": "grant_type=password", "content_type": FORM},
            "unsupported_grant_type",
        ),
        (
            "POST",
            "/oauth/token/introspect",
            {"data": "token=x", "content_type": FORM},
            "invalid_client",
        ),
        ("POST", "/oauth/revoke", {"data": "token=x", "content_type": FORM}, "invalid_client"),
    ],
)
def test_bad_requests_get_oauth_errors(
    flow: Flow, method: str, path: str, options: dict[str, Any], error: str
) -> None:
    response = flow.http.open(path, method=method, **options)
    assert 400 <= response.status_code < 500
    assert response.json["error"] == error


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "authorization_code", "code": "code-1.forged", "redirect_uri": "x"},
        {"grant_type": "authorization_code"},
        {"grant_type": "refresh_token", "refresh_token": "rt-1.forged"},
        {"grant_type": "refresh_token"},
    ],
)
def test_forged_or_missing_codes_and_tokens_get_a_400(flow: Flow, form: dict[str, str]) -> None:
    response = flow.token(form)
    assert response.status_code == 400
    assert response.json["error"] in ("invalid_grant", "invalid_request")


def test_a_client_cannot_introspect_or_revoke_another_clients_token() -> None:
    sandbox = Sandbox("multi_company")
    http = Client(create_app(sandbox))
    mine, theirs = Flow(http, client_of(sandbox, 0)), Flow(http, client_of(sandbox, 1))
    tokens = mine.tokens()
    for token in (tokens["access_token"], tokens["refresh_token"]):
        seen = http.post(
            "/oauth/token/introspect", data={"token": token}, headers=basic(theirs.client)
        )
        assert seen.json == {"active": False}
        http.post("/oauth/revoke", data={"token": token}, headers=basic(theirs.client))
    assert mine.jobs(tokens["access_token"]).status_code == 200  # untouched
    assert mine.refresh(tokens["refresh_token"]).status_code == 200


def test_unknown_paths_and_methods_keep_pleos_form(flow: Flow) -> None:
    assert flow.http.get("/oauth/nothing").json["type"] == "NOT_FOUND"
    wrong = flow.http.put("/oauth/token")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"


OVER_THE_LIMIT = "&pad=" + "x" * (1024 * 1024)


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/token/introspect", "/oauth/revoke"])
def test_a_form_over_the_size_limit_is_413_in_oauths_form_and_changes_nothing(
    flow: Flow, sandbox: Sandbox, path: str
) -> None:
    code, tokens = flow.code(), flow.tokens()
    oauth = sandbox.state.oauth
    before = [(g.id, g.revoked) for g in oauth.grants.values()], len(oauth.refresh_tokens)
    forms = {
        "/oauth/token": f"grant_type=authorization_code&code={code}",
        "/oauth/token/introspect": f"token={tokens['access_token']}",
        "/oauth/revoke": f"token={tokens['refresh_token']}",
    }
    response = flow.http.post(
        path, data=forms[path] + OVER_THE_LIMIT, content_type=FORM, headers=basic(flow.client)
    )
    assert response.status_code == 413
    assert response.json == {
        "error": "invalid_request",
        "error_description": "The request body is larger than 1048576 bytes.",
    }
    last = sandbox.journal.last
    assert last is not None and last.status == 413 and last.path == path
    assert ([(g.id, g.revoked) for g in oauth.grants.values()], len(oauth.refresh_tokens)) == (
        before
    )
    assert flow.exchange(code).status_code == 200  # the code is still unused
    assert flow.refresh(tokens["refresh_token"]).status_code == 200  # and nothing revoked


def test_a_consent_answer_over_the_size_limit_is_413(flow: Flow) -> None:
    body = "decision=approve&pad=" + "x" * (1024 * 1024)
    response = flow.http.post("/oauth/authorize", data=body, content_type=FORM)
    assert (response.status_code, response.json["error"]) == (413, "invalid_request")


def test_a_body_on_the_authorization_page_means_nothing_whatever_its_size(flow: Flow) -> None:
    query = {"response_type": "code", "client_id": flow.client.client_id, "state": "s"}
    response = flow.http.get(
        "/oauth/authorize",
        query_string={**query, "redirect_uri": flow.client.redirect_uris[0]},
        data=b"x" * (2 * 1024 * 1024),
    )
    assert response.status_code == 302  # answered as without a body (PKCE missing: a redirect)
