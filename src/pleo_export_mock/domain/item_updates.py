"""PUT items, one element at a time: Pleo's rules for what a connector may change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .lifecycle import CLIENT_ITEM_STATUSES
from .models import AccountingEntry, EntryState, ExportJob, ItemStatus, JobItem
from .policy import Policy


@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """One element of a PUT items body, already validated against the spec."""

    accounting_entry_id: str
    status: ItemStatus
    exported_at: datetime | None = None
    external_id: str | None = None
    external_url: str | None = None
    failure_reason: str | None = None
    failure_reason_type: str | None = None


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
    if not _settable(update.status, policy):
        return ItemUpdateError(
            entry_id,
            "ACCOUNTING_ENTRY_UPDATE_FAILED",
            f"The sandbox does not let a connector set status {update.status.value!r} "
            "(Pleo sets it); send in_progress, successful or failed.",
        )
    if item.status is ItemStatus.SUCCESSFUL:
        if _same_success(item, update):
            return None  # a retried, identical success changes nothing
        if not policy.allow_changing_successful_items:
            return ItemUpdateError(
                entry_id,
                "ACCOUNTING_ENTRY_UPDATE_FAILED",
                f"Accounting entry {entry_id} was already exported successfully; "
                "the sandbox does not let a successful item change.",
            )
        # A correction: the earlier booking no longer stands; the new status says what does.
        entries[entry_id].state = EntryState.IN_JOB
        item.exported_at = item.external_id = item.external_url = None
    job.set_item_status(item, update.status)
    if update.status is ItemStatus.SUCCESSFUL:
        item.exported_at, item.external_id = update.exported_at, update.external_id
        item.external_url = update.external_url
        item.failure_reason = item.failure_reason_type = None
        entries[entry_id].state = EntryState.EXPORTED
    elif update.status is ItemStatus.FAILED:
        item.failure_reason, item.failure_reason_type = (
            update.failure_reason,
            update.failure_reason_type,
        )
    return None


def _settable(status: ItemStatus, policy: Policy) -> bool:
    """May a connector set this status? `abandoned` only when the policy allows it."""
    if status is ItemStatus.ABANDONED:
        return policy.allow_abandoning_items
    return status in CLIENT_ITEM_STATUSES


def _same_success(item: JobItem, update: ItemUpdate) -> bool:
    return (
        update.status is ItemStatus.SUCCESSFUL
        and update.external_id == item.external_id
        and update.external_url == item.external_url
        and update.exported_at == item.exported_at
    )
