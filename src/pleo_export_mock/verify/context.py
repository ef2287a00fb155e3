"""Everything the rules look at: the journal, the jobs as they were at the start and at the end."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..domain.models import ExportJob
from ..journal import JournalEntry
from ..sandbox import JobAtStart
from ..scenarios.model import Expectations, Scenario
from .model import ConnectorRun

EVENT = "createExportJobEventV3"
PUT_ITEMS = "updateExportJobItemsV3"
LIST_ITEMS = "getExportJobItemsV3"
EXPORT_ITEMS = "getExportItemsV3"
LIST_JOBS = "getExportJobsListV3"
CREATE_JOB = "createExportJobV3"
SUBSCRIBED = frozenset({"createSubscription", "updateSubscription"})  # a webhook connector
SPOILT = frozenset({"bad_signature", "stale_timestamp"})  # delivery faults a connector refuses
FINAL_EVENTS = frozenset({"completed", "completed_with_errors", "failed"})


@dataclass
class Context:
    entries: list[JournalEntry]
    at_start: dict[str, JobAtStart]
    at_end: dict[str, ExportJob]
    companies: frozenset[str]  # the companies the connector works for
    expectations: Expectations = field(default_factory=Expectations)
    job_keys: dict[str, str] = field(default_factory=dict)  # scenario job key -> job id
    run: ConnectorRun | None = None  # the connector process, when `verify` ran one
    # seq -> the older (v0-v2) operation really called; `entries` name its v3 successor
    called_older: dict[int, str] = field(default_factory=dict)
    scenario: Scenario | None = None  # what the sandbox was seeded from, to explain expectations
    entry_ids: dict[str, list[str]] = field(default_factory=dict)  # scenario entry key -> ids
    # The versions the scenario lets the connector call (None: all), and the calls to others:
    # refused before they reached the API, they are in `off_pin`, not in `entries`.
    api_versions: frozenset[str] | None = None
    off_pin: list[JournalEntry] = field(default_factory=list)
    # webhook deliveries the sandbox sent (outbound journal entries), oldest first
    deliveries: list[JournalEntry] = field(default_factory=list)

    # -- slices of the journal -----------------------------------------------------------

    def calls(self, *operation_ids: str) -> list[JournalEntry]:
        return [e for e in self.entries if e.operation_id in operation_ids]

    def writes(self) -> list[JournalEntry]:
        """Events and item updates that reached the workflow (valid and authenticated)."""
        return [e for e in self.calls(EVENT, PUT_ITEMS) if reached_workflow(e)]

    def events(self, job_id: str | None = None, accepted: bool | None = None) -> list[JournalEntry]:
        return [
            e
            for e in self.calls(EVENT)
            if reached_workflow(e)
            and (job_id is None or e.job_id == job_id)
            and (accepted is None or applied(e) == accepted)
        ]

    def puts(self, job_id: str) -> list[JournalEntry]:
        return [e for e in self.calls(PUT_ITEMS) if e.job_id == job_id and reached_workflow(e)]

    def final_event(self, job_id: str) -> JournalEntry | None:
        """The accepted event that finished the job, if the connector finished it."""
        return next(
            (e for e in self.events(job_id, accepted=True) if event_name(e) in FINAL_EVENTS), None
        )

    def retries_lost_answer(self, entry: JournalEntry) -> bool:
        """An identical request was sent before and its answer never arrived: a fair retry."""
        signature = exact_signature(entry)
        return any(
            e.seq < entry.seq and answer_lost(e) and exact_signature(e) == signature
            for e in self.entries
        )

    def claim(self, job_id: str) -> JournalEntry | None:
        """The connector's first write to the job: where it took the job on."""
        return next((e for e in self.writes() if e.job_id == job_id), None)

    def touched_jobs(self) -> list[str]:
        """Jobs the connector wrote to, in the order it first did."""
        return list(dict.fromkeys(e.job_id for e in self.writes() if e.job_id))

    def eligible_jobs(self) -> list[JobAtStart]:
        """Jobs the connector should have processed: open at the start, in its companies."""
        jobs = [j for j in self.at_start.values() if j.eligible and j.company_id in self.companies]
        return sorted(jobs, key=lambda job: job.created_at)


TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def answer_lost(entry: JournalEntry) -> bool:
    """The client got no usable answer: no answer at all, a cut one, or one that is not JSON."""
    return entry.status == 0 or entry.fault_kind in ("truncate", "malformed")


def transient_failure(entry: JournalEntry) -> bool:
    """A failure worth retrying: 429, a 5xx of the gateway kind, or a lost answer."""
    return entry.status in TRANSIENT_STATUSES or answer_lost(entry)


def applied(entry: JournalEntry) -> bool:
    """The sandbox accepted the write, whether or not the client heard about it."""
    return entry.ok or entry.fault_kind == "ambiguous_commit"


