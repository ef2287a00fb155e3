"""PUT items, one element at a time: Pleo's rules for what a connector may change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .lifecycle import CLIENT_ITEM_STATUSES
from .models import (
    AccountingEntry,
    EntryState,
    ExportJob,
    ItemOutcome,
    ItemStatus,
    JobItem,
    set_entry_state,
)
from .policy import Policy


@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """One element of a PUT items body, already validated against the spec."""

    accounting_entry_id: str
    outcome: ItemOutcome


@dataclass(frozen=True, slots=True)
class ItemUpdateError:
    accounting_entry_id: str
    type: str  # one of Pleo's ExportJobItemUpdateErrorType values
    message: str


@dataclass(frozen=True, slots=True)
class ItemUpdateResult:
    updated: list[JobItem]
    errors: list[ItemUpdateError]


def apply_item_update(
    job: ExportJob,
    entries: dict[str, AccountingEntry],
    update: ItemUpdate,
    now: datetime,
    policy: Policy,
) -> ItemUpdateError | None:
    """Apply one update; an error value (not an exception) when it is refused."""
    entry_id = update.accounting_entry_id
    item = job.item(entry_id)
    if item is None:
        if entry_id in entries:
            return ItemUpdateError(
                entry_id,
                "EXPORT_ENTRY_STATUS_UPDATE_FAILED",
                f"Accounting entry {entry_id} is not part of export job {job.id}.",
            )
        return ItemUpdateError(
            entry_id,
            "ACCOUNTING_ENTRY_DOES_NOT_EXIST",
            f"Accounting entry {entry_id} does not exist.",
        )
    status = update.outcome.status
    if not _settable(status, policy):
        return ItemUpdateError(
            entry_id,
            "ACCOUNTING_ENTRY_UPDATE_FAILED",
            f"The sandbox does not let a connector set status {status.value!r} "
            "(Pleo sets it); send in_progress, successful or failed.",
        )
    # Only the fields the new status carries: an item taken back to in_progress forgets
    # its earlier failure, a success drops a stray failure reason.
    outcome = update.outcome.without_stray_fields()
    if item.outcome.status is ItemStatus.SUCCESSFUL:
        if outcome == item.outcome:
            return None  # a retried, identical success changes nothing
        if not policy.allow_changing_successful_items:
            return ItemUpdateError(
                entry_id,
                "ACCOUNTING_ENTRY_UPDATE_FAILED",
                f"Accounting entry {entry_id} was already exported successfully; "
                "the sandbox does not let a successful item change.",
            )
        # A correction: the earlier booking no longer stands; the new status says what does.
        set_entry_state(entries, entry_id, EntryState.IN_JOB)
    job.set_item_outcome(item, outcome)
    if status is ItemStatus.SUCCESSFUL:
        set_entry_state(entries, entry_id, EntryState.EXPORTED)
    return None


def _settable(status: ItemStatus, policy: Policy) -> bool:
    """May a connector set this status? `abandoned` only when the policy allows it."""
    if status is ItemStatus.ABANDONED:
        return policy.allow_abandoning_items
    return status in CLIENT_ITEM_STATUSES
