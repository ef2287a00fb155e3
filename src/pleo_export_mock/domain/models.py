"""Entities of Pleo's export side, as the sandbox keeps them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from .quick_init import quick_init


class JobStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completed_with_errors"

    @property
    def is_open(self) -> bool:
        return self in _OPEN  # asked on every read of a job: no member lookups here


_OPEN = (JobStatus.PENDING, JobStatus.IN_PROGRESS)


class JobEvent(StrEnum):
    """What a connector sends to move its job."""

    STARTED = "started"
    FAILED = "failed"
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completed_with_errors"


class PleoEvent(StrEnum):
    """What moves a job on Pleo's side, never sent by a connector."""

    EXPIRED = "expired"  # no update for the expiry period


class ItemStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    SUCCESSFUL = "successful"
    ABANDONED = "abandoned"

    @property
    def is_final(self) -> bool:
        return self in (ItemStatus.SUCCESSFUL, ItemStatus.FAILED, ItemStatus.ABANDONED)


class EntryState(StrEnum):
    """Where an accounting entry stands on Pleo's side."""

    QUEUED = "queued"  # in the export queue, waiting for a user to press Export
    IN_JOB = "in_job"  # part of a pending or running export job
    EXPORTED = "exported"  # booked in the ERP; never exported again


@dataclass(slots=True)
class Company:
    id: str
    name: str
    # False makes export-item reads and job creation answer MISSING_CONTRA_ACCOUNTS.
    contra_accounts_configured: bool = True
    # Multi-currency wallets, which the v0-v2 export items cannot express (Pleo answers v2 400).
    multi_currency_wallets: bool = False


class PayloadSource(Protocol):
    """Where the payloads of a run of entries come from: entry `index` of the run asks for its
    own. The same index always gives the same payload (equal bytes, maybe a new dict), so a
    source may make a payload when first asked rather than hold every one."""

    def payload(self, index: int) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class FixedPayload:
    """A payload made up front (added, hostile or restored entries): held as it is."""

    value: dict[str, Any]

    def payload(self, index: int) -> dict[str, Any]:
        return self.value


@quick_init  # seeding makes a million entries
@dataclass(frozen=True, slots=True)
class AccountingEntry:
    """An entry as it stands; a change of state is a new value (`with_state`), so copies of
    the whole state share every entry until one of them changes it."""

    id: str
    company_id: str
    # Gives the ExportItemV3 payload minus the fields the sandbox owns (ids, _links): entry
    # `index` of `source`. A payload is never changed once made, so copies of the state share
    # it, and so do concurrent requests.
    source: PayloadSource
    index: int = 0
    state: EntryState = EntryState.QUEUED

    @property
    def payload(self) -> dict[str, Any]:
        return self.source.payload(self.index)

    @classmethod
    def fixed(
        cls,
        entry_id: str,
        company_id: str,
        payload: dict[str, Any],
        state: EntryState = EntryState.QUEUED,
    ) -> AccountingEntry:
        """An entry whose payload is made already."""
        return cls(entry_id, company_id, FixedPayload(payload), 0, state)

    def with_state(self, state: EntryState) -> AccountingEntry:
        return AccountingEntry(self.id, self.company_id, self.source, self.index, state)


def set_entry_state(entries: dict[str, AccountingEntry], entry_id: str, state: EntryState) -> None:
    """The one way an entry changes where it stands."""
    entries[entry_id] = entries[entry_id].with_state(state)


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """Where an item stands and what the connector reported: one value, copied whole."""

    status: ItemStatus = ItemStatus.PENDING
    exported_at: datetime | None = None
    external_id: str | None = None
    external_url: str | None = None
    failure_reason: str | None = None
    failure_reason_type: str | None = None

    def without_stray_fields(self) -> ItemOutcome:
        """Only the fields this status carries: a success's export, a failure's reason."""
        if self.status is ItemStatus.SUCCESSFUL:
            return ItemOutcome(self.status, self.exported_at, self.external_id, self.external_url)
        if self.status is ItemStatus.FAILED:
            return ItemOutcome(
                self.status,
                failure_reason=self.failure_reason,
                failure_reason_type=self.failure_reason_type,
            )
        return ItemOutcome(self.status)


# Shared by every item in that state: a million pending items need no million outcomes.
PENDING_OUTCOME = ItemOutcome(ItemStatus.PENDING)
ABANDONED_OUTCOME = ItemOutcome(ItemStatus.ABANDONED)


@quick_init  # a job of a million items holds a million
@dataclass(frozen=True, slots=True)
class JobItem:
    """An item as it stands; ExportJob.set_item_outcome puts a new one in its place."""

    job_id: str
    accounting_entry_id: str
    outcome: ItemOutcome = PENDING_OUTCOME


@dataclass(slots=True)
class ExportJob:
    id: str
    company_id: str
    sequence: int  # creation order within the sandbox: the tie-breaker of every sort
    created_at: datetime
    status: JobStatus = JobStatus.PENDING
    created_by: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    last_updated_at: datetime | None = None
    expired_at: datetime | None = None
    failure_reason: str | None = None
    failure_reason_type: str | None = None
    is_interactive: bool = True
    vendor_based_bookkeeping: bool = False
    items: list[JobItem] = field(default_factory=list)
    # position of each entry in `items`, and live counts per item status: O(1) lookups and totals
    positions: dict[str, int] = field(default_factory=dict)
    status_counts: Counter[ItemStatus] = field(default_factory=Counter)

    @property
    def number_of_items(self) -> int:
        return len(self.items)

    @property
    def last_activity(self) -> datetime:
        return self.last_updated_at or self.created_at

    def add_item(self, entry_id: str, outcome: ItemOutcome = PENDING_OUTCOME) -> None:
        self.add_items(((entry_id, outcome),))

    def add_items(self, items: Iterable[tuple[str, ItemOutcome]]) -> None:
        """add_item for each (entry id, outcome), counting runs of one shared outcome at once:
        a status is a StrEnum, hashed in Python, and a million items would hash it twice each."""
        positions, rows, job_id = self.positions, self.items, self.id
        last: ItemOutcome | None = None
        run = 0
        for entry_id, outcome in items:
            if outcome is not last:
                if last is not None:
                    self.status_counts[last.status] += run
                last, run = outcome, 0
            run += 1
            positions[entry_id] = len(rows)
            rows.append(JobItem(job_id, entry_id, outcome))
        if last is not None:
            self.status_counts[last.status] += run

    def item(self, entry_id: str) -> JobItem | None:
        position = self.positions.get(entry_id)
        return None if position is None else self.items[position]

    def copy(self) -> ExportJob:
        """A job that changes apart from this one, sharing its (immutable) items.

        Built whole, field by field: dataclasses.replace reads every field's definition again
        on each call, and a reset that copies the state copies every job (tests/domain checks no
        field is left out).
        """
        return ExportJob(
            self.id,
            self.company_id,
            self.sequence,
            self.created_at,
            self.status,
            self.created_by,
            self.started_at,
            self.completed_at,
            self.last_updated_at,
            self.expired_at,
            self.failure_reason,
            self.failure_reason_type,
            self.is_interactive,
            self.vendor_based_bookkeeping,
            self.items.copy(),
            self.positions.copy(),
            self.status_counts.copy(),
        )

    def set_item_outcome(self, item: JobItem, outcome: ItemOutcome) -> None:
        """The one way an item changes, so the live counts per status stay right."""
        self.status_counts[item.outcome.status] -= 1
        self.status_counts[outcome.status] += 1
        position = self.positions[item.accounting_entry_id]
        self.items[position] = JobItem(self.id, item.accounting_entry_id, outcome)
