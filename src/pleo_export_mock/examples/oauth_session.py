"""Signing in to Pleo as a partner must: OAuth 2.0 authorization code with PKCE (S256).

Standard library only; it knows nothing of the sandbox. Without a browser, Pleo's sandbox
approves at once and redirects to the registered redirect URI with `code` and `state`; this
session reads them from the redirect's `Location` instead of following it, checks `state`,
and trades the code (with the PKCE verifier) for tokens. When the access token expires it
refreshes once, keeps the new refresh token and forgets the old one: a rotated refresh token
presented again ends the whole grant.

Environment: PLEO_AUTH_URL (Pleo's is https://auth.pleo.io), PLEO_OAUTH_CLIENT_ID,
PLEO_OAUTH_CLIENT_SECRET, PLEO_OAUTH_REDIRECT_URI.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

log = logging.getLogger("oauth_session")
SCOPES = "export-jobs:read export-jobs:write export-items:read"


class SignInFailed(Exception):
    """The authorization server refused, or answered something that cannot be trusted."""


class ForgedRedirect(SignInFailed):
    """A redirect that does not answer our request (its state is another)."""


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # the code is in Location; the redirect URI is the app's, not ours to call


NO_REDIRECTS = urllib.request.build_opener(_KeepRedirect)


class OAuthSession:
    """Holds one grant's tokens; `authorization()` is the header, `renew()` refreshes it."""

    def __init__(self, auth_url: str, client_id: str, secret: str, redirect_uri: str) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.client_id, self.secret, self.redirect_uri = client_id, secret, redirect_uri
        self.access_token = self.refresh_token = ""

    @classmethod
    def from_env(cls, env: dict[str, str]) -> OAuthSession:
        names = ("PLEO_AUTH_URL", "PLEO_OAUTH_CLIENT_SECRET", "PLEO_OAUTH_REDIRECT_URI")
        missing = [name for name in names if not env.get(name)]
        if missing:
            raise ValueError(f"OAuth needs {', '.join(missing)} beside PLEO_OAUTH_CLIENT_ID")
        return cls(env[names[0]], env["PLEO_OAUTH_CLIENT_ID"], env[names[1]], env[names[2]])

    def authorization(self) -> str:
        if not self.access_token:
            self.sign_in()
        return f"Bearer {self.access_token}"

    def sign_in(self, attempts: int = 2) -> None:
        """The authorization code flow: a fresh state and PKCE verifier every time. A redirect
        whose state is not ours may be an attacker's: its code is dropped and we ask again."""
        state, verifier = self.new_state(), secrets.token_urlsafe(48)
        try:
            code = self.read_code(self.authorize(state, verifier), state)
        except ForgedRedirect as forged:
            if attempts <= 1:
                raise
            log.warning("%s; asking again", forged)
            return self.sign_in(attempts - 1)
        self.token_request(
            grant_type="authorization_code",
            code=code,
            redirect_uri=self.redirect_uri,
            code_verifier=verifier,
        )
        log.info("signed in with OAuth as %s", self.client_id)

    def new_state(self) -> str:
        return secrets.token_urlsafe(16)

    def authorize(self, state: str, verifier: str) -> str:
        """Ask for consent; returns the redirect's Location."""
        digest = hashlib.sha256(verifier.encode()).digest()
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": SCOPES,
            "state": state,
            "code_challenge": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
        url = f"{self.auth_url}/oauth/authorize?{urllib.parse.urlencode(query)}"
        try:
            with NO_REDIRECTS.open(url, timeout=30) as response:
                raise SignInFailed(f"authorize answered {response.status}, not a redirect")
        except urllib.error.HTTPError as answer:
            if answer.code not in (302, 303) or not answer.headers.get("Location"):
                raise SignInFailed(f"authorize answered {answer.code}") from answer
            return str(answer.headers["Location"])

    def read_code(self, location: str, state: str) -> str:
        """The code, once the redirect proves it answers our request (state, RFC 6749 10.12)."""
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        if params.get("state") != state:
            raise ForgedRedirect("the redirect's state is not ours: possible CSRF, code dropped")
        if "error" in params:
            raise SignInFailed(f"authorization refused: {params['error']}")
        return params["code"]

    def renew(self) -> bool:
        """After a 401 "JWT is expired": refresh (rotating both tokens), else sign in again."""
        try:
            self.token_request(grant_type="refresh_token", refresh_token=self.refresh_token)
        except SignInFailed as error:
            log.warning("refresh refused (%s); signing in again", error)
            self.sign_in()
        return True

    def token_request(self, **form: str) -> None:
        pair = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        request = urllib.request.Request(
            f"{self.auth_url}/oauth/token",
            urllib.parse.urlencode(form).encode(),
            {"Authorization": f"Basic {pair}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                tokens = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise SignInFailed(f"token endpoint answered {error.code}") from error
        # The old refresh token is dead from now on: only the new one is kept.
        self.access_token, self.refresh_token = tokens["access_token"], tokens["refresh_token"]
