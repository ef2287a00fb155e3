"""Turn each Exchange into a journal entry (the observer the app calls after every request)."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from ..journal.journal import Journal, JournalEntry, Masking
from .app import Exchange

MAX_TEXT_BODY = 64 * 1024  # a non-JSON body is kept as text, up to this many characters


class Recorder:
    def __init__(self, journal: Callable[[], Journal], masking: Masking | None = None) -> None:
        self._journal = journal
        self._masking = masking or Masking()

    def __call__(self, exchange: Exchange) -> None:
        duration_ms = (time.time() - exchange.wall_time) * 1000
        # Taken now: the body buffer may be recycled once answered, and holding the whole
        # request (environ, server channel) for every recorded call would weigh on memory.
        seen = _Seen(_body(exchange.request), _environ_copy(exchange.request.environ))
        kept = copy.copy(exchange)  # other observers still get the request itself
        kept.request = None  # type: ignore[assignment]
        self._journal().append(lambda seq: self._entry(seq, kept, seen, duration_ms))

    def _entry(self, seq: int, exchange: Exchange, seen: _Seen, duration_ms: float) -> JournalEntry:
        request = Request(seen.environ)
        body = seen.body
        credential = exchange.credential
        # Only what the client got wrong; our own response violations are raised or logged.
        violations = exchange.request_violations
        return JournalEntry(
            seq=seq,
            wall_time=exchange.wall_time,
            sandbox_time=exchange.sandbox_time,
            operation_id=exchange.operation_id,
            method=request.method,
            path=request.path,
            query={key: request.args.getlist(key) for key in request.args},
            path_params={k: str(v) for k, v in exchange.path_params.items()},
            request_headers=self._masking.headers(request.headers),
            request_body=body,
            status=exchange.status,
            response_headers=dict(exchange.headers),
            response_body=exchange.body,
            violations=tuple(map(str, violations)),
            credential=credential.label if credential else None,
            company_ids=credential.company_ids if credential else (),
            duration_ms=duration_ms,
            fault=exchange.fault.describe() if exchange.fault else None,
        )


@dataclass(frozen=True, slots=True)
class _Seen:
    body: Any
    environ: dict[str, Any]


_KEPT_ENVIRON = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "SCRIPT_NAME",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
)


def _environ_copy(environ: dict[str, Any]) -> dict[str, Any]:
    """Just the strings a journal entry is made of: method, path, query and headers."""
    return {k: v for k, v in environ.items() if k in _KEPT_ENVIRON or k.startswith("HTTP_")}


def _body(request: Request) -> Any:
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return f"<a body over {request.max_content_length} bytes, not kept>"
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return raw[:MAX_TEXT_BODY].decode("utf-8", "replace")
