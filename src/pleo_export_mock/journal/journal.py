"""The journal: what a connector asked and what the sandbox answered, in order.

Queried with the vocabulary of unittest.mock and respx (`called`, `call_count`, `last`,
`for_operation`), exported as NDJSON and HAR (journal/export.py).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from ..domain.clock import format_timestamp


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int  # 1, 2, ... in arrival order; findings cite requests by it
    wall_time: float  # seconds since the epoch
    sandbox_time: datetime
    operation_id: str | None  # None: no such route
    method: str
    path: str
    query: dict[str, list[str]]
    path_params: dict[str, str]
    request_headers: dict[str, str]  # secrets masked
    request_body: Any  # decoded JSON; the text when it is not JSON; None when empty
    status: int
    response_headers: dict[str, str]
    response_body: Any
    violations: tuple[str, ...] = ()  # spec rules the request (or our response) broke
    credential: str | None = None  # label of the credential that authenticated it
    company_ids: tuple[str, ...] = ()
    duration_ms: float = 0.0
    fault: str | None = None  # an injected fault, as described to people
    # `status`, `latency`, `drop`, `truncate`, `malformed` or `ambiguous_commit`
    fault_kind: str | None = None
    # "inbound": a client's request to the sandbox; "outbound": a webhook delivery the sandbox
    # sent (`path` is then the endpoint's URL, `operation_id` the event type)
    direction: str = "inbound"

    @property
    def job_id(self) -> str | None:
        """The export job the request is about (see job_id_of)."""
        return job_id_of(self.path_params, self.query, self.request_body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        """`#12 PUT /v3/export-jobs/<id>/items -> 200`, for findings and reports."""
        query = "&".join(f"{k}={v}" for k, values in self.query.items() for v in values)
        target = self.path + (f"?{query}" if query else "")
        return f"#{self.seq} {self.method} {target} -> {self.status or 'no response'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "wallTime": self.wall_time,
            "sandboxTime": format_timestamp(self.sandbox_time),
            "operationId": self.operation_id,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "requestHeaders": self.request_headers,
            "requestBody": self.request_body,
            "status": self.status,
            "responseHeaders": self.response_headers,
            "responseBody": self.response_body,
            "violations": list(self.violations),
            "credential": self.credential,
            "durationMs": round(self.duration_ms, 3),
            "fault": self.fault,
            "direction": self.direction,
        }


def job_id_of(
    path_params: Mapping[str, Any], query: Mapping[str, list[str]], body: Any
) -> str | None:
    """The export job a request is about: the path's jobId, else the body's, else `job_id`.

    The one rule, shared by fault matching (before the call) and the journal (after it).
    """
    in_path = path_params.get("jobId")
    if in_path is not None:
        return str(in_path)
    if isinstance(body, dict):
        # `exportJobId`: a how-to's spelling, which HttpSettings.accept_export_job_id_key takes.
        for key in ("jobId", "exportJobId"):
            if isinstance(body.get(key), str):
                return str(body[key])
    job_ids = query.get("job_id")
    return job_ids[0] if job_ids else None


class CallList(Sequence[JournalEntry]):
    """A read-only list of entries with respx's vocabulary."""

    def __init__(self, entries: list[JournalEntry]) -> None:
        self._entries = entries

    def _rows(self) -> list[JournalEntry]:
        return self._entries

    @overload
    def __getitem__(self, index: int) -> JournalEntry: ...

    @overload
    def __getitem__(self, index: slice) -> CallList: ...

    def __getitem__(self, index: int | slice) -> JournalEntry | CallList:
        if isinstance(index, slice):
            return CallList(self._rows()[index])
        return self._rows()[index]

    def __len__(self) -> int:
        return len(self._rows())

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self._rows())

    def __repr__(self) -> str:
        return f"<CallList of {len(self)}: {', '.join(e.describe() for e in self[-3:])}>"

    @property
    def called(self) -> bool:
        return bool(self._rows())

    @property
    def call_count(self) -> int:
        return len(self._rows())

    @property
    def last(self) -> JournalEntry | None:
        rows = self._rows()
        return rows[-1] if rows else None

    def for_operation(self, operation_id: str) -> CallList:
        return self.filter(lambda entry: entry.operation_id == operation_id)

    def for_job(self, job_id: str) -> CallList:
        return self.filter(lambda entry: entry.job_id == job_id)

    def filter(self, predicate: Callable[[JournalEntry], bool]) -> CallList:
        return CallList([entry for entry in self._rows() if predicate(entry)])


