"""A connector's side of Pleo's OAuth flow, driven through the test client."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.test import Client, TestResponse

from pleo_export_mock.domain.oauth import OAuthClient
from pleo_export_mock.sandbox import Sandbox

VERIFIER = "v" * 43 + "-pkce-verifier"


def challenge(verifier: str = VERIFIER) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def client_of(sandbox: Sandbox, index: int = 0) -> OAuthClient:
    return list(sandbox.state.oauth.clients.values())[index]


def basic(client: OAuthClient, secret: str | None = None) -> dict[str, str]:
    pair = f"{client.client_id}:{client.secret if secret is None else secret}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class Flow:
    http: Client
    client: OAuthClient

    def authorize(self, **overrides: Any) -> TestResponse:
        params = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "redirect_uri": self.client.redirect_uris[0],
            "state": "s-123",
            "code_challenge": challenge(),
            "code_challenge_method": "S256",
            **overrides,
        }
        headers = params.pop("headers", {})
        query = {key: value for key, value in params.items() if value is not None}
        return self.http.get("/oauth/authorize", query_string=query, headers=headers)

    def code(self) -> str:
        response = self.authorize()
        assert response.status_code == 302, response.get_data(as_text=True)
        return query_of(response.headers["Location"])["code"]

    def token(self, form: dict[str, str], secret: str | None = None) -> TestResponse:
        return self.http.post("/oauth/token", data=form, headers=basic(self.client, secret))

    def exchange(self, code: str, verifier: str = VERIFIER) -> TestResponse:
        return self.token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.client.redirect_uris[0],
                "code_verifier": verifier,
            }
        )

    def tokens(self) -> dict[str, Any]:
        response = self.exchange(self.code())
        assert response.status_code == 200, response.json
        body: dict[str, Any] = response.json
        return body

    def refresh(self, refresh_token: str) -> TestResponse:
        return self.token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def jobs(self, access_token: str) -> TestResponse:
        return self.http.get("/v3/export-jobs", headers={"Authorization": f"Bearer {access_token}"})
