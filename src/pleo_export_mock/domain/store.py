"""The sandbox's state: companies, accounting entries, export jobs and their items.

One Store per app, partitioned by company, guarded by one re-entrant lock so concurrent
requests see each change whole. Every public method first lets due jobs expire, so expiry
is a pure function of the injected clock.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from . import errors
from .clock import Clock
from .ids import IdFactory
from .item_updates import ItemUpdate, ItemUpdateError, ItemUpdateResult, apply_item_update
from .lifecycle import next_status
from .models import (
    JOB_EXPIRY_SECONDS,
    AccountingEntry,
    Company,
    EntryState,
    ExportJob,
    ItemStatus,
    JobEvent,
    JobItem,
    JobStatus,
)
from .pagination import Ordering, Page, PageRequest, paginate
from .policy import ITEMS_PER_UPDATE_LIMIT, Policy
from .sorting import sort_rows

P = ParamSpec("P")
R = TypeVar("R")

JOB_SORT_FIELDS: dict[str, Callable[[ExportJob], Any]] = {
    "createdAt": lambda job: job.created_at,
    "lastUpdatedAt": lambda job: job.last_updated_at,
    "startedAt": lambda job: job.started_at,
    "completedAt": lambda job: job.completed_at,
    "status": lambda job: job.status.value,
    "numberOfItems": lambda job: job.number_of_items,
    "id": lambda job: job.id,
}
ITEM_SORT_FIELDS: dict[str, Callable[[JobItem], Any]] = {
    "accountingEntryId": lambda item: item.accounting_entry_id,
    "status": lambda item: item.status.value,
    "exportedAt": lambda item: item.exported_at,
}


@dataclass(frozen=True, slots=True)
class ExportItemRow:
    """An accounting entry as it is served inside a given export job."""

    entry: AccountingEntry
    job: ExportJob


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
    def __init__(self, clock: Clock, ids: IdFactory, policy: Policy | None = None) -> None:
        self.clock = clock
        self.ids = ids
        self.policy = policy or Policy()
        self.lock = threading.RLock()
        self._companies: dict[str, _CompanyState] = {}
        self._jobs: dict[str, ExportJob] = {}
        self._open_jobs: dict[str, ExportJob] = {}
        self._sequence = 0

    # -- Pleo's side: companies, entries, the user pressing Export ------------------------

    @_locked
    def add_company(
        self, name: str, company_id: str | None = None, *, contra_accounts_configured: bool = True
    ) -> Company:
        company = Company(company_id or self.ids.uuid(), name, contra_accounts_configured)
        if company.id in self._companies:
            raise ValueError(f"company {company.id} already exists")
        self._companies[company.id] = _CompanyState(company)
        return company

    @_locked
    def add_entry(
        self, company_id: str, payload: dict[str, Any], entry_id: str | None = None
    ) -> AccountingEntry:
        state = self._company(company_id)
        entry = AccountingEntry(entry_id or self.ids.uuid(), company_id, payload)
        if entry.id in state.entries:
            raise ValueError(f"accounting entry {entry.id} already exists")
        state.entries[entry.id] = entry
        return entry

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
        self._check_can_export(state, wanted)
        job = self._new_job(company_id, self.clock.now(), created_by)
        job.is_interactive = is_interactive
        job.vendor_based_bookkeeping = vendor_based_bookkeeping
        for entry_id in wanted:
            state.entries[entry_id].state = EntryState.IN_JOB
            job.add_item(entry_id)
        self._insert_job(state, job)
        return job

    @_locked
    def queued_entry_ids(self, company_id: str) -> list[str]:
        entries = self._company(company_id).entries.values()
        return [entry.id for entry in entries if entry.state is EntryState.QUEUED]

    @_locked
    def seed_job(self, company_id: str, job: ExportJob, item_states: list[JobItem]) -> ExportJob:
        """Insert a job as a scenario's history describes it (any status, fixed timestamps)."""
        state = self._company(company_id)
        job.sequence = self._next_sequence()
        for item in item_states:
            entry = state.entries.get(item.accounting_entry_id)
            if entry is None:
                raise errors.UnknownEntries([item.accounting_entry_id])
            job.add_item(item.accounting_entry_id)
            stored = job.items[-1]
            job.set_item_status(stored, item.status)
            stored.exported_at, stored.external_id = item.exported_at, item.external_id
            stored.external_url, stored.failure_reason = item.external_url, item.failure_reason
            stored.failure_reason_type = item.failure_reason_type
            entry.state = _entry_state_after(job.status, item.status)
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
        jobs = self._jobs_in(scope)
        ordering = self._ordering("jobs", jobs, request, JOB_SORT_FIELDS, lambda job: job.id)
        wanted = frozenset(statuses)
        matches = (lambda job: job.status in wanted) if wanted else None
        return paginate(ordering, request, matches)

    @_locked
    def list_job_items(
        self, scope: Collection[str], job_id: str, status: ItemStatus | None, request: PageRequest
    ) -> Page[JobItem]:
        job = self._job(scope, job_id)
        ordering = self._item_ordering(job, request)
        if status is None:
            return paginate(ordering, request)
        return paginate(
            ordering, request, lambda item: item.status is status, job.status_counts[status]
        )

    @_locked
    def update_items(
        self, scope: Collection[str], job_id: str, updates: list[ItemUpdate]
    ) -> ItemUpdateResult:
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
        job = self._job(scope, job_id)
        target = next_status(job.status, event)
        if target is None:
            repeat = job.status is JobStatus.IN_PROGRESS and event is JobEvent.STARTED
            if repeat and self.policy.repeat_started_is_noop:
                return job
            raise errors.InvalidStatusChange(job.id, job.status.value, event.value)
        now = self.clock.now()
        job.status, job.last_updated_at = target, now
        if target is JobStatus.IN_PROGRESS:
            job.started_at = now
        else:
            if target is JobStatus.FAILED:
                job.failure_reason, job.failure_reason_type = failure_reason, failure_reason_type
            self._finish(job, now)
        return job

    @_locked
    def export_items(
        self, scope: Collection[str], job_id: str | None, request: PageRequest
    ) -> Page[ExportItemRow]:
        if job_id is not None:
            jobs = [self._job(scope, job_id)]
            if not jobs[0].status.is_open:
                raise errors.JobFinished(jobs[0].id, jobs[0].status.value)
        else:
            jobs = [job for job in self._jobs_in(scope) if job.status.is_open]
        for job in jobs:
            if not self._companies[job.company_id].company.contra_accounts_configured:
                raise errors.MissingContraAccounts(job.company_id)
        if len(jobs) == 1:  # the common case keeps O(limit) paging
            job = jobs[0]
            entries = self._companies[job.company_id].entries
            item_ordering = self._item_ordering(job, request, "export-items")
            page = paginate(item_ordering, request)
            rows = [ExportItemRow(entries[item.accounting_entry_id], job) for item in page.rows]
            return Page(
                rows,
                page.has_next,
                page.has_previous,
                page.start_cursor,
                page.end_cursor,
                page.total,
            )
        all_rows = [
            ExportItemRow(self._companies[job.company_id].entries[item.accounting_entry_id], job)
            for job in jobs
            for item in job.items
        ]
        ordering = self._ordering(
            "export-items",
            all_rows,
            request,
            {"accountingEntryId": lambda row: row.entry.id},
            lambda row: row.entry.id,
        )
        return paginate(ordering, request)

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
        wanted = frozenset(entry_ids)
        rows = [
            item
            for job in self._jobs_in(scope)
            for item in job.items
            if item.accounting_entry_id in wanted and (status is None or item.status is status)
        ]
        ordering = self._ordering(
            "search",
            rows,
            request,
            ITEM_SORT_FIELDS,
            lambda item: f"{item.job_id}/{item.accounting_entry_id}",
        )
        return paginate(ordering, request)

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

    def _check_can_export(self, state: _CompanyState, entry_ids: list[str]) -> None:
        if not state.company.contra_accounts_configured:
            raise errors.MissingContraAccounts(state.company.id)
        blocking = [
            job
            for job in state.jobs
            if job.status is JobStatus.IN_PROGRESS
            or (job.status is JobStatus.PENDING and self.policy.pending_job_blocks_new_export)
        ]
        if blocking:
            raise errors.ExportAlreadyInProgress(state.company.id, blocking[0].id)
        if not entry_ids:
            raise errors.EmptyExport()
        unknown = [entry_id for entry_id in entry_ids if entry_id not in state.entries]
        if unknown:
            raise errors.UnknownEntries(unknown)
        taken = [e for e in entry_ids if state.entries[e].state is not EntryState.QUEUED]
        if taken:
            raise errors.EntriesNotExportable(taken)

    def _ordering(
        self,
        name: str,
        rows: list[Any],
        request: PageRequest,
        fields: dict[str, Callable[[Any], Any]],
        identity: Callable[[Any], str],
    ) -> Ordering[Any]:
        if request.sorting_keys:
            rows = sort_rows(rows, request.sorting_keys, request.sorting_order, fields)
        index = {identity(row): position for position, row in enumerate(rows)}
        tag = f"{name}|{','.join(request.sorting_keys)}|{','.join(request.sorting_order)}"
        return Ordering(rows, identity, index.get, tag)

    def _item_ordering(
        self, job: ExportJob, request: PageRequest, list_name: str = "items"
    ) -> Ordering[JobItem]:
        """`list_name` keeps cursors of the job-item and export-item lists apart."""
        if request.sorting_keys:
            return self._ordering(
                f"{list_name}:{job.id}",
                job.items,
                request,
                ITEM_SORT_FIELDS,
                lambda item: item.accounting_entry_id,
            )
        # Natural order: the job's own list and position index, no copying.
        return Ordering(
            job.items,
            lambda item: item.accounting_entry_id,
            job.positions.get,
            f"{list_name}:{job.id}||",
        )

    def _finish(self, job: ExportJob, now: datetime) -> None:
        """A job reached a final status: unfinished items are abandoned, entries settle."""
        job.completed_at = now
        entries = self._companies[job.company_id].entries
        for item in job.items:
            if not item.status.is_final:
                job.set_item_status(item, ItemStatus.ABANDONED)
            entries[item.accounting_entry_id].state = _entry_state_after(job.status, item.status)
        self._open_jobs.pop(job.id, None)

    def _expire_due(self) -> None:
        if not self._open_jobs:
            return
        now = self.clock.now()
        lifetime = timedelta(seconds=JOB_EXPIRY_SECONDS)
        for job in list(self._open_jobs.values()):
            deadline = job.last_activity + lifetime
            if deadline <= now:
                job.status = JobStatus.FAILED
                job.failure_reason_type = "job_expired"
                job.failure_reason = (
                    f"The export job expired: no update for {JOB_EXPIRY_SECONDS} seconds."
                )
                job.expired_at = job.last_updated_at = deadline
                self._finish(job, deadline)


def _entry_state_after(job_status: JobStatus, item_status: ItemStatus) -> EntryState:
    if item_status is ItemStatus.SUCCESSFUL:
        return EntryState.EXPORTED
    # Failed and abandoned entries go back to the export queue once the job is over.
    return EntryState.IN_JOB if job_status.is_open else EntryState.QUEUED
