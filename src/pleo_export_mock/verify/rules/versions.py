"""Speaking the current API: v0-v2 operations are still served, but each has a v3 replacement;
and keeping to the versions a scenario pins."""

from __future__ import annotations

from collections.abc import Iterator

from ...http.versions import api_version
from ..context import Context
from ..model import Finding, Severity
from ..registry import rule
from ..versions import routes, successors


@rule(
    "uses-current-api",
    "Only current v3 operations are used, not their deprecated v0-v2 forms",
    severity=Severity.WARNING,
    guidance="Pleo marks v0 and v1 deprecated and keeps v2 for connectors written before v3; "
    "call the v3 operation of the same path (verify --no-deprecated makes this an error).",
    source="facts §1.3 (S1: Pleo's spec 32.1.0 marks v0/v1 deprecated; S10: upgrade to v3)",
)
def uses_current_api(ctx: Context) -> Iterator[Finding]:
    by_operation: dict[str, list[int]] = {}
    for seq, operation_id in sorted(ctx.called_older.items()):
        by_operation.setdefault(operation_id, []).append(seq)
    for operation_id, seqs in by_operation.items():
        older, current = routes(operation_id)
        yield uses_current_api.finding(
            f"{operation_id} ({older}) was called {len(seqs)} time(s); "
            f"{successors()[operation_id]} replaces it.",
            f"Call {successors()[operation_id]} ({current}) instead.",
            seqs,
        )


@rule(
    "pinned-api-versions",
    "Only the API versions the scenario pins are called",
    guidance="A scenario's `api_versions` names the Export API versions the connector may use "
    "(e.g. [v3] for a connector that must never fall back to v0-v2); it calls no other.",
    source="the scenario file's `api_versions` (docs/decisions.md)",
)
def pinned_api_versions(ctx: Context) -> Iterator[Finding]:
    allowed = ", ".join(sorted(ctx.api_versions or ()))
    by_version: dict[str, list[int]] = {}
    for entry in ctx.off_pin:
        by_version.setdefault(api_version(entry.path), []).append(entry.seq)
    for version, seqs in sorted(by_version.items()):
        yield pinned_api_versions.finding(
            f"{version} was called {len(seqs)} time(s) although the scenario allows only "
            f"{allowed}; each call was refused with 403.",
            f"Call only {allowed}.",
            seqs,
        )
