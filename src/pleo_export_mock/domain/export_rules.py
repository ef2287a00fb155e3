"""What stops a new export job: Pleo's refusals when a user presses Export or a connector
creates a job (POST /v3/export-jobs), in the order they are checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import errors
from .models import AccountingEntry, Company, EntryState, ExportJob, JobStatus
from .policy import Policy


def check_can_export(
    company: Company,
    entries: Mapping[str, AccountingEntry],
    jobs: Iterable[ExportJob],
    entry_ids: list[str],
    policy: Policy,
) -> None:
    """Raise the first refusal that applies; return when the export may go ahead."""
    if not company.contra_accounts_configured:
        raise errors.MissingContraAccounts(company.id)
    blocking = [
        job
        for job in jobs
        if job.status is JobStatus.IN_PROGRESS
        or (job.status is JobStatus.PENDING and policy.pending_job_blocks_new_export)
    ]
    if blocking:
        raise errors.ExportAlreadyInProgress(company.id, blocking[0].id)
    if not entry_ids:
        raise errors.EmptyExport()
    unknown = [entry_id for entry_id in entry_ids if entry_id not in entries]
    if unknown:
        raise errors.UnknownEntries(unknown)
    taken = [entry_id for entry_id in entry_ids if entries[entry_id].state is not EntryState.QUEUED]
    if taken:
        raise errors.EntriesNotExportable(taken)
