"""The sandbox's OAuth records as authlib sees them: its client, code and token interfaces."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

from ...domain.oauth import (
    AccessToken,
    AuthorizationCode,
    Grant,
    OAuthClient,
    OAuthState,
    RefreshToken,
)

# Pleo: "Authorization: Basic base64(client_id:client_secret)" is the one way to authenticate.
CLIENT_AUTH_METHOD = "client_secret_basic"
GRANT_TYPES = ("authorization_code", "refresh_token")


class Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, record: OAuthClient) -> None:
        self.record = record

    def get_client_id(self) -> str:
        return self.record.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # redirect_uri is always required: it must match a registered one exactly

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes the client may have; all of its scopes when none are asked."""
        allowed = self.record.scopes
        if not scope:
            return " ".join(sorted(allowed))
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.record.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.record.secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == CLIENT_AUTH_METHOD

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class Owner:
    """The user behind a grant: the company (or organisation) admin who consented."""

    def __init__(self, grant: Grant) -> None:
        self.grant = grant

    def get_user_id(self) -> str:
        return self.grant.company_ids[0]


class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, record: AuthorizationCode) -> None:
        self.record = record

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return self.record.scope


class Refresh(TokenMixin):  # type: ignore[misc]
    """A refresh token as the refresh grant and the revocation endpoint see it."""

    def __init__(self, record: RefreshToken, state: OAuthState, now: datetime) -> None:
        self.record, self.state, self.now = record, state, now

    def check_client(self, client: Client) -> bool:
        return self.state.grant(self.record.grant_id).client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.record.scope

    def get_expires_in(self) -> int:
        return int((self.record.expires_at - self.now).total_seconds())

    def is_expired(self) -> bool:
        return self.record.expires_at <= self.now

    def is_revoked(self) -> bool:
        return self.record.rotated or self.state.live_grant(self.record.grant_id) is None


class Access(TokenMixin):  # type: ignore[misc]
    """An access token (a JWT): its record and claims, for introspection and revocation."""

    def __init__(
        self, record: AccessToken, claims: dict[str, Any], state: OAuthState, now: datetime
    ) -> None:
        self.record, self.claims, self.state, self.now = record, claims, state, now

    @property
    def grant(self) -> Grant:
        return self.state.grant(self.record.grant_id)

    def check_client(self, client: Client) -> bool:
        return self.grant.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return " ".join(sorted(self.grant.scopes))

    def get_expires_in(self) -> int:
        return int((self.record.expires_at - self.record.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.record.expires_at <= self.now

    def is_revoked(self) -> bool:
        return self.record.revoked or self.grant.revoked
