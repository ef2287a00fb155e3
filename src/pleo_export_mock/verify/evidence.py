"""The evidence behind a finding, as a developer reads it: the exchanges and the connector's words.

Findings cite requests by sequence number; these helpers turn a cited request into what was
sent and answered (bodies included), and a run into the last lines the connector wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..journal import JournalEntry
from .model import ConnectorRun

BODY_CHARS = 1000  # a body longer than this is cut in the text report; JSON and HAR keep all
STDERR_LINES = 20  # the connector's last words shown in the text report


def exchange_json(entry: JournalEntry) -> dict[str, Any]:
    """A cited exchange for the JSON report: what was asked and answered, bodies included."""
    return {
        "seq": entry.seq,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "status": entry.status,
        "requestBody": entry.request_body,
        "responseBody": entry.response_body,
        "fault": entry.fault,
        "violations": list(entry.violations),
    }


def body_lines(entry: JournalEntry, indent: str) -> list[str]:
    """The request and response bodies of an exchange, one compact JSON line each."""
    lines = []
    for label, body in (("request", entry.request_body), ("response", entry.response_body)):
        if body is not None and body != "":
            lines.append(f"{indent}{label}: {_compact(body)}")
    return lines


def stderr_tail(run: ConnectorRun, indent: str = "  ") -> list[str]:
    """The connector's last lines on stderr, under a heading; [] when it wrote nothing."""
    lines = run.stderr.rstrip("\n").splitlines()
    if not lines:
        return []
    shown = lines[-STDERR_LINES:]
    skipped = f", the last {len(shown)} of {len(lines)}" if len(lines) > len(shown) else ""
    return [f"connector stderr{skipped}:", *(indent + line for line in shown)]


def cited(entries: Iterable[JournalEntry], seqs: Iterable[int]) -> list[JournalEntry]:
    """The journal entries a finding cites, in its order."""
    by_seq = {entry.seq: entry for entry in entries}
    return [by_seq[seq] for seq in seqs if seq in by_seq]


def _compact(body: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    if len(text) <= BODY_CHARS:
        return text
    return f"{text[:BODY_CHARS]}... ({len(text) - BODY_CHARS} more characters; --journal keeps all)"
