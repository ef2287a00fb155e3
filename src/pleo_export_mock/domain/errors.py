"""Domain errors: they carry data and know nothing of HTTP (http/errors.py maps them)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the sandbox makes on Pleo's behalf."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JobNotFound(DomainError):
    def __init__(self, job_id: str) -> None:
        super().__init__("Export job not found.")
        self.job_id = job_id


class EntryNotFound(DomainError):
    """No export job item for an accounting entry (the hidden lookup endpoint)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__("Export Job Item not found")
        self.entry_id = entry_id


class CompanyNotFound(DomainError):
    def __init__(self, company_id: str) -> None:
        super().__init__(f"Company {company_id} does not exist in the sandbox.")
        self.company_id = company_id


class InvalidStatusChange(DomainError):
    def __init__(self, job_id: str, status: str, event: str) -> None:
        super().__init__(
            f"Export Job status change failed: job {job_id} is {status}; "
            f"the event {event!r} is not allowed from there."
        )
        self.job_id, self.status, self.event = job_id, status, event


class JobFinished(DomainError):
    """Writes to the items of a job that has reached a final status."""

    def __init__(self, job_id: str, status: str) -> None:
        super().__init__(f"Export job is finished ({status}) and can no longer be processed.")
        self.job_id, self.status = job_id, status


class JobNotStarted(DomainError):
    def __init__(self, job_id: str) -> None:
        super().__init__(
            f"Export job {job_id} is pending: send the 'started' event before updating its items."
        )
        self.job_id = job_id


class TooManyItems(DomainError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"Number of items to update is more than {limit} ({count} sent).")
        self.count, self.limit = count, limit


class ExportAlreadyInProgress(DomainError):
    def __init__(self, company_id: str, job_id: str) -> None:
        super().__init__("Export Job already in progress for this company.")
        self.company_id, self.job_id = company_id, job_id


class MissingContraAccounts(DomainError):
    def __init__(self, company_id: str) -> None:
        super().__init__(
            "Contra accounts are not fully configured. "
            "Please map contra accounts in the Accounting settings."
        )
        self.company_id = company_id


class UnknownEntries(DomainError):
    def __init__(self, entry_ids: list[str]) -> None:
        shown = ", ".join(entry_ids[:5]) + (" ..." if len(entry_ids) > 5 else "")
        super().__init__(f"Accounting entries do not exist in this company: {shown}")
        self.entry_ids = entry_ids


class EntriesNotExportable(DomainError):
    def __init__(self, entry_ids: list[str]) -> None:
        shown = ", ".join(entry_ids[:5]) + (" ..." if len(entry_ids) > 5 else "")
        super().__init__(f"Accounting entries are already exported or in an open job: {shown}")
        self.entry_ids = entry_ids


class EmptyExport(DomainError):
    def __init__(self) -> None:
        super().__init__("An export job needs at least one accounting entry.")


class EntryLimit(DomainError):
    """Adding these entries would take the sandbox past what a client may add to one state."""

    def __init__(self, added: int, count: int, limit: int) -> None:
        super().__init__(
            f"The sandbox holds {added:,} added entries; {count:,} more would pass the limit "
            f"of {limit:,} for one state. Reset it (POST /_mock/reset), or let a scenario "
            "generate big books from a count, which costs a tenth of the memory."
        )
        self.added, self.count, self.limit = added, count, limit


class ClockOutOfRange(DomainError):
    """An advance that would take the sandbox clock past the end of its calendar."""


class InvalidPage(DomainError):
    """A pagination request the sandbox cannot serve (mixed cursors, bad sort key, ...)."""


class SubscriptionLimit(DomainError):
    """One more subscription would pass what one state keeps."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The sandbox holds {limit:,} subscriptions, as many as one state keeps; "
            "delete one, or reset the sandbox."
        )
        self.limit = limit


class SubscriptionNotFound(DomainError):
    """No webhook subscription with this id among the caller's companies' (or none at all)."""

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"Subscription {subscription_id} not found.")
        self.subscription_id = subscription_id
