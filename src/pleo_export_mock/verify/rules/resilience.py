"""Behaviour under failure: retry what is transient, with backoff; never loop on a refusal."""

from __future__ import annotations

from collections.abc import Iterator

from ...journal import JournalEntry
from ..context import Context, event_name, exact_signature, token_ended, transient_failure
from ..model import Finding
from ..registry import rule

MIN_BACKOFF = 0.05  # seconds: anything quicker is an immediate retry, not a backoff
SOURCE = "facts §1.13 step 7 (S5: retry transient failures); HTTP Retry-After (RFC 9110 §10.2.3)"


@rule(
    "retries-transient-failures",
    "Transient failures are retried, with backoff",
    guidance="Retry 429, 5xx and dropped connections after a growing pause.",
    source=SOURCE,
)
def retries_transient_failures(ctx: Context) -> Iterator[Finding]:
    for failed in _transient(ctx):
        retry = _next_attempt(ctx, failed)
        if retry is None:
            if not _job_failed_after(ctx, failed):
                yield retries_transient_failures.finding(
                    f"{failed.describe()} was never retried.",
                    "Retry with exponential backoff; if it keeps failing, fail the job with a "
                    "reason type.",
                    [failed.seq],
                )
        elif retry.wall_time - failed.wall_time < MIN_BACKOFF:
            yield retries_transient_failures.finding(
                f"{failed.describe()} was retried after "
                f"{(retry.wall_time - failed.wall_time) * 1000:.0f} ms (#{retry.seq}).",
                "Wait before retrying, longer after each failure.",
                [failed.seq, retry.seq],
            )


@rule(
    "honours-retry-after",
    "Retry-After is honoured",
    guidance="When Pleo answers with Retry-After, wait at least that long.",
    source=SOURCE,
)
def honours_retry_after(ctx: Context) -> Iterator[Finding]:
    for failed in _transient(ctx):
        wait = _retry_after(failed)
        retry = _next_attempt(ctx, failed)
        if wait is None or retry is None:
            continue
        waited = retry.wall_time - failed.wall_time
        if waited + 0.1 < wait:
            yield honours_retry_after.finding(
                f"{failed.describe()} asked to retry after {wait:g} s; #{retry.seq} came "
                f"{waited:.2f} s later.",
                f"Sleep at least Retry-After ({wait:g} s).",
                [failed.seq, retry.seq],
            )


@rule(
    "gives-up-with-reason",
    "A failure that does not pass fails the job with a fitting reason type",
    guidance="When retries run out, send `failed` with pleo_rate_limit after 429s, or "
    "service_unreachable / service_timeout after 5xx answers and lost connections.",
    source=SOURCE + "; facts §1.5 (ExportJobFailureReasonType)",
)
def gives_up_with_reason(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        failed = next(
            (e for e in ctx.events(job_id, accepted=True) if event_name(e) == "failed"), None
        )
        cause = _unrecovered_failure(ctx, job_id, failed.seq) if failed else None
        if failed is None or cause is None:
            continue
        expected = GIVE_UP_REASONS[429 if cause.status == 429 else 503]
        reason = failed.request_body.get("failureReasonType")
        if reason not in expected:
            yield gives_up_with_reason.finding(
                f"Job {job_id} was failed at #{failed.seq} with {reason!r} after "
                f"{cause.describe()} kept failing.",
                f"Use {' or '.join(expected)}.",
                [cause.seq, failed.seq],
            )


GIVE_UP_REASONS = {429: ("pleo_rate_limit",), 503: ("service_unreachable", "service_timeout")}


def _unrecovered_failure(ctx: Context, job_id: str, before: int) -> JournalEntry | None:
    """The last transient failure about the job that no later attempt made good."""
    for failed in reversed([e for e in _transient(ctx) if e.seq < before]):
        if failed.job_id != job_id:
            continue
        signature = _signature(failed)
        recovered = any(
            failed.seq < e.seq < before and _signature(e) == signature and e.ok for e in ctx.entries
        )
        return None if recovered else failed
    return None


@rule(
    "no-retry-loop",
    "A refused request is not repeated in a loop",
    guidance="Client errors (4xx other than 408 and 429) will not succeed on retry.",
    source=SOURCE,
)
def no_retry_loop(ctx: Context) -> Iterator[Finding]:
    repeats: dict[tuple[str, int], list[JournalEntry]] = {}
    for entry in ctx.entries:
        # A dead OAuth token is oauth-no-401-loop's to judge, with what renewed it.
        if 400 <= entry.status < 500 and entry.status not in (408, 429) and not token_ended(entry):
            repeats.setdefault((exact_signature(entry), entry.status), []).append(entry)
    for same in repeats.values():
        if len(same) >= 3:
            yield no_retry_loop.finding(
                f"{same[0].describe()}, and {len(same) - 1} more times the same request.",
                "Read the error body, fix the request or give up; do not resend it unchanged.",
                (entry.seq for entry in same),
            )


def _transient(ctx: Context) -> list[JournalEntry]:
    return [e for e in ctx.entries if transient_failure(e)]


def _signature(entry: JournalEntry) -> str:
    """Which requests count as attempts of the same one: writes by job, reads by URL."""
    if entry.method in ("PUT", "POST"):
        return f"{entry.operation_id} {entry.job_id}"
    query = "&".join(f"{k}={v}" for k, values in sorted(entry.query.items()) for v in values)
    return f"{entry.method} {entry.path}?{query}"


def _next_attempt(ctx: Context, failed: JournalEntry) -> JournalEntry | None:
    signature = _signature(failed)
    return next((e for e in ctx.entries if e.seq > failed.seq and _signature(e) == signature), None)


def _job_failed_after(ctx: Context, failed: JournalEntry) -> bool:
    """Giving up is fine once the job was failed with a reason."""
    job_id = failed.job_id
    return job_id is not None and any(
        e.seq > failed.seq
        and isinstance(e.request_body, dict)
        and e.request_body.get("event") == "failed"
        for e in ctx.events(job_id, accepted=True)
    )


def _retry_after(entry: JournalEntry) -> float | None:
    value = {k.lower(): v for k, v in entry.response_headers.items()}.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
