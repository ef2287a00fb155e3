"""Every change of an export job's status: the lifecycle table applied, and what follows from it."""

from __future__ import annotations

from datetime import datetime

from . import errors
from .lifecycle import next_status
from .models import (
    ABANDONED_OUTCOME,
    AccountingEntry,
    EntryState,
    ExportJob,
    ItemStatus,
    JobEvent,
    JobStatus,
    PleoEvent,
    set_entry_state,
)


def change_status(
    job: ExportJob,
    event: JobEvent | PleoEvent,
    at: datetime,
    entries: dict[str, AccountingEntry],
    failure_reason: str | None = None,
    failure_reason_type: str | None = None,
) -> None:
    """Move `job` as `event` says or raise InvalidStatusChange; a finished job settles its items."""
    target = next_status(job.status, event)
    if target is None:
        raise errors.InvalidStatusChange(job.id, job.status.value, event.value)
    job.status, job.last_updated_at = target, at
    if target is JobStatus.IN_PROGRESS:
        job.started_at = at
        return
    if target is JobStatus.FAILED:
        job.failure_reason, job.failure_reason_type = failure_reason, failure_reason_type
    if event is PleoEvent.EXPIRED:
        job.expired_at = at
    _finish(job, at, entries)


def _finish(job: ExportJob, at: datetime, entries: dict[str, AccountingEntry]) -> None:
    """A job reached a final status: unfinished items are abandoned, entries settle."""
    job.completed_at = at
    for item in list(job.items):
        outcome = item.outcome
        if not outcome.status.is_final:
            # Open items carry no report, so nothing is lost by sharing one outcome.
            outcome = ABANDONED_OUTCOME
            job.set_item_outcome(item, outcome)
        state = entry_state_after(job.status, outcome.status)
        set_entry_state(entries, item.accounting_entry_id, state)


def entry_state_after(job_status: JobStatus, item_status: ItemStatus) -> EntryState:
    """Where an item's accounting entry stands while its job is in `job_status`."""
    if item_status is ItemStatus.SUCCESSFUL:
        return EntryState.EXPORTED
    # Failed and abandoned entries go back to the export queue once the job is over.
    return EntryState.IN_JOB if job_status.is_open else EntryState.QUEUED
