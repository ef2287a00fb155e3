"""Finishing jobs: every item accounted for, one final event that tells the truth, in time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ...domain.clock import format_timestamp
from ...domain.lifecycle import JOB_EXPIRED
from ...domain.models import ItemStatus, JobStatus
from ..context import (
    Context,
    accepted_items,
    event_name,
    made_after_last_look,
    unfound_jobs,
)
from ..expectations import expectation_reason
from ..model import Finding
from ..registry import rule

SOURCE = "facts §1.13 step 8 (S4 update-and-complete, S6 lifecycle)"


@rule(
    "all-items-reported",
    "Every item is accounted for before the job is completed",
    guidance="Report each item as successful or failed before completing the job.",
    source=SOURCE,
)
def all_items_reported(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        final = ctx.final_event(job_id)
        start = ctx.at_start.get(job_id)
        if final is None or start is None or event_name(final) == "failed":
            continue
        reported = {
            item.get("accountingEntryId")
            for put in ctx.puts(job_id)
            if put.seq < final.seq
            for item in accepted_items(put)
            if item.get("status") in ("successful", "failed")
        }
        missing = sorted(start.open_items - reported)
        if missing:
            yield all_items_reported.finding(
                f"Job {job_id} was marked {event_name(final)} at #{final.seq} with "
                f"{len(missing)} of its {len(start.open_items)} items never reported "
                f"(e.g. {missing[0]}); Pleo abandons them.",
                "Send a successful or failed update for every item, then the final event.",
                [final.seq],
            )


@rule(
    "one-final-event",
    "Exactly one final event, and no writes after it",
    guidance="Send the final event once; after it no further item updates can be made.",
    source=SOURCE,
)
def one_final_event(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        final = ctx.final_event(job_id)
        if final is None:
            continue
        after = [
            e.seq
            for e in ctx.writes()
            if e.job_id == job_id and e.seq > final.seq and not ctx.retries_lost_answer(e)
        ]
        if after:
            yield one_final_event.finding(
                f"Job {job_id} was finished by #{final.seq} ({event_name(final)}), yet the "
                f"connector wrote to it {len(after)} more time(s).",
                "Stop touching a job once its final event was accepted.",
                [final.seq, *after],
            )


@rule(
    "final-event-agrees",
    "The final event agrees with the item results",
    guidance="All items successful: completed; some failed: completed_with_errors; "
    "unrecoverable: failed.",
    source=SOURCE,
)
def final_event_agrees(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        final, job = ctx.final_event(job_id), ctx.at_end.get(job_id)
        if final is None or job is None:
            continue
        statuses = [item.outcome.status for item in job.items]
        failed = statuses.count(ItemStatus.FAILED)
        successful = statuses.count(ItemStatus.SUCCESSFUL)
        event = event_name(final)
        if event == "completed" and failed:
            yield final_event_agrees.finding(
                f"Job {job_id} was marked completed at #{final.seq} although {failed} item(s) "
                f"failed.",
                "Use completed_with_errors when some items failed.",
                [final.seq],
            )
        elif event == "completed_with_errors" and successful == len(statuses):
            yield final_event_agrees.finding(
                f"Job {job_id} was marked completed_with_errors at #{final.seq} but all "
                f"{successful} items were exported successfully.",
                "Use completed when every item succeeded.",
                [final.seq],
            )


@rule(
    "failed-event-has-reason",
    "A failed event says why",
    guidance="A `failed` event carries failureReasonType (and a failureReason).",
    source="facts §1.5, §1.13 step 4 (S1, S4)",
)
def failed_event_has_reason(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.events():
        body = entry.request_body
        if (
            event_name(entry) == "failed"
            and isinstance(body, dict)
            and not body.get("failureReasonType")
        ):
            yield failed_event_has_reason.finding(
                f"#{entry.seq} failed job {entry.job_id} without a failureReasonType.",
                "Pick the ExportJobFailureReasonType that fits (e.g. missing_configuration, "
                "accounting_system_unreachable) and explain in failureReason.",
                [entry.seq],
            )


@rule(
    "all-eligible-jobs-finished",
    "Every eligible job is taken and finished",
    guidance="Process each pending job (and recover in_progress ones) to a final event.",
    source="facts §1.13 steps 2-8",
)
def all_eligible_jobs_finished(ctx: Context) -> Iterator[Finding]:
    never_found = set(unfound_jobs(ctx))  # reconciles-by-polling says why those were missed
    out_of_reach = set(made_after_last_look(ctx))
    for job in ctx.eligible_jobs():
        if job.id in never_found or job.id in out_of_reach:
            continue
        end = ctx.at_end.get(job.id)
        expired = end is not None and end.failure_reason_type == JOB_EXPIRED
        if ctx.final_event(job.id) is None and not expired:
            state = end.status.value if end is not None else "unknown"
            yield all_eligible_jobs_finished.finding(
                f"Job {job.id} ({job.status.value} at the start) never got a final event "
                f"from the connector; it ended {state}.",
                "Take every eligible job, oldest first, and finish it with one final event.",
            )


@rule(
    "finishes-before-expiry",
    "The job is finished before it expires",
    guidance="An export job expires one hour after its last update; finish (or keep "
    "updating) before then.",
    source="facts §1.4 (S10)",
)
def finishes_before_expiry(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        end = ctx.at_end.get(job_id)
        if (
            end is not None
            and end.failure_reason_type == JOB_EXPIRED
            and ctx.final_event(job_id) is None
        ):
            late = [e.seq for e in ctx.writes() if e.job_id == job_id and e.status == 422]
            yield finishes_before_expiry.finding(
                f"Job {job_id} expired at {_when(end.expired_at)} while the "
                f"connector was working on it.",
                "Finish within an hour of the last update, or update the job to keep it alive.",
                late,
            )


@rule(
    "scenario-expectations",
    "The scenario's expectations are met",
    guidance="A scenario may name the final status a correct connector reaches.",
    source="the scenario file's `expect:` section",
)
def scenario_expectations(ctx: Context) -> Iterator[Finding]:
    for key, expected in ctx.expectations.final_status.items():
        job_id = ctx.job_keys.get(key)
        end = ctx.at_end.get(job_id or "")
        if end is None or end.company_id not in ctx.companies:
            continue  # another company's job: not this connector's to reach
        if end.status is not JobStatus(expected):
            final = ctx.final_event(end.id)
            why = expectation_reason(ctx.scenario, key, ctx.entry_ids) if ctx.scenario else ""
            yield scenario_expectations.finding(
                f"Job '{key}' ({end.id}) ended {end.status.value}; the scenario expects "
                f"{expected}" + (f", because {why}." if why else "."),
                f"Reach {expected} for this job.",
                [final.seq] if final else [],
            )


def _when(moment: datetime | None) -> str:
    return "an unknown time" if moment is None else format_timestamp(moment)
