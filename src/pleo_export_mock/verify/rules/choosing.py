"""Detecting and choosing jobs: read-only detection, eligible jobs, oldest first, one at a time."""

from __future__ import annotations

from collections.abc import Iterator

from ...journal import JournalEntry
from ..context import CREATE_JOB, LIST_JOBS, Context
from ..model import Finding, Severity
from ..registry import rule

SOURCE = "facts §1.13 steps 1-2 (Pleo how-tos S4, integration design S5)"


@rule(
    "no-job-creation",
    "Detection changes nothing: the connector never creates export jobs",
    guidance="Jobs are created in Pleo when a user presses Export; integrations detect them "
    "by webhook or by polling, without changing any state.",
    source=SOURCE,
)
def no_job_creation(ctx: Context) -> Iterator[Finding]:
    created = ctx.calls(CREATE_JOB)
    if created:
        yield no_job_creation.finding(
            f"The connector called POST /v3/export-jobs {len(created)} time(s).",
            "Only read during detection (GET /v3/export-jobs); process the jobs Pleo created.",
            (e.seq for e in created),
        )


@rule(
    "eligible-jobs-only",
    "Only pending jobs, or in_progress ones when recovering, are processed",
    guidance="Ignore failed, completed and completed_with_errors jobs.",
    source=SOURCE,
)
def eligible_jobs_only(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        start = ctx.at_start.get(job_id)
        if start is not None and not start.eligible:
            writes = [e.seq for e in ctx.writes() if e.job_id == job_id]
            yield eligible_jobs_only.finding(
                f"Job {job_id} was already {start.status.value} when the run began, "
                f"yet the connector wrote to it.",
                "Leave finished jobs alone; list with statuses=pending&statuses=in_progress.",
                writes,
            )


@rule(
    "oldest-first",
    "The oldest eligible job is taken first",
    guidance="When several jobs are eligible, pick the oldest by createdAt.",
    source=SOURCE,
)
def oldest_first(ctx: Context) -> Iterator[Finding]:
    claims = {job_id: ctx.claim(job_id) for job_id in ctx.touched_jobs()}
    for job in ctx.eligible_jobs():
        claim = claims.get(job.id)
        if claim is None:
            continue
        skipped = [
            older
            for older in ctx.eligible_jobs()
            if older.company_id == job.company_id
            and older.created_at < job.created_at
            and _untouched(claims.get(older.id), claim.seq)
        ]
        if skipped:
            yield oldest_first.finding(
                f"Job {job.id} (created {job.created_at:%H:%M:%S}) was taken at #{claim.seq} "
                f"while the older job {skipped[0].id} (created {skipped[0].created_at:%H:%M:%S}) "
                f"was still waiting.",
                "Sort eligible jobs by createdAt and take the oldest.",
                [claim.seq],
            )


@rule(
    "one-job-at-a-time",
    "One job at a time per company",
    guidance="Never process export jobs of a company in parallel: finish one, then take the next.",
    source=SOURCE,
)
def one_job_at_a_time(ctx: Context) -> Iterator[Finding]:
    open_job: dict[str, str] = {}  # company -> job being processed
    for entry in ctx.writes():
        job_id = entry.job_id
        start = ctx.at_start.get(job_id or "")
        if start is None or not start.eligible:
            continue
        current = open_job.get(start.company_id)
        if current is not None and current != job_id:
            yield one_job_at_a_time.finding(
                f"#{entry.seq} wrote to job {job_id} while job {current} of the same company was "
                f"not finished.",
                f"Send the final event of {current} before taking {job_id}.",
                [entry.seq],
            )
            continue
        open_job[start.company_id] = str(job_id)
        final = ctx.final_event(str(job_id))
        if final is not None and final.seq <= entry.seq:
            open_job.pop(start.company_id, None)


# Polling thresholds (docs/decisions.md, "Verifying connectors"). Only first pages count:
# reading every page of one poll is what Pleo asks for.
GENTLE_WINDOW, GENTLE_POLLS = 2.0, 6  # 6 polls within 2 s: a warning
HOT_WINDOW, HOT_POLLS = 2.0, 40  # 40 polls within 2 s (20 a second, kept up): an error


@rule(
    "no-hot-polling",
    "The job list is not polled in a hot loop",
    guidance="Poll GET /v3/export-jobs every few minutes (or use the webhook); a loop that "
    "asks again at once burns Pleo's rate limit for nothing.",
    source="facts §1.13 step 1 (S4, S5)",
)
def no_hot_polling(ctx: Context) -> Iterator[Finding]:
    burst = _densest_burst(_polls(ctx), HOT_WINDOW, HOT_POLLS)
    if burst:
        seconds = max(burst[-1].wall_time - burst[0].wall_time, 0.001)
        yield no_hot_polling.finding(
            f"{len(burst)} job-list polls in {seconds:.2f} s (#{burst[0].seq} to "
            f"#{burst[-1].seq}): {len(burst) / seconds:.0f} a second.",
            "Sleep between polls (minutes in production) or exit when nothing is eligible.",
            (burst[0].seq, burst[-1].seq),
        )


@rule(
    "polls-gently",
    "Polling is not hurried",
    severity=Severity.WARNING,
    guidance="Poll GET /v3/export-jobs every few minutes (or use the webhook), not in a tight "
    "loop.",
    source="facts §1.13 step 1 (S4, S5)",
)
def polls_gently(ctx: Context) -> Iterator[Finding]:
    polls = _polls(ctx)
    if _densest_burst(polls, HOT_WINDOW, HOT_POLLS):
        return  # a hot loop: no-hot-polling's error says it already
    burst = _densest_burst(polls, GENTLE_WINDOW, GENTLE_POLLS)
    if burst:
        yield polls_gently.finding(
            f"{len(burst)} job-list polls within {GENTLE_WINDOW:.0f} s (#{burst[0].seq} to "
            f"#{burst[-1].seq}).",
            "Wait between polls (minutes in production); read all pages of one poll, then work.",
            (e.seq for e in burst),
        )


def _polls(ctx: Context) -> list[JournalEntry]:
    """First pages of the job list: each one is a poll."""
    return [e for e in ctx.calls(LIST_JOBS) if not {"after", "before", "offset"} & set(e.query)]


def _densest_burst(polls: list[JournalEntry], window: float, count: int) -> list[JournalEntry]:
    """The first `count` consecutive polls that fit within `window` seconds, or []."""
    for index in range(len(polls) - count + 1):
        burst = polls[index : index + count]
        if burst[-1].wall_time - burst[0].wall_time < window:
            return burst
    return []


def _untouched(claim: JournalEntry | None, seq: int) -> bool:
    """The job had not been taken on yet when request `seq` was sent."""
    return claim is None or claim.seq > seq
