"""Speaking the API as specified: valid requests, current parameter names, credentials."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LIST_JOBS, Context, token_ended
from ..model import Finding
from ..registry import rule


@rule(
    "valid-requests",
    "Every request is valid against the spec",
    guidance="Send parameters and bodies exactly as the Export API v3 spec defines them.",
    source="openapi/export-api.yaml (Pleo's spec 32.1.0, facts §1.2)",
)
def valid_requests(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.entries:
        if entry.violations and not _uses_export_job_id(entry):
            yield valid_requests.finding(
                f"{entry.describe()}: {'; '.join(entry.violations)}",
                "Fix the request so it matches the spec (the message names the field).",
                [entry.seq],
            )


@rule(
    "no-deprecated-status",
    "Jobs are listed with `statuses`, not the deprecated `status`",
    guidance="v3 filters the job list by the repeated `statuses` parameter; `status` is the "
    "deprecated v0-v2 form and v3 ignores it.",
    source="facts §1.3 (S1)",
)
def no_deprecated_status(ctx: Context) -> Iterator[Finding]:
    # Older versions serve `status` (uses-current-api reports them); only v3 ignores it.
    used = [
        e.seq for e in ctx.calls(LIST_JOBS) if "status" in e.query and e.path.startswith("/v3/")
    ]
    if used:
        yield no_deprecated_status.finding(
            f"GET /v3/export-jobs was called with `status` {len(used)} time(s); v3 ignores it "
            "and returns jobs of every status.",
            "Use statuses=pending&statuses=in_progress.",
            used,
        )


@rule(
    "uses-job-id-key",
    "Events name the job with `jobId`, not `exportJobId`",
    guidance="The spec's CreateExportJobEvent requires `jobId`; some how-to examples show "
    "`exportJobId`. Pleo does not document that spelling; the sandbox refuses it by default.",
    source="facts §2 C1 (S1 vs S4)",
)
def uses_job_id_key(ctx: Context) -> Iterator[Finding]:
    used = [e.seq for e in ctx.calls("createExportJobEventV3") if _uses_export_job_id(e)]
    if used:
        yield uses_job_id_key.finding(
            f"{len(used)} event(s) sent with `exportJobId`.",
            'Send {"event": ..., "jobId": ...}.',
            used,
        )


@rule(
    "authenticates",
    "Every request carries valid credentials with the needed scopes",
    guidance="Bearer token, or the API key as Basic base64(<key>:); scopes export-jobs:read, "
    "export-jobs:write and export-items:read.",
    source="facts §1.10 (S7, S8)",
)
def authenticates(ctx: Context) -> Iterator[Finding]:
    # An OAuth token that expired or was ended is the oauth-* rules' to judge.
    refused = [e for e in ctx.entries if e.status in (401, 403) and not token_ended(e)]
    if refused:
        reasons = sorted({str((e.response_body or {}).get("message", "")) for e in refused})
        yield authenticates.finding(
            f"{len(refused)} request(s) refused with 401/403: {'; '.join(reasons)[:300]}",
            "Authenticate as the spec says, with a credential that has the scopes.",
            (e.seq for e in refused),
        )


def _uses_export_job_id(entry: object) -> bool:
    body = getattr(entry, "request_body", None)
    return isinstance(body, dict) and "exportJobId" in body
