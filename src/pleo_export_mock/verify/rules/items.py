"""Working through a job's items: claim first, read everything, report every item properly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from ...domain.models import JobStatus
from ..context import (
    EXPORT_ITEMS,
    LIST_ITEMS,
    PUT_ITEMS,
    Context,
    accepted_items,
    answer_lost,
    applied,
    event_name,
    put_items,
    reached_workflow,
    seen_item_ids,
)
from ..model import Finding, Severity
from ..registry import rule

SKEW = timedelta(minutes=5)  # clock difference tolerated between a connector and Pleo


@rule(
    "started-before-updates",
    "`started` comes before any item update and the final event",
    guidance="Claim a pending job with the `started` event before updating items or completing it.",
    source="facts §1.13 step 3 (S4, S6)",
)
def started_before_updates(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        start = ctx.at_start.get(job_id)
        if start is None or start.status is not JobStatus.PENDING:
            continue
        started = next(
            (e.seq for e in ctx.events(job_id, accepted=True) if event_name(e) == "started"), None
        )
        early = [
            e.seq
            for e in ctx.writes()
            if e.job_id == job_id
            and (started is None or e.seq < started)
            and (
                e.operation_id != "createExportJobEventV3"
                or event_name(e) in ("completed", "completed_with_errors")
            )
        ]
        if early:
            yield started_before_updates.finding(
                f"Job {job_id} got item updates or a final event before `started` was accepted"
                + (f" (#{started})." if started else " (it never was)."),
                'POST /v3/export-job-events {"event": "started"} first; then update items.',
                early,
            )


@rule(
    "started-once",
    "`started` claims a pending job once; an in_progress job is resumed, not restarted",
    guidance="Claim with `started` once; when recovering an in_progress job, carry on with its "
    "remaining items.",
    source="facts §1.13 steps 2-3 (S4, S5)",
)
def started_once(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        start = ctx.at_start.get(job_id)
        if start is not None and not start.eligible:
            continue  # touching a finished job at all is eligible-jobs-only's finding
        starts = [e for e in ctx.events(job_id) if event_name(e) == "started"]
        extra = [e.seq for e in starts if not applied(e) and not ctx.retries_lost_answer(e)]
        if extra:
            was = f" (it was {start.status.value} when the run began)" if start else ""
            yield started_once.finding(
                f"`started` was sent to job {job_id} {len(starts)} time(s){was}; "
                f"{len(extra)} refused.",
                "Send `started` once, to a pending job; resume an in_progress one directly.",
                extra,
            )


@rule(
    "read-all-item-pages",
    "Every page of the job's items is read before processing",
    guidance="Retrieve all pages of the export job items (GET /v3/export-jobs/{jobId}/items, "
    "the control layer) before beginning processing.",
    source="facts §1.9, §1.13 step 5 (S5)",
)
def read_all_item_pages(ctx: Context) -> Iterator[Finding]:
    for job_id in ctx.touched_jobs():
        puts = ctx.puts(job_id)
        start = ctx.at_start.get(job_id)
        if not puts or start is None or not start.open_items:
            continue
        reads = [
            e
            for e in ctx.entries
            if e.seq < puts[0].seq and e.job_id == job_id and e.operation_id == LIST_ITEMS
        ]
        missing = start.open_items - seen_item_ids(reads)
        if missing:
            yield read_all_item_pages.finding(
                f"Before its first item update (#{puts[0].seq}) the connector had seen "
                f"{len(start.open_items) - len(missing)} of the {len(start.open_items)} items "
                f"of job {job_id} waiting to be exported.",
                "Follow pagination.endCursor with `after` while hasNextPage is true, then process.",
                [puts[0].seq, *(e.seq for e in reads[-3:])],
            )


@rule(
    "books-what-it-read",
    "Every entry reported successful was read from the export items first",
    guidance="Fetch each entry's accounting data (GET /v3/export-items?job_id=..., the data "
    "layer) and book that; the job's items carry ids and statuses only.",
    source="facts §1.8, §1.13 step 6 (S4, S5)",
)
def books_what_it_read(ctx: Context) -> Iterator[Finding]:
    read: set[str] = set()  # entry ids whose data had reached the connector so far
    invented: dict[str, list[tuple[int, str]]] = {}  # job -> (PUT, entry) booked unread
    for entry in ctx.entries:
        if entry.operation_id == EXPORT_ITEMS and not answer_lost(entry):
            read |= seen_item_ids([entry])
        elif entry.operation_id == PUT_ITEMS and reached_workflow(entry):
            for item in put_items(entry):
                entry_id = str(item.get("accountingEntryId"))
                if item.get("status") == "successful" and entry_id not in read:
                    invented.setdefault(str(entry.job_id), []).append((entry.seq, entry_id))
    for job_id, unread in invented.items():
        yield books_what_it_read.finding(
            f"Job {job_id}: {len(unread)} entr{'y' if len(unread) == 1 else 'ies'} reported "
            f"successful without their data ever being read (e.g. {unread[0][1]} at "
            f"#{unread[0][0]}); what did the ERP book?",
            "Read GET /v3/export-items?job_id=<job> (every page) and book from that data.",
            sorted({seq for seq, _ in unread}),
        )


@rule(
    "batch-limit",
    "PUT batches hold at most 100 items",
    guidance="Update export job items in batches of at most 100.",
    source="facts §1.2, §1.7 (S1: 413 EXPORT_JOB_ITEMS_UPDATE_LIMIT)",
)
def batch_limit(ctx: Context) -> Iterator[Finding]:
    big = [e for e in ctx.calls("updateExportJobItemsV3") if len(put_items(e)) > 100]
    if big:
        sizes = ", ".join(f"#{e.seq}: {len(put_items(e))}" for e in big[:5])
        yield batch_limit.finding(
            f"PUT batches larger than 100 items ({sizes}).",
            "Split updates into batches of 100 or fewer.",
            (e.seq for e in big),
        )


@rule(
    "success-has-external-id",
    "Successful items carry externalId and exportedAt",
    guidance="For successful items, provide externalId and exportedAt (and externalUrl).",
    source="facts §1.7 (S5 update export items)",
)
def success_has_external_id(ctx: Context) -> Iterator[Finding]:
    yield from _missing_fields(
        ctx, "successful", ("externalId", "exportedAt"), success_has_external_id.finding
    )


@rule(
    "success-has-external-url",
    "Successful items carry externalUrl",
    severity=Severity.WARNING,
    guidance="Provide externalUrl so users can open the booked entry in the ERP from Pleo.",
    source="facts §1.7 (S5 update export items)",
)
def success_has_external_url(ctx: Context) -> Iterator[Finding]:
    yield from _missing_fields(
        ctx, "successful", ("externalUrl",), success_has_external_url.finding
    )


@rule(
    "failure-has-reason",
    "Failed items carry failureReasonType and failureReason",
    guidance="For failed items, provide failureReasonType and a human-readable failureReason.",
    source="facts §1.7 (S5 update export items)",
)
def failure_has_reason(ctx: Context) -> Iterator[Finding]:
    yield from _missing_fields(
        ctx, "failed", ("failureReasonType", "failureReason"), failure_has_reason.finding
    )


@rule(
    "exported-at-plausible",
    "exportedAt is plausible",
    guidance="exportedAt is when the entry was booked: not in the future, not before the job "
    "was started.",
    source="facts §1.7, C10 (S5)",
)
def exported_at_plausible(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.calls("updateExportJobItemsV3"):
        job = ctx.at_end.get(entry.job_id or "")
        for item in put_items(entry):
            moment = _parse(item.get("exportedAt"))
            if moment is None:
                continue
            sent_at = datetime.fromtimestamp(entry.wall_time, moment.tzinfo)
            started = job.started_at if job is not None else None
            too_late = moment > max(sent_at, entry.sandbox_time) + SKEW
            too_early = started is not None and moment < min(started, sent_at) - SKEW
            if too_late or too_early:
                when = "in the future" if too_late else "before the job was started"
                yield exported_at_plausible.finding(
                    f"#{entry.seq} reports {item.get('accountingEntryId')} exported at "
                    f"{item['exportedAt']}, {when}.",
                    "Send the time the ERP booked the entry, in UTC.",
                    [entry.seq],
                )
                break


@rule(
    "no-duplicate-success",
    "No successful item is sent again",
    guidance="Do not duplicate already successful updates: each entry is booked once.",
    source="facts §1.7 (S4: 'Do not duplicate already successful updates')",
)
def no_duplicate_success(ctx: Context) -> Iterator[Finding]:
    # (job, entry) -> (seq, externalId, whether the client heard that it was applied)
    reported: dict[tuple[str, str], tuple[int, object, bool]] = {}
    for entry in ctx.calls("updateExportJobItemsV3"):
        applied_ids = {item.get("accountingEntryId") for item in accepted_items(entry)}
        twice: list[tuple[str, int]] = []  # booked again under another externalId
        again: list[tuple[str, int]] = []  # the same success sent again, already heard
        for item in put_items(entry):
            if item.get("status") != "successful":
                continue
            key = (str(entry.job_id), str(item.get("accountingEntryId")))
            if key in reported:
                first_seq, external_id, heard = reported[key]
                if item.get("externalId") != external_id:
                    twice.append((key[1], first_seq))
                elif heard:
                    again.append((key[1], first_seq))
            if key[1] in applied_ids:
                reported[key] = (entry.seq, item.get("externalId"), not answer_lost(entry))
        for found, what in (
            (twice, "under another externalId: booked twice in the ERP"),
            (again, "again although Pleo had confirmed them"),
        ):
            if found:
                yield no_duplicate_success.finding(
                    f"#{entry.seq} reports {len(found)} entr{'y' if len(found) == 1 else 'ies'} "
                    f"successful {what} (e.g. {found[0][0]}, first reported at #{found[0][1]}).",
                    "Keep track of what succeeded; after a lost answer, re-read the job's items "
                    "and send only what is not successful yet.",
                    [found[0][1], entry.seq],
                )


def _missing_fields(
    ctx: Context,
    status: str,
    fields: tuple[str, ...],
    make: Callable[[str, str, Iterable[int]], Finding],
) -> Iterator[Finding]:
    for entry in ctx.calls("updateExportJobItemsV3"):
        lacking = [
            item
            for item in put_items(entry)
            if item.get("status") == status and any(item.get(name) in (None, "") for name in fields)
        ]
        if lacking:
            names = " and ".join(fields)
            yield make(
                f"#{entry.seq} reports {len(lacking)} {status} item(s) without {names} "
                f"(e.g. {lacking[0].get('accountingEntryId')}).",
                f"Give every {status} item its {names}.",
                [entry.seq],
            )


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
