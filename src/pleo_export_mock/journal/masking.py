"""What never reaches the journal in clear: credentials, OAuth codes and tokens, webhook secrets.

Each secret is replaced by a fingerprint, `***` and 12 hex digits of an HMAC of it, equal for
equal secrets: the verifier's rules still tell one refresh token or code from another, and a
person reading the journal can follow a token from the answer that issued it to the calls that
use it, without the journal (or its HAR and NDJSON exports) handing anyone the token.

The key of the HMAC is drawn once per process: fingerprints agree across every journal of one
process and mean nothing to anyone else, so a short or guessable secret (a client secret a
scenario chose) cannot be found by hashing candidates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from .journal import JournalEntry

_PROCESS_KEY = secrets.token_bytes(32)
FINGERPRINT_PREFIX = "***"

# Where a secret may stand, by the API a path belongs to. The authorization server's forms,
# queries, JSON answers and redirects: codes, PKCE verifiers, client secrets and both tokens.
OAUTH_PATHS = ("/oauth/",)
OAUTH_FIELDS = frozenset(
    {"code", "code_verifier", "client_secret", "access_token", "refresh_token", "id_token", "token"}
)
# The Webhook Subscriptions API: the signing secret and the endpoint's own credentials.
SUBSCRIPTION_PATHS = ("/v1/subscriptions",)
SUBSCRIPTION_FIELDS = frozenset({"secretKey", "password", "token"})
# A Standard Webhooks signing secret, wherever it turns up in those APIs or a delivery.
WEBHOOK_SECRET = re.compile(r"whsec_[A-Za-z0-9+/=_-]+")


@dataclass(frozen=True, slots=True)
class Masking:
    """Which request headers, fields and values never reach the journal in clear."""

    secret_headers: frozenset[str] = field(
        default_factory=lambda: frozenset({"authorization", "cookie", "proxy-authorization"})
    )
    key: bytes = _PROCESS_KEY

    def fingerprint(self, secret: str) -> str:
        digest = hmac.new(self.key, secret.encode("utf-8", "replace"), hashlib.sha256)
        return FINGERPRINT_PREFIX + digest.hexdigest()[:12]

    def headers(self, headers: Any, *, webhook_secrets: bool = False) -> dict[str, str]:
        masked = {name: self.mask(name, value) for name, value in headers.items()}
        if webhook_secrets:  # a delivery's custom headers are the connector's own choice
            masked = {name: self._scrub(value) for name, value in masked.items()}
        return masked

    def mask(self, name: str, value: str) -> str:
        """A secret header as its scheme and a fingerprint (`Bearer ***1a2b...`)."""
        if name.lower() not in self.secret_headers:
            return str(value)
        scheme, _, secret = str(value).partition(" ")
        if not secret:
            return self.fingerprint(scheme)
        return f"{scheme} {self.fingerprint(secret)}"

    def entry(self, entry: JournalEntry) -> JournalEntry:
        """The entry as the journal shows it: every secret of its API fingerprinted."""
        if entry.direction == "outbound":  # a delivery: only a webhook secret could leak
            return self._mask(entry, frozenset(), webhook_secrets=True)
        if entry.path.startswith(OAUTH_PATHS):
            return self._mask(entry, OAUTH_FIELDS, webhook_secrets=False)
        if entry.path.startswith(SUBSCRIPTION_PATHS):
            return self._mask(entry, SUBSCRIPTION_FIELDS, webhook_secrets=True)
        return replace(entry, request_headers=self.headers(entry.request_headers))

    def _mask(
        self, entry: JournalEntry, names: frozenset[str], webhook_secrets: bool
    ) -> JournalEntry:
        def body(value: Any) -> Any:
            return self._body(value, names, webhook_secrets)

        return replace(
            entry,
            query={k: self._values(k, v, names) for k, v in entry.query.items()},
            request_headers=self.headers(entry.request_headers, webhook_secrets=webhook_secrets),
            request_body=body(entry.request_body),
            response_headers=self._redirect(entry.response_headers, names),
            response_body=body(entry.response_body),
        )

    def _values(self, name: str, values: list[str], names: frozenset[str]) -> list[str]:
        return [self.fingerprint(v) for v in values] if name in names else values

    def _body(self, body: Any, names: frozenset[str], webhook_secrets: bool) -> Any:
        """Decoded JSON by its keys; a text body (an OAuth form) by its fields."""
        scrub: Callable[[str], str] = self._scrub if webhook_secrets else str
        if isinstance(body, str):
            return scrub(self.form(body, names) if names else body)
        return _walk(body, names, self.fingerprint, scrub)

    def form(self, text: str, names: frozenset[str]) -> str:
        """`application/x-www-form-urlencoded` text with the named fields' values masked.

        Only those values change; the rest stays byte for byte as the client sent it."""
        pairs = []
        for pair in text.split("&"):
            name, equals, value = pair.partition("=")
            if equals and unquote_plus(name) in names:
                pair = f"{name}={quote(self.fingerprint(unquote_plus(value)), safe='')}"
            pairs.append(pair)
        return "&".join(pairs)

    def _redirect(self, headers: Mapping[str, str], names: frozenset[str]) -> dict[str, str]:
        """Response headers, with a redirect's code (OAuth's Location) masked."""
        masked = dict(headers)
        for name, value in headers.items():
            if name.lower() == "location" and names:
                try:
                    url = urlsplit(value)
                except ValueError:  # not a URL we can take apart: none of it is shown
                    masked[name] = self.fingerprint(value)
                    continue
                masked[name] = urlunsplit(url._replace(query=self.form(url.query, names)))
        return masked

    def _scrub(self, text: str) -> str:
        return WEBHOOK_SECRET.sub(lambda found: self.fingerprint(found.group(0)), text)


def _walk(
    value: Any,
    names: frozenset[str],
    fingerprint: Callable[[str], str],
    scrub: Callable[[str], str],
) -> Any:
    """A copy of decoded JSON with the values of `names` fingerprinted, other strings scrubbed."""
    if isinstance(value, dict):
        return {
            k: fingerprint(v)
            if k in names and isinstance(v, str)
            else _walk(v, names, fingerprint, scrub)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, names, fingerprint, scrub) for item in value]
    return scrub(value) if isinstance(value, str) else value
