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
