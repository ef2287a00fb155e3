"""Webhooks: what a connector does with the deliveries the sandbox sent it."""

from __future__ import annotations

from collections.abc import Iterator

from ...journal import JournalEntry
from ..context import LIST_JOBS, Context, reached_workflow
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
