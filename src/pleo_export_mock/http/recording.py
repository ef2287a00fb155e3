"""Turn each Exchange into a journal entry (the observer the app calls after every request)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..journal.journal import Journal, JournalEntry
from ..journal.masking import Masking
from ..validation.body import NotJson, decode_json
from .call import JSON_TYPE
from .pipeline import Exchange
from .request import RequestRecord

MAX_TEXT_BODY = 64 * 1024  # a non-JSON body is kept as text, up to this many characters
# What an entry weighs besides its bodies (method, path, headers, timing), for Journal.max_bytes.
ENTRY_OVERHEAD = 512


class Recorder:
    def __init__(self, journal: Callable[[], Journal], masking: Masking | None = None) -> None:
        self._journal = journal
        self._masking = masking or Masking()

    def __call__(self, exchange: Exchange) -> None:
        duration_ms = (time.time() - exchange.wall_time) * 1000
        # The entry is built when the journal is read. Till then it is kept as bytes, the
        # bodies as they went over the wire: a fraction of what decoded JSON weighs.
        kept = _without_decoded_bodies(exchange)
        if not _is_text(exchange.media_type):  # a receipt's bytes: what it was, not the file
            kept.payload = f"<{len(exchange.payload)} bytes of {exchange.media_type}>".encode()
            kept.media_type = "text/plain"
        size = len(exchange.request.raw_body) + len(kept.payload) + ENTRY_OVERHEAD
        self._journal().append(lambda seq: self._entry(seq, kept, duration_ms), size)

    def _entry(self, seq: int, exchange: Exchange, duration_ms: float) -> JournalEntry:
        request = exchange.request
        credential = exchange.credential
        fault = exchange.fault
        entry = JournalEntry(
            seq=seq,
            wall_time=exchange.wall_time,
            sandbox_time=exchange.sandbox_time,
            operation_id=exchange.operation_id,
            method=request.method,
            path=request.path,
            query=request.query.to_dict(flat=False),
            path_params={k: str(v) for k, v in exchange.path_params.items()},
            request_headers=dict(request.headers.items()),
            request_body=_request_body(request),
            status=exchange.status,
            response_headers=dict(exchange.headers),
            response_body=_response_body(exchange),
            # Only what the client got wrong; our own response violations are raised or logged.
            violations=tuple(map(str, exchange.request_violations)),
            credential=credential.label if credential else None,
            company_ids=credential.company_ids if credential else (),
            duration_ms=duration_ms,
            fault=fault.describe() if fault else None,
            fault_kind=fault.kind if fault else None,
        )
        return self._masking.entry(entry)  # every secret masked in the one place that knows them


def _without_decoded_bodies(exchange: Exchange) -> Exchange:
    """A copy of `exchange` that other observers cannot change, without its decoded bodies."""
    request = exchange.request
    return Exchange(
        request if request.json is None else replace(request, json=None),
        exchange.sandbox_time,
        operation_id=exchange.operation_id,
        path_params=exchange.path_params,
        credential=exchange.credential,
        status=exchange.status,
        media_type=exchange.media_type,
        headers=exchange.headers,
        request_violations=exchange.request_violations,
        response_violations=exchange.response_violations,
        fault=exchange.fault,
        payload=exchange.payload,
    )


def _request_body(request: RequestRecord) -> Any:
    """The decoded JSON; the text, cut short, when it is not JSON; a note when it was too big."""
    if request.too_large:
        return "<a body over the size limit, not kept>"
    decoded = decode_json(request.raw_body)
    if isinstance(decoded, NotJson):
        return request.raw_body[:MAX_TEXT_BODY].decode("utf-8", "replace")
    return decoded


def _response_body(exchange: Exchange) -> Any:
    if not exchange.payload:
        return None
    if exchange.media_type != JSON_TYPE:
        return exchange.payload.decode("utf-8", "replace")
    return json.loads(exchange.payload)


def _is_text(media_type: str) -> bool:
    """Whether an answer's body is worth keeping as it was: JSON or text, not a file's bytes."""
    return media_type == JSON_TYPE or media_type.startswith("text/")
