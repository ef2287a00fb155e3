"""Turn each Exchange into a journal entry (the observer the app calls after every request)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..journal.journal import Journal, JournalEntry
from ..journal.masking import Masking
from ..validation.body import NotJson, decode_json
from .call import JSON_TYPE
from .pipeline import Exchange
from .request import decoded_query

MAX_TEXT_BODY = 64 * 1024  # a non-JSON body is kept as text, up to this many characters
# What an entry weighs besides its bodies (method, path, headers, timing), for Journal.max_bytes.
ENTRY_OVERHEAD = 512


class Recorder:
    def __init__(self, journal: Callable[[], Journal], masking: Masking | None = None) -> None:
        self._journal = journal
        self._masking = masking or Masking()

    def __call__(self, exchange: Exchange) -> None:
        recorded = _Recorded.of(exchange, self._masking)
        size = len(recorded.raw_body) + len(recorded.payload) + ENTRY_OVERHEAD
        self._journal().append(recorded, size)


@dataclass(slots=True)  # not frozen: made on every request, and a frozen __init__ costs more
class _Recorded:
    """One exchange as the journal holds it until somebody reads it.

    The entry is built when the journal is read. Till then the bodies are kept as bytes, as
    they went over the wire (a fraction of what decoded JSON weighs), and the rest as plain
    values taken from the exchange, so an observer after this one cannot change them. Two
    objects per entry for the garbage collector to walk, where a copy of the exchange with its
    request, headers and lists was a dozen: in a journal of thousands, that walking had cost
    each request more than recording it.
    """

    wall_time: float
    sandbox_time: datetime
    duration_ms: float
    operation_id: str | None
    method: str
    path: str
    query_string: str
    path_params: tuple[tuple[str, Any], ...]
    request_headers: tuple[tuple[str, str], ...]
    raw_body: bytes
    too_large: bool
    status: int
    response_headers: tuple[tuple[str, str], ...]
    media_type: str
    payload: bytes
    violations: tuple[str, ...]
    credential: str | None
    company_ids: tuple[str, ...]
    fault: str | None
    fault_kind: str | None
    masking: Masking

    @classmethod
    def of(cls, exchange: Exchange, masking: Masking) -> _Recorded:
        request, credential, fault = exchange.request, exchange.credential, exchange.fault
        media_type, payload = exchange.media_type, exchange.payload
        if not _is_text(media_type):  # a receipt's bytes: what it was, not the file
            payload = f"<{len(payload)} bytes of {media_type}>".encode()
            media_type = "text/plain"
        return cls(
            wall_time=request.wall_time,
            sandbox_time=exchange.sandbox_time,
            duration_ms=(time.time() - request.wall_time) * 1000,
            operation_id=exchange.operation_id,
            method=request.method,
            path=request.path,
            query_string=request.query_string,
            path_params=tuple(exchange.path_params.items()),
            request_headers=tuple(request.headers),
            raw_body=request.raw_body,
            too_large=request.too_large,
            status=exchange.status,
            response_headers=tuple(exchange.headers.items()),
            media_type=media_type,
            payload=payload,
            # Only what the client got wrong; our own response violations are raised or logged.
            violations=tuple(map(str, exchange.request_violations)),
            credential=credential.label if credential else None,
            company_ids=credential.company_ids if credential else (),
            fault=fault.describe() if fault else None,
            fault_kind=fault.kind if fault else None,
            masking=masking,
        )

    def __call__(self, seq: int) -> JournalEntry:
        """The journal entry, numbered `seq`, every secret masked."""
        entry = JournalEntry(
            seq=seq,
            wall_time=self.wall_time,
            sandbox_time=self.sandbox_time,
            operation_id=self.operation_id,
            method=self.method,
            path=self.path,
            query=decoded_query(self.query_string).to_dict(flat=False),
            path_params={k: str(v) for k, v in self.path_params},
            request_headers=dict(self.request_headers),
            request_body=_request_body(self.raw_body, self.too_large),
            status=self.status,
            response_headers=dict(self.response_headers),
            response_body=_response_body(self.payload, self.media_type),
            violations=self.violations,
            credential=self.credential,
            company_ids=self.company_ids,
            duration_ms=self.duration_ms,
            fault=self.fault,
            fault_kind=self.fault_kind,
        )
        return self.masking.entry(entry)  # the one place that knows every secret


def _request_body(raw_body: bytes, too_large: bool) -> Any:
    """The decoded JSON; the text, cut short, when it is not JSON; a note when it was too big."""
    if too_large:
        return "<a body over the size limit, not kept>"
    decoded = decode_json(raw_body)
    if isinstance(decoded, NotJson):
        return raw_body[:MAX_TEXT_BODY].decode("utf-8", "replace")
    return decoded


def _response_body(payload: bytes, media_type: str) -> Any:
    if not payload:
        return None
    if media_type != JSON_TYPE:
        return payload.decode("utf-8", "replace")
    return json.loads(payload)


def _is_text(media_type: str) -> bool:
    """Whether an answer's body is worth keeping as it was: JSON or text, not a file's bytes."""
    return media_type == JSON_TYPE or media_type.startswith("text/")