class Journal(CallList):
    """The live journal of one sandbox; thread-safe, cleared by a reset.

    Recording only queues how to build an entry (from the bodies' bytes as they were sent);
    entries are built when somebody reads the journal, so the server's hot path pays an
    append, not the masking, copying and decoding.

    A long-running `serve` bounds it by count (`max_entries`) and by weight (`max_bytes`: the
    bodies' bytes plus a small overhead per entry); the oldest go first. A bounded journal
    also builds entries afresh at each read instead of keeping them, so reading it does not
    grow the server either. None is no bound.
    """

    def __init__(self, max_entries: int | None = None, max_bytes: int | None = None) -> None:
        super().__init__([])
        self._lock = threading.Lock()
        self._next = 1
        # seq, the entry or how to build it, its weight; oldest first
        self._kept: deque[_Kept] = deque()
        self._bytes = 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def append(self, make: Callable[[int], JournalEntry], size: int = 0) -> int:
        """Record an entry, built later by `make` from its sequence number; returns that number.

        `size` is what the entry weighs against `max_bytes`.
        """
        with self._lock:
            seq, self._next = self._next, self._next + 1
            self._kept.append(_Kept(seq, make, size))
            self._bytes += size
            self._trim()
            return seq

    @property
    def size_bytes(self) -> int:
        """What the kept entries weigh, as counted against `max_bytes`."""
        return self._bytes

    def _trim(self) -> None:
        """Forget the oldest entries beyond either bound; ones never read are never built."""
        kept = self._kept
        while kept and (
            (self.max_entries is not None and len(kept) > self.max_entries)
            or (self.max_bytes is not None and self._bytes > self.max_bytes)
        ):
            self._bytes -= kept.popleft().size

    def _rows(self) -> list[JournalEntry]:
        with self._lock:
            keep_built = self.max_bytes is None
            return [kept.entry(keep_built) for kept in self._kept]

    def reset(self) -> None:
        with self._lock:
            self._kept.clear()
            self._next, self._bytes = 1, 0

    def resume(self, entries: list[JournalEntry], next_seq: int) -> None:
        """Hold these entries, and number the next one `next_seq` (a snapshot's restore).

        Each weighs its bodies as JSON plus the usual overhead, so the bounds hold for them too.
        """
        with self._lock:
            self._kept = deque(_Kept(entry.seq, entry, _weight(entry)) for entry in entries)
            self._next, self._bytes = next_seq, sum(kept.size for kept in self._kept)
            self._trim()

    @property
    def next_seq(self) -> int:
        """The number the next entry gets."""
        return self._next

    def snapshot(self) -> CallList:
        """A frozen copy, for evaluating rules while the server may still record."""
        return CallList(self._rows())

    @property
    def latest(self) -> int:
        """The last sequence number given out since the last reset; 0 before the first."""
        with self._lock:
            return self._next - 1

    def since(self, seq: int, limit: int | None = None) -> CallList:
        """The entries recorded after `seq` (at most `limit`), oldest first; only those are built.

        Sequence numbers run on without gaps and trimming drops the oldest, so the first wanted
        entry's place is found by arithmetic: a live view polls this cheaply, however long the
        journal grows.
        """
        with self._lock:
            kept = self._kept
            if not kept:
                return CallList([])
            start = max(0, seq + 1 - kept[0].seq)
            stop = None if limit is None else start + max(0, limit)
            chosen = list(itertools.islice(kept, start, stop))
            keep_built = self.max_bytes is None
            return CallList([one.entry(keep_built) for one in chosen])


RESTORED_OVERHEAD = 512  # what an entry weighs beside its bodies (http/recording.py's too)


def _weight(entry: JournalEntry) -> int:
    bodies = (entry.request_body, entry.response_body)
    return sum(len(json.dumps(body, ensure_ascii=False)) for body in bodies) + RESTORED_OVERHEAD


@dataclass(slots=True)
class _Kept:
    seq: int
    made: Callable[[int], JournalEntry] | JournalEntry
    size: int

    def entry(self, keep: bool) -> JournalEntry:
        if isinstance(self.made, JournalEntry):
            return self.made
        built = self.made(self.seq)
        if keep:
            self.made = built
        return built
