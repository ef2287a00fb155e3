"""Webhooks: what a connector does with the deliveries the sandbox sent it."""

from __future__ import annotations

from collections.abc import Iterator

from ...journal import JournalEntry
from ..context import EXPORT_ITEMS, LIST_JOBS, Context, reached_workflow
from ..model import Finding
from ..registry import rule

SPOILT = frozenset({"bad_signature", "stale_timestamp"})


@rule(
    "acts-only-on-verified-deliveries",
    "A delivery with a bad or stale signature leads to no action",
    guidance="Verify each delivery's HMAC signature with the subscription's secret and refuse "
    "timestamps more than 5 minutes off; act only on deliveries that pass.",
    source="partner-access facts §4 (Pleo's webhook authentication page; Standard Webhooks)",
)
def acts_only_on_verified_deliveries(ctx: Context) -> Iterator[Finding]:
    for job_id, spoilt in _spoilt_only(ctx.deliveries).items():
        first = next((e for e in ctx.entries if e.job_id == job_id and reached_workflow(e)), None)
        if first is None or first.seq < spoilt[0].seq or _polled(ctx, job_id, first.seq):
            continue
        kinds = " and ".join(sorted({str(e.fault_kind) for e in spoilt}))
        yield acts_only_on_verified_deliveries.finding(
            f"Job {job_id} was announced only by deliveries with a {kinds} (#{spoilt[0].seq}), "
            f"yet the connector acted on it at #{first.seq} before any poll had listed it.",
            "Refuse a delivery whose signature or timestamp does not verify (answer 4xx) and do "
            "nothing with it; find such a job by reconciling with a poll.",
            (spoilt[0].seq, first.seq),
        )


def _spoilt_only(deliveries: list[JournalEntry]) -> dict[str, list[JournalEntry]]:
    """Jobs whose every delivery so far was forged or stale, with those deliveries."""
    by_job: dict[str, list[JournalEntry]] = {}
    for delivery in deliveries:
        if delivery.job_id is not None and delivery.fault_kind != "lost":  # lost: never sent
            by_job.setdefault(delivery.job_id, []).append(delivery)
    return {
        job_id: rows for job_id, rows in by_job.items() if all(r.fault_kind in SPOILT for r in rows)
    }


def _polled(ctx: Context, job_id: str, before: int) -> bool:
    """Whether a job list the connector received before `before` showed the job."""
    for entry in ctx.calls(LIST_JOBS):
        body = entry.response_body
        if entry.seq < before and entry.status == 200 and isinstance(body, dict):
            rows = body.get("data")
            if isinstance(rows, list) and any(
                isinstance(row, dict) and row.get("id") == job_id for row in rows
            ):
                return True
    return False


@rule(
    "processes-each-delivery-once",
    "A duplicate delivery leads to one processing",
    guidance="Deliveries come at least once: remember each webhook-id acted on (or check the "
    "job's status) and process a job once, however often it is announced.",
    source="partner-access facts §4 (Standard Webhooks: webhook-id is the same on every resend)",
)
def processes_each_delivery_once(ctx: Context) -> Iterator[Finding]:
    for job_id, copies in _duplicated(ctx.deliveries).items():
        starts = [
            e
            for e in ctx.calls(EXPORT_ITEMS)
            if e.job_id == job_id and reached_workflow(e) and not _pages_on(e)
        ]
        if len(starts) > 1:
            yield processes_each_delivery_once.finding(
                f"Job {job_id} was announced twice with the same webhook-id (#{copies[0].seq}, "
                f"#{copies[1].seq}) and processed {len(starts)} times: its export items were "
                f"read from the first page at #{', #'.join(str(e.seq) for e in starts)}.",
                "Act on a webhook-id once; a copy of a delivery already acted on is "
                "acknowledged (2xx) and ignored.",
                (copies[0].seq, copies[1].seq, *(e.seq for e in starts)),
            )


def _duplicated(deliveries: list[JournalEntry]) -> dict[str, list[JournalEntry]]:
    """Jobs one webhook-id reached twice or more (answered 2xx), with those deliveries."""
    by_message: dict[str, list[JournalEntry]] = {}
    for delivery in deliveries:
        message_id = delivery.request_headers.get("webhook-id")
        if delivery.ok and delivery.job_id is not None and message_id is not None:
            by_message.setdefault(message_id, []).append(delivery)
    return {str(rows[0].job_id): rows for rows in by_message.values() if len(rows) > 1}


def _pages_on(entry: JournalEntry) -> bool:
    """A further page of a list (a cursor or an offset), not a fresh start."""
    return any(key in entry.query for key in ("after", "before", "offset"))
