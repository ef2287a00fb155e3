"""The journal in a snapshot: every field of every entry, so a restored sandbox is judged
exactly as the one it came from."""

from __future__ import annotations

from typing import Any

from ..journal import Journal, JournalEntry
from .reader import At, time_text

DIRECTIONS = ("inbound", "outbound")


def journal_json(journal: Journal) -> dict[str, Any]:
    entries = journal.snapshot()
    return {"nextSeq": journal.next_seq, "entries": [entry_json(entry) for entry in entries]}


def entry_json(entry: JournalEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "wallTime": entry.wall_time,
        "sandboxTime": time_text(entry.sandbox_time),
        "operationId": entry.operation_id,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "pathParams": entry.path_params,
        "requestHeaders": entry.request_headers,
        "requestBody": entry.request_body,
        "status": entry.status,
        "responseHeaders": entry.response_headers,
        "responseBody": entry.response_body,
        "violations": list(entry.violations),
        "credential": entry.credential,
        "companyIds": list(entry.company_ids),
        "durationMs": entry.duration_ms,
        "fault": entry.fault,
        "faultKind": entry.fault_kind,
        "direction": entry.direction,
    }


def read_journal(at: At) -> tuple[list[JournalEntry], int]:
    entries = [read_entry(row) for row in at.get("entries").items()]
    next_seq = at.whole("nextSeq", minimum=1)
    last = 0
    for entry, row in zip(entries, at.get("entries").items(), strict=True):
        if entry.seq <= last:
            raise row.get("seq").fail(f"{entry.seq} does not follow {last}")
        last = entry.seq
    if next_seq <= last:
        raise at.get("nextSeq").fail(f"{next_seq} is not after the last entry's {last}")
    return entries, next_seq


def read_entry(at: At) -> JournalEntry:
    direction = at.text("direction")
    if direction not in DIRECTIONS:
        raise at.get("direction").fail(f"{direction!r} is not inbound or outbound")
    return JournalEntry(
        seq=at.whole("seq", minimum=1),
        wall_time=at.number("wallTime"),
        sandbox_time=at.time("sandboxTime"),
        operation_id=at.text("operationId", null=True),
        method=at.text("method"),
        path=at.text("path"),
        query={key: at.get("query").strings(key) for key, _ in at.get("query").members()},
        path_params=_texts(at.get("pathParams")),
        request_headers=_texts(at.get("requestHeaders")),
        request_body=at.get("requestBody").value,
        status=at.whole("status"),
        response_headers=_texts(at.get("responseHeaders")),
        response_body=at.get("responseBody").value,
        violations=tuple(at.strings("violations")),
        credential=at.text("credential", null=True),
        company_ids=tuple(at.strings("companyIds")),
        duration_ms=at.number("durationMs"),
        fault=at.text("fault", null=True),
        fault_kind=at.text("faultKind", null=True),
        direction=direction,
    )


def _texts(at: At) -> dict[str, str]:
    return {key: at.text(key) for key, _ in at.members()}
