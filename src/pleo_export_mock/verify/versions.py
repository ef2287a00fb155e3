"""One workflow whatever mix of API versions a connector used.

The rules speak v3's operation ids. A call of an older version's operation is judged as a call
of the v3 operation that replaces it (its `x-superseded-by`), so claiming through v1 and
reporting through v3 is one workflow; which operation was really called is kept beside it for
the rule that reports deprecated use.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

from ..http.versions import api_version, legacy_spec, successor_of
from ..journal import JournalEntry
from ..spec import load_spec


@functools.cache
def successors() -> dict[str, str]:
    """Older operationId -> the v3 operationId that replaces it."""
    found = {op_id: successor_of(op) for op_id, op in legacy_spec().operations.items()}
    return {op_id: successor for op_id, successor in found.items() if successor is not None}


def routes(operation_id: str) -> tuple[str, str]:
    """`GET /v1/export-jobs` and its successor's `GET /v3/export-jobs`, for findings."""
    operation = legacy_spec().operation(operation_id)
    older = f"{operation.method} {operation.path}"
    return older, f"{operation.method} /v3/{operation.path.split('/', 2)[2]}"


def as_current(entries: Iterable[JournalEntry]) -> tuple[list[JournalEntry], dict[int, str]]:
    """The entries with older operations named by their v3 successor, and seq -> what was called."""
    current: list[JournalEntry] = []
    called: dict[int, str] = {}
    for entry in entries:
        successor = successors().get(entry.operation_id or "")
        if successor is not None:
            called[entry.seq] = str(entry.operation_id)
            entry = dataclasses.replace(entry, operation_id=successor)
        current.append(entry)
    return current, called


def on_pin(entry: JournalEntry, pinned: frozenset[str] | None) -> bool:
    """A call of a version the scenario allows (None: all), or of no Export API operation (a
    pin is about the Export API: signing in or subscribing to webhooks is not one)."""
    if pinned is None or entry.operation_id not in _export_api_operations():
        return True
    return api_version(entry.path) in pinned


@functools.cache
def _export_api_operations() -> frozenset[str]:
    return frozenset(load_spec().operations) | frozenset(legacy_spec().operations)
