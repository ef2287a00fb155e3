"""Every exchange between a connector and the sandbox, recorded and queryable."""

from .journal import CallList, Journal, JournalEntry

__all__ = ["CallList", "Journal", "JournalEntry"]
