"""Access tokens as Pleo issues them: JWTs of type `at+jwt`, on the sandbox clock.

The generator is authlib's RFC 9068 one; only what the sandbox decides is overridden: the
clock (the sandbox's, not the wall clock), the audience and issuer, and the token id, which
ties a token to its grant so that revoking or expiring the grant reaches it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from ...domain.credentials import Credential, CredentialKind
from ...domain.oauth import AccessToken, OAuthState
from .models import Owner

ISSUER = "pleo.sandbox"  # Pleo's production tokens say "pleo.production"
AUDIENCE = "https://external.pleo.io"
TOKEN_TYPE = "at+JWT"  # as Pleo's introspection names it
ALGORITHM = "HS256"  # a symmetric key from the seed: runs repeat, nothing to publish


def opaque(state: OAuthState, prefix: str) -> str:
    """A code or refresh token: unique, unguessable without the sandbox's key, reproducible."""
    serial = state.next_id(prefix)
    digest = hmac.new(state.signing_key, serial.encode(), hashlib.sha256).hexdigest()
    return f"{serial}.{digest[:32]}"


class SandboxTokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]
    """Issues JWT access tokens and opaque refresh tokens, recording both in the state."""

    def __init__(self, state: OAuthState, now: Callable[[], datetime]) -> None:
        super().__init__(
            ISSUER,
            alg=ALGORITHM,
            refresh_token_generator=self._refresh_token,
            expires_generator=lambda client, grant_type: state.lifetimes.access_token,
        )
        self.state, self.now = state, now

    def get_jwks(self) -> OctKey:
        return OctKey.import_key(self.state.signing_key)

    def get_audiences(self, client: Any, user: Owner, scope: str) -> str:
        return AUDIENCE

    def get_jti(self, client: Any, grant_type: str, user: Owner, scope: str) -> str:
        jti = self.state.next_id("at-")
        self.state.issue_access(user.grant.id, jti, self.now())
        return jti

    def get_extra_claims(self, client: Any, grant_type: str, user: Owner, scope: str) -> Any:
        # The sandbox clock, not the wall clock: a test that advances it sees tokens expire.
        issued = self.now()
        lifetime = self.state.lifetimes.access_token
        return {"iat": int(issued.timestamp()), "exp": int(issued.timestamp()) + lifetime}

    def _refresh_token(self, client: Any, grant_type: str, user: Owner, scope: str) -> str:
        token = opaque(self.state, "rt-")
        self.state.issue_refresh(user.grant.id, token, scope, self.now())
        return token


class TokenRefused(Exception):
    """A bearer value that is not a live access token of this sandbox; says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class DecodedToken:
    record: AccessToken
    claims: dict[str, Any]


def decode(state: OAuthState, value: str) -> DecodedToken | None:
    """The access token `value` names, if this sandbox signed it; None otherwise."""
    try:
        token = jwt.decode(value, OctKey.import_key(state.signing_key), algorithms=[ALGORITHM])
    except (JoseError, ValueError):
        return None
    if str(token.header.get("typ", "")).lower() != "at+jwt":
        return None
    record = state.access_tokens.get(str(token.claims.get("jti")))
    return None if record is None else DecodedToken(record, dict(token.claims))


def credential_for(state: OAuthState, value: str, now: datetime) -> Credential:
    """The credential an access token stands for, or TokenRefused (Pleo's 401 messages)."""
    decoded = decode(state, value)
    if decoded is None:
        raise TokenRefused("Invalid bearer token.")
    grant = state.grants.get(decoded.record.grant_id)
    if grant is None:  # forgotten with its grant, past the bound of what is kept
        raise TokenRefused("Invalid bearer token.")
    if decoded.record.revoked or grant.revoked:
        raise TokenRefused("JWT is revoked")
    if decoded.record.expires_at <= now:
        raise TokenRefused("JWT is expired")  # Pleo's own words
    client = state.clients.get(grant.client_id)
    return Credential(
        CredentialKind.BEARER,
        value,
        grant.company_ids,
        grant.scopes,
        f"OAuth {grant.client_id}",
        client.organisation_id if client is not None else None,
    )


def introspection(claims: dict[str, Any], active: bool) -> dict[str, Any]:
    """Pleo's introspection answer for an access token of this sandbox, from its claims."""
    if not active:
        return {"active": False}
    return {
        "active": True,
        "sub": claims["sub"],
        "token_type": TOKEN_TYPE,
        "exp": claims["exp"],
        "client_id": claims["client_id"],
        "iat": claims["iat"],
        "aud": claims["aud"],
        "iss": claims["iss"],
        "jti": claims["jti"],
    }
