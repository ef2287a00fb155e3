"""Progress while the connector runs: a line per job transition, as the sandbox accepts it."""

from __future__ import annotations

from typing import TextIO

from ..journal import Journal, JournalEntry
from ..sandbox import JobAtStart
from .context import EVENT, applied, event_name, reached_workflow

# The status each accepted event moves a job to (facts §1.5).
EVENT_STATUS = {"started": "in_progress"}


class Progress:
    """Called now and then while the connector runs; prints what changed since the last call.

    It reads the journal, so it sees what the connector did, not what it meant to do.
    """

    def __init__(self, journal: Journal, at_start: dict[str, JobAtStart], out: TextIO) -> None:
        self._journal, self._out = journal, out
        self._read = 0  # journal entries already looked at
        self._status = {job_id: job.status.value for job_id, job in at_start.items()}

    def __call__(self) -> None:
        fresh = self._journal.snapshot()[self._read :]
        self._read += len(fresh)
        for entry in fresh:
            line = self._transition(entry)
            if line:
                print(line, file=self._out, flush=True)

    def _transition(self, entry: JournalEntry) -> str | None:
        if entry.operation_id != EVENT or not reached_workflow(entry) or not applied(entry):
            return None
        event, job_id = event_name(entry), entry.job_id
        if event is None or job_id is None:
            return None
        after = EVENT_STATUS.get(event, event)
        before = self._status.get(job_id, "?")
        self._status[job_id] = after
        return f"  #{entry.seq} job {job_id}: {before} -> {after}"
