"""Who may call the sandbox, in a snapshot: the credentials, and the authorization server's
clients, grants, codes and tokens."""

from __future__ import annotations

from typing import Any

from ..domain.credentials import Credential, CredentialKind
from ..domain.oauth import (
    AccessToken,
    AuthorizationCode,
    Grant,
    Lifetimes,
    OAuthClient,
    OAuthState,
    RefreshToken,
)
from .reader import At, time_text


def credentials_json(credentials: list[Credential]) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind.value,
            "secret": c.secret,
            "companyIds": list(c.company_ids),
            "scopes": sorted(c.scopes),
            "label": c.label,
            "organisationId": c.organisation_id,
        }
        for c in credentials
    ]


def read_credentials(at: At) -> list[Credential]:
    return [
        Credential(
            c.choice("kind", CredentialKind, "credential kind"),
            c.text("secret"),
            tuple(c.strings("companyIds")),
            frozenset(c.strings("scopes")),
            c.text("label"),
            c.text("organisationId", null=True),
        )
        for c in at.items()
    ]


def oauth_json(oauth: OAuthState) -> dict[str, Any]:
    with oauth._lock:
        return {
            "clients": [_client_json(client) for client in oauth.clients.values()],
            "signingKey": oauth.signing_key.hex(),
            "lifetimes": {
                "accessToken": oauth.lifetimes.access_token,
                "code": oauth.lifetimes.code,
                "refreshToken": oauth.lifetimes.refresh_token,
            },
            "grants": [
                {
                    "id": g.id,
                    "clientId": g.client_id,
                    "companyIds": list(g.company_ids),
                    "scopes": sorted(g.scopes),
                    "revoked": g.revoked,
                }
                for g in oauth.grants.values()
            ],
            "codes": [_code_json(code) for code in oauth.codes.values()],
            "refreshTokens": [_refresh_json(token) for token in oauth.refresh_tokens.values()],
            "accessTokens": [_access_json(token) for token in oauth.access_tokens.values()],
            "denyNext": oauth.deny_next,
            "forgeNext": oauth.forge_next,
            "counter": oauth._counter,
        }


def read_oauth(at: At) -> OAuthState:
    clients = [_read_client(c) for c in at.get("clients").items()]
    key_text = at.text("signingKey")
    try:
        key = bytes.fromhex(key_text)
    except ValueError:
        raise at.get("signingKey").fail("expected the key in hexadecimal") from None
    times = at.get("lifetimes")
    lifetimes = Lifetimes(
        times.whole("accessToken", minimum=1),
        times.whole("code", minimum=1),
        times.whole("refreshToken", minimum=1),
    )
    state = OAuthState({c.client_id: c for c in clients}, key, lifetimes)
    for g in at.get("grants").items():
        state.grants[g.text("id")] = Grant(
            g.text("id"),
            g.text("clientId"),
            tuple(g.strings("companyIds")),
            frozenset(g.strings("scopes")),
            g.flag("revoked"),
        )
    for c in at.get("codes").items():
        code = _read_code(c)
        state.codes[code.code] = code
    for r in at.get("refreshTokens").items():
        refresh = RefreshToken(
            r.text("token"),
            r.text("grantId"),
            r.text("scope"),
            r.time("expiresAt"),
            r.flag("rotated"),
        )
        state.refresh_tokens[refresh.token] = refresh
    for a in at.get("accessTokens").items():
        access = AccessToken(
            a.text("jti"),
            a.text("grantId"),
            a.time("issuedAt"),
            a.time("expiresAt"),
            a.flag("revoked"),
        )
        state.access_tokens[access.jti] = access
    state.deny_next, state.forge_next = at.whole("denyNext"), at.whole("forgeNext")
    state._counter = at.whole("counter")
    return state


def _client_json(client: OAuthClient) -> dict[str, Any]:
    return {
        "clientId": client.client_id,
        "secret": client.secret,
        "redirectUris": list(client.redirect_uris),
        "companyIds": list(client.company_ids),
        "scopes": sorted(client.scopes),
        "label": client.label,
        "organisationId": client.organisation_id,
    }


def _read_client(at: At) -> OAuthClient:
    return OAuthClient(
        at.text("clientId"),
        at.text("secret"),
        tuple(at.strings("redirectUris")),
        tuple(at.strings("companyIds")),
        frozenset(at.strings("scopes")),
        at.text("label"),
        at.text("organisationId", null=True),
    )


def _code_json(code: AuthorizationCode) -> dict[str, Any]:
    return {
        "code": code.code,
        "grantId": code.grant_id,
        "redirectUri": code.redirect_uri,
        "scope": code.scope,
        "challenge": code.challenge,
        "challengeMethod": code.challenge_method,
        "expiresAt": time_text(code.expires_at),
        "used": code.used,
    }


def _read_code(at: At) -> AuthorizationCode:
    return AuthorizationCode(
        at.text("code"),
        at.text("grantId"),
        at.text("redirectUri"),
        at.text("scope"),
        at.text("challenge"),
        at.text("challengeMethod"),
        at.time("expiresAt"),
        at.flag("used"),
    )


def _refresh_json(token: RefreshToken) -> dict[str, Any]:
    return {
        "token": token.token,
        "grantId": token.grant_id,
        "scope": token.scope,
        "expiresAt": time_text(token.expires_at),
        "rotated": token.rotated,
    }


def _access_json(token: AccessToken) -> dict[str, Any]:
    return {
        "jti": token.jti,
        "grantId": token.grant_id,
        "issuedAt": time_text(token.issued_at),
        "expiresAt": time_text(token.expires_at),
        "revoked": token.revoked,
    }
