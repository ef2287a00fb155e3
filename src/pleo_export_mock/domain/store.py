"""The sandbox's state: companies, accounting entries, export jobs and their items.

One Store per app, partitioned by company, guarded by one re-entrant lock so concurrent
requests see each change whole. Every public method first lets due jobs expire, so expiry
is a pure function of the injected clock.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import repeat
from typing import Any, ParamSpec, TypeVar

from . import errors
from .clock import Clock
from .export_items import ExportItemRow, export_item_page
from .export_rules import check_can_export
from .ids import IdFactory
from .item_updates import ItemUpdate, ItemUpdateError, ItemUpdateResult, apply_item_update
from .lifecycle import JOB_EXPIRED, JOB_EXPIRED_REASON, JOB_EXPIRY
from .models import (
    AccountingEntry,
    Company,
    EntryState,
    ExportJob,
    ItemOutcome,
    ItemStatus,
    JobEvent,
    JobItem,
    JobStatus,
    PayloadSource,
    PleoEvent,
    set_entry_state,
)
from .orderings import (
    JOB_SORT_FIELDS,
    items_of_entries,
    order_items,
    order_rows,
    order_search,
)
from .pagination import Page, PageRequest, paginate
from .policy import ITEMS_PER_UPDATE_LIMIT, Policy
from .status_changes import change_status, entry_state_after
from .subscriptions import Subscriptions

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class _CompanyState:
    company: Company
    entries: dict[str, AccountingEntry] = field(default_factory=dict)
    jobs: list[ExportJob] = field(default_factory=list)  # natural order: createdAt, then creation


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        store: Store = args[0]  # type: ignore[assignment]
        with store.lock:
            store._expire_due()
            return method(*args, **kwargs)

    return wrapper


class Store:
    def __init__(
        self,
        clock: Clock,
        ids: IdFactory,
        policy: Policy | None = None,
        subscriptions: Subscriptions | None = None,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.policy = policy or Policy()
        self.lock = threading.RLock()
        self._companies: dict[str, _CompanyState] = {}
        self._jobs: dict[str, ExportJob] = {}
        self._open_jobs: dict[str, ExportJob] = {}
        self._sequence = 0
        # Webhook subscriptions draw ids from their own stream: subscribing shifts no job id.
        # Told of every job created after seeding (Pleo's webhooks), and of every status change
        # with the status before it (serve's log); a copy starts with none.
        self.job_created: list[Callable[[ExportJob], None]] = []
        self.status_changed: list[Callable[[ExportJob, JobStatus], None]] = []
        self.subscriptions = subscriptions or Subscriptions(
            clock, IdFactory(ids.fork("subscriptions").getrandbits(63))
        )

    @_locked
    def copy(self, clock: Clock) -> Store:
        """This state on `clock`, changing apart from this one: how a reset restores a
        scenario's first moment without seeding it again. Payloads and outcomes are shared."""
        twin = Store(clock, self.ids.copy(), self.policy, self.subscriptions.copy(clock))
        twin._jobs = {job_id: job.copy() for job_id, job in self._jobs.items()}
        twin._open_jobs = {job_id: twin._jobs[job_id] for job_id in self._open_jobs}
        for company_id, state in self._companies.items():
            entries = dict(state.entries)  # entries are immutable: share them
            jobs = [twin._jobs[job.id] for job in state.jobs]
            company = state.company  # copied: a test may switch its contra accounts off
            twin_company = Company(
                company.id,
                company.name,
                company.contra_accounts_configured,
                company.multi_currency_wallets,
            )
            twin._companies[company_id] = _CompanyState(twin_company, entries, jobs)
        twin._sequence = self._sequence
        return twin

    # -- Pleo's side: companies, entries, the user pressing Export ------------------------

    @_locked
    def add_company(
        self,
        name: str,
        company_id: str | None = None,
        *,
        contra_accounts_configured: bool = True,
        multi_currency_wallets: bool = False,
    ) -> Company:
        company = Company(
            company_id or self.ids.uuid(), name, contra_accounts_configured, multi_currency_wallets
        )
        if company.id in self._companies:
            raise ValueError(f"company {company.id} already exists")
        self._companies[company.id] = _CompanyState(company)
        return company

    @_locked
    def add_entry(
        self, company_id: str, payload: dict[str, Any], entry_id: str | None = None
    ) -> AccountingEntry:
        state = self._company(company_id)
        entry = AccountingEntry.fixed(entry_id or self.ids.uuid(), company_id, payload)
        if entry.id in state.entries:
            raise ValueError(f"accounting entry {entry.id} already exists")
        state.entries[entry.id] = entry
        return entry

    @_locked
    def add_entries(
        self,
        company_id: str,
        source: PayloadSource,
        count: int,
        state: EntryState = EntryState.QUEUED,
    ) -> list[str]:
        """`count` new entries whose payloads `source` gives (entry i, its payload i), made
        when first read: a million entries cost their ids, not their data. Ids are drawn in
        order, one per entry, as `add_entry` draws them. `state` is for seeding: entries made
        where the jobs seeded next will leave them are not made again by `seed_job`."""
        entries = self._company(company_id).entries
        made = self.ids.uuids(count)
        before = len(entries)
        # map and zip run the loop in C: a million entries in a second or so.
        entries.update(
            zip(
                made,
                map(
                    AccountingEntry,
                    made,
                    repeat(company_id),
                    repeat(source),
                    range(count),
                    repeat(state),
                ),
                strict=True,
            )
        )
        if len(entries) != before + count:
            raise ValueError("accounting entry ids repeat")  # 128 random bits: never met
        return made

    @_locked
    def create_job(
        self,
        company_id: str,
        entry_ids: Iterable[str],
        *,
        created_by: str | None = None,
        is_interactive: bool = True,
        vendor_based_bookkeeping: bool = False,
    ) -> ExportJob:
        """Pressing Export (or POST /v3/export-jobs): a pending job over queued entries."""
        state = self._company(company_id)
        wanted = list(dict.fromkeys(entry_ids))
        check_can_export(state.company, state.entries, state.jobs, wanted, self.policy)
        job = self._new_job(company_id, self.clock.now(), created_by)
        job.is_interactive = is_interactive
        job.vendor_based_bookkeeping = vendor_based_bookkeeping
        for entry_id in wanted:
            set_entry_state(state.entries, entry_id, EntryState.IN_JOB)
            job.add_item(entry_id)
        self._insert_job(state, job)
        for listener in self.job_created:
            listener(job)
        return job

    @_locked
    def queued_entry_ids(self, company_id: str) -> list[str]:
        entries = self._company(company_id).entries.values()
        return [entry.id for entry in entries if entry.state is EntryState.QUEUED]

    @_locked
    def seed_job(
        self, company_id: str, job: ExportJob, items: Iterable[tuple[str, ItemOutcome]]
    ) -> ExportJob:
        """Insert a job as a scenario's history describes it (any status, fixed timestamps).

        `items` pairs each accounting entry id with the outcome its item holds.
        """
        state = self._company(company_id)
        entries = state.entries
        job.sequence = self._next_sequence()

        def placed() -> Iterator[tuple[str, ItemOutcome]]:
            """The items, each entry put where its item leaves it on the way."""
            last: ItemOutcome | None = None
            wanted = EntryState.QUEUED
            for entry_id, outcome in items:
                entry = entries.get(entry_id)
                if entry is None:
                    raise errors.UnknownEntries([entry_id])
                if outcome is not last:  # runs of entries share one outcome
                    last, wanted = outcome, entry_state_after(job.status, outcome.status)
                if entry.state is not wanted:
                    entries[entry_id] = entry.with_state(wanted)
                yield entry_id, outcome

        job.add_items(placed())
        self._insert_job(state, job)
        return job

    # -- what a connector sees --------------------------------------------------------------

    @_locked
    def get_job(self, scope: Collection[str], job_id: str) -> ExportJob:
        return self._job(scope, job_id)

    @_locked
    def list_jobs(
        self, scope: Collection[str], statuses: Collection[JobStatus], request: PageRequest
    ) -> Page[ExportJob]:
        """One page of the jobs in scope, optionally only those in `statuses`."""
        jobs = self._jobs_in(scope)
        ordering = order_rows("jobs", jobs, request, JOB_SORT_FIELDS, lambda job: job.id)
        wanted = frozenset(statuses)
        matches = (lambda job: job.status in wanted) if wanted else None
        return paginate(ordering, request, matches)

    @_locked
    def list_job_items(
        self, scope: Collection[str], job_id: str, status: ItemStatus | None, request: PageRequest
    ) -> Page[JobItem]:
        """One page of a job's items, optionally only those in `status`."""
        job = self._job(scope, job_id)
        ordering = order_items(job, request)
        if status is None:
            return paginate(ordering, request)
        return paginate(
            ordering, request, lambda item: item.outcome.status is status, job.status_counts[status]
        )

    @_locked
    def update_items(
        self, scope: Collection[str], job_id: str, updates: list[ItemUpdate]
    ) -> ItemUpdateResult:
        """PUT items: each update applied or refused on its own; lastUpdatedAt moves either way."""
        if len(updates) > ITEMS_PER_UPDATE_LIMIT:
            raise errors.TooManyItems(len(updates), ITEMS_PER_UPDATE_LIMIT)
        job = self._job(scope, job_id)
        if not job.status.is_open:
            raise errors.JobFinished(job.id, job.status.value)
        if job.status is JobStatus.PENDING and not self.policy.allow_item_updates_before_start:
            raise errors.JobNotStarted(job.id)
        entries = self._companies[job.company_id].entries
        updated: list[JobItem] = []
        failures: list[ItemUpdateError] = []
        for update in updates:
            problem = apply_item_update(job, entries, update, self.clock.now(), self.policy)
            if problem is None:
                updated.append(job.items[job.positions[update.accounting_entry_id]])
            else:
                failures.append(problem)
        job.last_updated_at = self.clock.now()
        return ItemUpdateResult(updated, failures)

    @_locked
    def apply_event(
        self,
        scope: Collection[str],
        job_id: str,
        event: JobEvent,
        failure_reason: str | None = None,
        failure_reason_type: str | None = None,
    ) -> ExportJob:
        """A connector's event: the job moves as the lifecycle table allows, or it is refused."""
        job = self._job(scope, job_id)
        repeat = job.status is JobStatus.IN_PROGRESS and event is JobEvent.STARTED
        if repeat and self.policy.repeat_started_is_noop:
            return job
        self._change_status(job, event, self.clock.now(), failure_reason, failure_reason_type)
        return job

    @_locked
    def export_items(
        self, scope: Collection[str], job_id: str | None, request: PageRequest
    ) -> Page[ExportItemRow]:
        """One page of the entries of one open job, or of every open job in scope."""
        if job_id is not None:
            jobs = [self._job(scope, job_id)]
            if not jobs[0].status.is_open:
                raise errors.JobFinished(jobs[0].id, jobs[0].status.value)
        else:
            jobs = [job for job in self._jobs_in(scope) if job.status.is_open]
        for job in jobs:
            if not self._companies[job.company_id].company.contra_accounts_configured:
                raise errors.MissingContraAccounts(job.company_id)
        return export_item_page(jobs, self._entries_of, request)

    @_locked
    def find_job_item(self, scope: Collection[str], entry_id: str) -> JobItem:
        """The entry's item in its most recent export job."""
        for job in reversed(self._jobs_in(scope)):
            item = job.item(entry_id)
            if item is not None:
                return item
        raise errors.EntryNotFound(entry_id)

    @_locked
    def search_job_items(
        self,
        scope: Collection[str],
        entry_ids: Collection[str],
        status: ItemStatus | None,
        request: PageRequest,
    ) -> Page[JobItem]:
        """One page of the items, across jobs, of the given accounting entries."""
        rows = items_of_entries(self._jobs_in(scope), frozenset(entry_ids), status)
        return paginate(order_search(rows, request), request)

    # -- observation and time -----------------------------------------------------------------

    @_locked
    def companies(self) -> list[Company]:
        return [state.company for state in self._companies.values()]

    @_locked
    def company(self, company_id: str) -> Company:
        return self._company(company_id).company

    @_locked
    def jobs(self, company_id: str | None = None) -> list[ExportJob]:
        scope = [company_id] if company_id else list(self._companies)
        return self._jobs_in(scope)

    @_locked
    def entries(self, company_id: str, state: EntryState | None = None) -> list[AccountingEntry]:
        entries = self._company(company_id).entries.values()
        return [entry for entry in entries if state is None or entry.state is state]

    @_locked
    def job(self, job_id: str) -> ExportJob:
        """Any job, whatever the company: for the control plane, not for connectors."""
        return self._job(self._companies.keys(), job_id)

    def now(self) -> datetime:
        return self.clock.now()

    @_locked
    def advance(self, delta: timedelta) -> datetime:
        """Move the clock on; jobs whose deadline passed expire at that deadline."""
        moment = self.clock.advance(delta)
        self._expire_due()
        return moment

    # -- internals -------------------------------------------------------------------------

    def _company(self, company_id: str) -> _CompanyState:
        state = self._companies.get(company_id)
        if state is None:
            raise errors.CompanyNotFound(company_id)
        return state

    def _job(self, scope: Collection[str], job_id: str) -> ExportJob:
        job = self._jobs.get(job_id)
        # Another company's job is "not found": never a hint that it exists.
        if job is None or job.company_id not in scope:
            raise errors.JobNotFound(job_id)
        return job

    def _entries_of(self, job: ExportJob) -> dict[str, AccountingEntry]:
        return self._companies[job.company_id].entries

    def _jobs_in(self, scope: Collection[str]) -> list[ExportJob]:
        states = [self._companies[c] for c in scope if c in self._companies]
        if len(states) == 1:
            return list(states[0].jobs)
        merged = [job for state in states for job in state.jobs]
        return sorted(merged, key=lambda job: (job.created_at, job.sequence))

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def _new_job(self, company_id: str, now: datetime, created_by: str | None) -> ExportJob:
        return ExportJob(
            id=self.ids.uuid(),
            company_id=company_id,
            sequence=self._next_sequence(),
            created_at=now,
            created_by=created_by,
            last_updated_at=now,
        )

    def _insert_job(self, state: _CompanyState, job: ExportJob) -> None:
        if job.id in self._jobs:
            raise ValueError(f"export job {job.id} already exists")
        bisect.insort(state.jobs, job, key=lambda j: (j.created_at, j.sequence))
        self._jobs[job.id] = job
        if job.status.is_open:
            self._open_jobs[job.id] = job

    def _change_status(
        self,
        job: ExportJob,
        event: JobEvent | PleoEvent,
        at: datetime,
        failure_reason: str | None = None,
        failure_reason_type: str | None = None,
    ) -> None:
        entries, before = self._companies[job.company_id].entries, job.status
        change_status(job, event, at, entries, failure_reason, failure_reason_type)
        if not job.status.is_open:
            self._open_jobs.pop(job.id, None)
        for listener in self.status_changed:
            listener(job, before)

    def _expire_due(self) -> None:
        if not self._open_jobs:
            return
        now = self.clock.now()
        for job in list(self._open_jobs.values()):
            # The job expired at its deadline, not when somebody next looked at the store.
            deadline = job.last_activity + JOB_EXPIRY
            if deadline <= now:
                self._change_status(
                    job, PleoEvent.EXPIRED, deadline, JOB_EXPIRED_REASON, JOB_EXPIRED
                )