def exact_signature(entry: JournalEntry) -> str:
    query = "&".join(f"{k}={v}" for k, values in sorted(entry.query.items()) for v in values)
    return f"{entry.method} {entry.path}?{query} {json.dumps(entry.request_body, sort_keys=True)}"


def reached_workflow(entry: JournalEntry) -> bool:
    """A request the sandbox authenticated and found valid: the workflow rules judge it.

    Refused ones (bad credentials, spec violations) are the protocol rules' business.
    """
    return not entry.violations and entry.status not in (401, 403)


def event_name(entry: JournalEntry) -> str | None:
    body = entry.request_body
    return body.get("event") if isinstance(body, dict) else None


def put_items(entry: JournalEntry) -> list[dict[str, Any]]:
    """The item updates a PUT carried (an empty list when the body was not an array)."""
    body = entry.request_body
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def accepted_items(entry: JournalEntry) -> list[dict[str, Any]]:
    """The items a PUT applied: as its 200 answer says, or as sent when the answer was lost."""
    if entry.fault_kind == "ambiguous_commit":
        return put_items(entry)
    body = entry.response_body
    if entry.status != 200 or not isinstance(body, dict):
        return []
    return [item for item in body.get("data", []) if isinstance(item, dict)]


def seen_item_ids(entries: Iterable[JournalEntry]) -> set[str]:
    """Accounting entry ids a connector received from item or export-item lists."""
    seen: set[str] = set()
    for entry in entries:
        body = entry.response_body
        if entry.status == 200 and isinstance(body, dict) and isinstance(body.get("data"), list):
            rows = [row for row in body["data"] if isinstance(row, dict)]
            seen.update(str(row["accountingEntryId"]) for row in rows if "accountingEntryId" in row)
    return seen


# 401s for an OAuth access token that expired or was ended: the oauth-* rules judge them.
TOKEN_ENDED = ("JWT is expired", "JWT is revoked")


def token_ended(entry: JournalEntry) -> bool:
    body = entry.response_body
    return entry.status == 401 and isinstance(body, dict) and body.get("message") in TOKEN_ENDED


# -- how a webhook connector found its jobs ----------------------------------------------------


def listed(ctx: Context, job_id: str, before: float = math.inf) -> bool:
    """Whether a job list the connector received (before journal entry `before`) showed it."""
    for entry in ctx.calls(LIST_JOBS):
        body = entry.response_body
        if entry.seq < before and entry.status == 200 and isinstance(body, dict):
            rows = body.get("data")
            if isinstance(rows, list) and any(
                isinstance(row, dict) and row.get("id") == job_id for row in rows
            ):
                return True
    return False


def intact_delivery(delivery: JournalEntry) -> bool:
    """A delivery that reached the connector as Pleo would send it (not forged, stale, lost)."""
    spoilt = delivery.fault_kind in SPOILT or delivery.fault_kind == "lost"
    return not spoilt and delivery.status != 0


def made_after_last_look(ctx: Context) -> list[str]:
    """Eligible jobs a polling connector could not have known: made after its last job list.

    A connector that never subscribed learns of jobs only by listing them, so a job the
    timeline made after its last list, while it finished its work and exited by itself, was
    out of its reach. One it listed, or named in any request, was not. A service stopped at
    the time-out, or a connector still running (a live verdict), could yet have looked again:
    nothing is excused for them. A webhook connector is told of every job;
    reconciles-by-polling judges the ones it missed.
    """
    if ctx.run is None or ctx.run.timed_out or subscribed(ctx.entries):
        return []
    looks = [e.wall_time for e in ctx.calls(LIST_JOBS) if e.status == 200]
    if not looks:
        return []  # it never looked: every job was missed, and the rules say so
    named = {e.job_id for e in ctx.entries}
    # By wall time: the sandbox clock counts whole seconds. A list that came in before the job
    # appeared but read the store after shows it, and then it is the connector's.
    return [
        job.id
        for job in ctx.eligible_jobs()
        if job.appeared_at is not None
        and job.appeared_at > looks[-1]
        and job.id not in named
        and not listed(ctx, job.id)
    ]


def subscribed(entries: Iterable[JournalEntry]) -> bool:
    """Whether the connector subscribed to webhooks: it is told of jobs, not only polls."""
    return any(e.operation_id in SUBSCRIBED and e.ok for e in entries)


def unfound_jobs(ctx: Context) -> list[str]:
    """Eligible jobs a webhook connector could only have found by polling, and never did.

    Empty for a connector that never subscribed: a polling connector's unfinished job is
    all-eligible-jobs-finished's business.
    """
    if not subscribed(ctx.entries):
        return []
    announced = {d.job_id for d in ctx.deliveries if intact_delivery(d)}
    worked_on = {e.job_id for e in ctx.entries}  # found somehow: other rules judge how
    found = announced | worked_on
    return [
        job.id for job in ctx.eligible_jobs() if job.id not in found and not listed(ctx, job.id)
    ]
