"""Webhooks: what a connector does with the deliveries the sandbox sent it."""

from __future__ import annotations

from collections.abc import Iterator

from ...delivery.schedule import ATTEMPT_TIMEOUT_S
from ...journal import JournalEntry
from ..context import EXPORT_ITEMS, SPOILT, Context, listed, reached_workflow, unfound_jobs
from ..model import Finding
from ..registry import rule


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
        # A delivery is numbered once answered, so a connector acting on it before answering
        # has the smaller number: when it was sent tells whether it came first.
        if first is None or first.wall_time < spoilt[0].wall_time:
            continue
        if listed(ctx, job_id, before=first.seq):
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


@rule(
    "answers-deliveries-promptly",
    "Each delivery is answered at once; the job is worked on after the answer",
    guidance="Answer a delivery with 2xx as soon as it is verified and do the work afterwards: "
    "a sender waits only seconds for the answer, then counts the attempt as failed and "
    "sends it again.",
    source="partner-access facts §4 (Standard Webhooks; the sandbox's attempt time-out, "
    "docs/decisions.md)",
)
def answers_deliveries_promptly(ctx: Context) -> Iterator[Finding]:
    for delivery in ctx.deliveries:
        if _timed_out(delivery):
            yield answers_deliveries_promptly.finding(
                f"Delivery #{delivery.seq} (job {delivery.job_id}) had no answer within "
                f"{ATTEMPT_TIMEOUT_S:g} s, so the attempt failed.",
                "Verify the delivery, answer 2xx at once, and process the job afterwards.",
                (delivery.seq,),
            )
        elif (final := _finished_while_open(ctx, delivery)) is not None:
            yield answers_deliveries_promptly.finding(
                f"Job {delivery.job_id} was processed while its delivery #{delivery.seq} waited "
                f"for an answer: the final event #{final.seq} went out before the connector "
                f"answered, {delivery.duration_ms / 1000:.1f} s after the delivery arrived.",
                "Answer the delivery first (2xx) and do the work on the job afterwards.",
                (delivery.seq, final.seq),
            )


# A delivery held this long while its job was worked on was not answered promptly (a quick
# answer takes milliseconds; Pleo documents no limit, senders of Standard Webhooks wait 15 s).
HELD_SECONDS = 1.0


def _timed_out(delivery: JournalEntry) -> bool:
    """No answer before the sender gave up on the attempt (not a refused connection)."""
    return delivery.status == 0 and delivery.duration_ms >= ATTEMPT_TIMEOUT_S * 1000 * 0.99


def _finished_while_open(ctx: Context, delivery: JournalEntry) -> JournalEntry | None:
    """The job's final event, when the connector sent it while this delivery was unanswered
    and the delivery waited at least HELD_SECONDS for its answer.

    Only a delivery that started the work counts: a job the connector had already taken on
    (found by a poll, or announced before) may well finish while a late copy is answered. The
    floor keeps a busy machine from making a prompt connector look slow: the sender notes the
    answer when its thread next runs, which may be a few milliseconds after the connector's
    quick work on a small job.
    """
    job_id = delivery.job_id
    final = ctx.final_event(job_id) if job_id is not None else None
    if final is None or delivery.duration_ms < HELD_SECONDS * 1000:
        return None
    opened, answered = delivery.wall_time, delivery.wall_time + delivery.duration_ms / 1000
    first = next((e for e in ctx.entries if e.job_id == job_id), None)
    if first is None or first.wall_time < opened or not opened <= final.wall_time <= answered:
        return None
    return final


@rule(
    "reconciles-by-polling",
    "A job no intact delivery announced is still found, by a poll",
    guidance="Deliveries can be lost or forged, and jobs made before the subscription are "
    "never announced: besides webhooks, poll for eligible jobs when starting and now and "
    "then after.",
    source="partner-access facts §4 (at-least-once, undocumented retries: INFERRED); "
    "facts §1.13 step 1",
)
def reconciles_by_polling(ctx: Context) -> Iterator[Finding]:
    for job_id in unfound_jobs(ctx):
        yield reconciles_by_polling.finding(
            f"Job {job_id} was never announced by a delivery that reached the connector "
            "intact, and no job list the connector fetched showed it: it was never found.",
            "Reconcile: list eligible jobs (GET /v3/export-jobs) at start-up and every few "
            "minutes, and process what the deliveries did not announce.",
        )
