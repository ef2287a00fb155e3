"""Every exchange between a connector and the sandbox, recorded and queryable."""

from .journal import CallList, Journal, JournalEntry, job_id_of

__all__ = ["CallList", "Journal", "JournalEntry", "job_id_of"]
