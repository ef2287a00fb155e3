"""OAuth 2.0 as the sandbox's authorization server keeps it: clients, grants, codes, tokens.

Plain data and bookkeeping on the sandbox clock; the protocol itself (parsing requests,
PKCE, client authentication, JWTs) lives in `http/oauth/`. A *grant* is one consent of a
company to a client: every code, access token and refresh token belongs to one, so expiring
or revoking a grant ends all of them at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .bounded import forget_oldest
from .credentials import ALL_SCOPES
from .errors import DomainError

# Pleo documents no access token lifetime; an hour is the common default (docs/decisions.md).
ACCESS_TOKEN_SECONDS = 3600
CODE_SECONDS = 60  # RFC 6749 section 4.1.2 recommends at most ten minutes
REFRESH_TOKEN_SECONDS = 60 * 24 * 3600  # Pleo: refresh tokens live at least 60 days
# Grants, codes, refresh tokens and access tokens each kept at most, the newest: a client
# that authorizes or refreshes in a loop must not grow the server without end (8,000 refreshes
# took 48 MB). An hourly refresh takes 416 days to reach it; one forgotten is refused as unknown.
MAX_KEPT = 10_000


class GrantNotFound(DomainError):
    """The control plane named a grant the authorization server never issued."""


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """A registered client: what it may ask for, and for which companies it acts."""

    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]
    company_ids: tuple[str, ...]
    scopes: frozenset[str] = frozenset(ALL_SCOPES)
    label: str = ""
    organisation_id: str | None = None  # acts for an organisation: all of its companies


@dataclass(slots=True)
class Grant:
    id: str
    client_id: str
    company_ids: tuple[str, ...]
    scopes: frozenset[str]
    revoked: bool = False


@dataclass(slots=True)
class AuthorizationCode:
    code: str
    grant_id: str
    redirect_uri: str
    scope: str
    challenge: str
    challenge_method: str
    expires_at: datetime
    used: bool = False


@dataclass(slots=True)
class RefreshToken:
    token: str
    grant_id: str
    scope: str
    expires_at: datetime
    rotated: bool = False  # exchanged for a new pair: presenting it again is a replay


@dataclass(slots=True)
class AccessToken:
    jti: str
    grant_id: str
    issued_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass(slots=True)
class Lifetimes:
    """How long what the server issues lives, in seconds; the control plane may shorten them."""

    access_token: int = ACCESS_TOKEN_SECONDS
    code: int = CODE_SECONDS
    refresh_token: int = REFRESH_TOKEN_SECONDS


@dataclass
class OAuthState:
    """The authorization server's memory for one seeded sandbox."""

    clients: dict[str, OAuthClient]
    signing_key: bytes  # HS256 key of access tokens, from the seed
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    grants: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    deny_next: int = 0  # how many coming authorizations answer access_denied
    forge_next: int = 0  # how many coming redirects carry a state the client did not send
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _counter: int = 0

    def fresh(self) -> OAuthState:
        """The same clients, key and lifetimes, and nothing issued yet (a reset)."""
        kept = self.lifetimes  # copied: the control plane changes it in place
        lifetimes = Lifetimes(kept.access_token, kept.code, kept.refresh_token)
        forged = self.forge_next  # a scenario's forged redirects come back with a reset
        return OAuthState(dict(self.clients), self.signing_key, lifetimes, forge_next=forged)

    def client_for(self, company_id: str) -> OAuthClient | None:
        """The first client that acts for the company, if any."""
        return next((c for c in self.clients.values() if company_id in c.company_ids), None)

    def next_id(self, prefix: str) -> str:
        """A readable, unique id (codes and tokens add a random part of their own)."""
        with self._lock:
            self._counter += 1
            return f"{prefix}{self._counter}"

    def take_denial(self) -> bool:
        """True when this authorization was told to fail (and counts it off)."""
        with self._lock:
            if self.deny_next <= 0:
                return False
            self.deny_next -= 1
            return True

    def take_forgery(self) -> bool:
        """True when this redirect is to look forged: another state than the client sent."""
        with self._lock:
            if self.forge_next <= 0:
                return False
            self.forge_next -= 1
            return True

    def new_grant(self, client: OAuthClient, scopes: frozenset[str]) -> Grant:
        grant = Grant(self.next_id("grant-"), client.client_id, client.company_ids, scopes)
        with self._lock:
            self.grants[grant.id] = grant
            gone = set(forget_oldest(self.grants, MAX_KEPT))
            if gone:  # what a forgotten grant issued goes with it
                for records in (self.codes, self.refresh_tokens, self.access_tokens):
                    for key in [k for k, r in records.items() if r.grant_id in gone]:
                        del records[key]
        return grant

    def add_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self.codes[code.code] = code
            forget_oldest(self.codes, MAX_KEPT)

    def revoke_grant(self, grant_id: str) -> None:
        """End a grant: its codes, access tokens and refresh tokens stop working now."""
        self.grant(grant_id).revoked = True

    def grant(self, grant_id: str) -> Grant:
        grant = self.grants.get(grant_id)
        if grant is None:
            raise GrantNotFound(f"No OAuth grant {grant_id}.")
        return grant

    def expire_grant(self, grant_id: str, now: datetime) -> None:
        """Make every access token of the grant expired now; refresh tokens still work."""
        self.grant(grant_id)
        for token in self.access_tokens.values():
            if token.grant_id == grant_id and token.expires_at > now:
                token.expires_at = now

    def live_grant(self, grant_id: str) -> Grant | None:
        grant = self.grants.get(grant_id)
        return None if grant is None or grant.revoked else grant

    def issue_access(self, grant_id: str, jti: str, now: datetime) -> AccessToken:
        expires = now + timedelta(seconds=self.lifetimes.access_token)
        token = AccessToken(jti, grant_id, now, expires)
        with self._lock:
            self.access_tokens[jti] = token
            forget_oldest(self.access_tokens, MAX_KEPT)
        return token

    def issue_refresh(self, grant_id: str, token: str, scope: str, now: datetime) -> None:
        expires = now + timedelta(seconds=self.lifetimes.refresh_token)
        with self._lock:
            self.refresh_tokens[token] = RefreshToken(token, grant_id, scope, expires)
            forget_oldest(self.refresh_tokens, MAX_KEPT)
