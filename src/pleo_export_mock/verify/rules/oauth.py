"""Signing in as Pleo's partners must: OAuth 2.0 with PKCE, refresh, rotation, no 401 loops.

The authorization server's exchanges are in the journal beside the Export API's; these rules
read them. A connector that never signs in with OAuth passes them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from ...journal import JournalEntry
from ..context import Context, token_ended
from ..model import Finding
from ..registry import rule

AUTHORIZE = ("authorize", "approve")
EXPIRED = "JWT is expired"  # Pleo's 401 message for an access token past its `exp`


def form(entry: JournalEntry) -> dict[str, str]:
    """A token request's form fields (the journal keeps a non-JSON body as its text)."""
    body = entry.request_body
    return dict(parse_qsl(body)) if isinstance(body, str) else {}


def _grants(ctx: Context, grant_type: str) -> list[JournalEntry]:
    return [e for e in ctx.calls("token") if form(e).get("grant_type") == grant_type]


def _api_calls(ctx: Context) -> list[JournalEntry]:
    return [e for e in ctx.entries if e.operation_id is not None and not _is_oauth(e)]


def _is_oauth(entry: JournalEntry) -> bool:
    return entry.path.startswith(("/oauth/", "/.well-known/"))


@rule(
    "oauth-pkce-state",
    "Authorization uses PKCE S256 and a fresh state, and a redirect's state is checked",
    guidance="Pleo's OAuth is the authorization code grant with PKCE, S256 only; `state` ties "
    "the redirect to the request (RFC 6749 section 10.12): each request has its own, and a "
    "code whose redirect brings another state is never used.",
    source="partner access facts §2 (S8 /docs/oauth; RFC 7636, RFC 6749 §10.12)",
)
def pkce_and_state(ctx: Context) -> Iterator[Finding]:
    requests = ctx.calls(*AUTHORIZE)
    bad = [
        e.seq
        for e in requests
        if _first(e, "code_challenge_method") != "S256" or not _first(e, "code_challenge")
    ]
    if bad:
        yield pkce_and_state.finding(
            f"{len(bad)} authorization request(s) without an S256 code challenge.",
            "Send code_challenge=BASE64URL(SHA256(verifier)) and code_challenge_method=S256.",
            bad,
        )
    forged = _forged_codes(requests)
    used = [e.seq for e in ctx.calls("token") if form(e).get("code") in forged]
    if used:
        yield pkce_and_state.finding(
            f"{len(used)} code(s) exchanged from a redirect whose state was not the request's.",
            "Compare the redirect's state with the one you sent; drop the code when they differ.",
            used,
        )
    states = [_first(e, "state") for e in requests]
    stale = [e.seq for e, s in zip(requests, states, strict=True) if not s or states.count(s) > 1]
    if stale:
        yield pkce_and_state.finding(
            f"{len(stale)} authorization request(s) without a state of their own.",
            "Make a new random state for every authorization request and check it on return.",
            stale,
        )


def _forged_codes(requests: list[JournalEntry]) -> set[str]:
    """Codes of redirects that came back with another state than their request sent."""
    codes = set()
    for entry in requests:
        location = {k.lower(): v for k, v in entry.response_headers.items()}.get("location", "")
        answer = dict(parse_qsl(urlsplit(location).query))
        if "code" in answer and answer.get("state") != _first(entry, "state"):
            codes.add(answer["code"])
    return codes


def _first(entry: JournalEntry, name: str) -> str:
    values = entry.query.get(name) or [""]
    return values[0] or form(entry).get(name, "")


@rule(
    "oauth-refreshes",
    "An expired access token is refreshed, and the work carries on",
    guidance="Access tokens live `expires_in` seconds; refresh tokens at least 60 days. On "
    '"JWT is expired", use the refresh token, not a new sign-in, and go on with the job.',
    source="partner access facts §2 (S8 token-lifecycle and refresh how-to)",
)
def refreshes(ctx: Context) -> Iterator[Finding]:
    for expired in (e for e in _api_calls(ctx) if _says(e, EXPIRED)):
        after = [e for e in ctx.entries if e.seq > expired.seq]
        renewal = next((e for e in after if e.operation_id == "token" and e.ok), None)
        if renewal is None or form(renewal).get("grant_type") != "refresh_token":
            what = "nothing renewed it" if renewal is None else "the connector signed in again"
            yield refreshes.finding(
                f'{expired.describe()} answered "JWT is expired"; {what}.',
                "Exchange the refresh token (grant_type=refresh_token), then retry the call.",
                [expired.seq, *([renewal.seq] if renewal else [])],
            )
        elif not any(e.ok and not _is_oauth(e) for e in after if e.seq > renewal.seq):
            yield refreshes.finding(
                f"After refreshing (#{renewal.seq}) the connector did not go on with the API.",
                "Retry the refused call with the new access token and carry on.",
                [expired.seq],
            )


def _says(entry: JournalEntry, message: str) -> bool:
    body = entry.response_body
    return entry.status == 401 and isinstance(body, dict) and body.get("message") == message


@rule(
    "oauth-no-refresh-replay",
    "A refresh token is used once: the rotated one is never presented again",
    guidance="Each refresh returns a new refresh token and the old one must be discarded; "
    "presenting it again looks like theft and ends the whole grant. Re-sending the same "
    "refresh after its answer was lost is a fair retry.",
    source="partner access facts §2 (S8 refresh how-to; RFC 9700 §4.14)",
)
def no_refresh_replay(ctx: Context) -> Iterator[Finding]:
    used: dict[str, int] = {}
    for entry in _grants(ctx, "refresh_token"):
        token = form(entry).get("refresh_token", "")
        if token in used and not ctx.retries_lost_answer(entry):  # a lost answer: fair retry
            yield no_refresh_replay.finding(
                f"#{entry.seq} presented a refresh token already exchanged at #{used[token]}.",
                "Keep only the refresh token of the latest answer; drop the old one at once.",
                [used[token], entry.seq],
            )
        else:
            used[token] = entry.seq


@rule(
    "oauth-no-401-loop",
    "A 401 is answered by renewing the token, not by sending the same one again",
    guidance="A refused token stays refused: after a 401, refresh (or sign in) before the "
    "next call, and stop when that fails.",
    source="partner access facts §2 (S11 generic errors: 401 'JWT is expired')",
)
def no_401_loop(ctx: Context) -> Iterator[Finding]:
    for seqs in _stretches(ctx):
        if len(seqs) > 1:
            yield no_401_loop.finding(
                f"{len(seqs)} calls were refused with 401 without a new token in between.",
                "After one 401, renew the token before calling again; do not resend the dead one.",
                seqs,
            )


def _stretches(ctx: Context) -> list[list[int]]:
    """The API calls refused for a dead token, grouped by the token answer before them."""
    stretches: list[list[int]] = [[]]
    for entry in ctx.entries:
        if entry.operation_id == "token" and entry.ok:
            stretches.append([])
        elif not _is_oauth(entry) and token_ended(entry):
            stretches[-1].append(entry.seq)
    return stretches
