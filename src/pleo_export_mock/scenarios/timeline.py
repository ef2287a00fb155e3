"""A scenario's timeline as it plays: which steps are due by the sandbox clock, which are done.

A step is played at the first moment the sandbox clock is at or past it. Its entries are made
once; pressing Export is tried again while the company has a job that blocks a new one (a
Pleo user cannot press Export then either), and a step Pleo refuses for good (no contra
accounts) is marked so and left.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.clock import format_timestamp
from ..domain.errors import DomainError, ExportAlreadyInProgress
from .model import TimelineStep

WAITING, BLOCKED, PLAYED, REFUSED = "waiting", "blocked", "played", "refused"


@dataclass(slots=True)
class _Progress:
    step: TimelineStep
    status: str = WAITING
    entry_ids: list[str] | None = None  # made when the step first came due
    job_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class StepPosition:
    """How far one step got: what a snapshot keeps of it."""

    status: str  # waiting, blocked, played or refused
    entry_ids: list[str] | None
    job_id: str | None
    note: str | None


STEP_STATUSES = (WAITING, BLOCKED, PLAYED, REFUSED)


@dataclass(slots=True)
class Timeline:
    """The steps of one scenario from one start; a reset starts a new Timeline."""

    steps: tuple[TimelineStep, ...]
    started_at: datetime | None  # None: held until `begin` (verify's service mode)
    _progress: list[_Progress] = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._progress = [_Progress(step) for step in self.steps]

    def begin(self, now: datetime) -> None:
        """Start a held timeline now: its offsets count from here."""
        with self._lock:
            if self.started_at is None:
                self.started_at = now

    def moments(self, after: datetime, until: datetime) -> list[datetime]:
        """When steps come due in (after, until], in order: where an advance must stop."""
        if self.started_at is None:
            return []
        due = {self.started_at + p.step.at for p in self._progress}
        return sorted(moment for moment in due if after < moment <= until)

    def play_due(
        self,
        now: datetime,
        add_entries: Callable[[str, int], list[str]],
        press_export: Callable[[str, list[str]], str],
    ) -> list[str]:
        """Play every step due by `now` that can be played; returns the new jobs' ids."""
        made: list[str] = []
        with self._lock:
            if self.started_at is None:
                return made
            for progress in self._progress:
                if progress.status in (PLAYED, REFUSED):
                    continue
                if self.started_at + progress.step.at > now:
                    break  # steps are in time order
                job_id = _play(progress, add_entries, press_export)
                if job_id is not None:
                    made.append(job_id)
        return made

    def positions(self) -> list[StepPosition]:
        """How far each step got, in order (for a snapshot)."""
        with self._lock:
            return [StepPosition(p.status, p.entry_ids, p.job_id, p.note) for p in self._progress]

    def resume(self, started_at: datetime | None, positions: list[StepPosition]) -> None:
        """Take over a snapshot's start and step positions, one per step."""
        if len(positions) != len(self._progress):
            raise ValueError(f"{len(positions)} step positions for {len(self.steps)} steps")
        with self._lock:
            self.started_at = started_at
            for progress, at in zip(self._progress, positions, strict=True):
                progress.status, progress.job_id, progress.note = at.status, at.job_id, at.note
                progress.entry_ids = None if at.entry_ids is None else list(at.entry_ids)

    @property
    def pending(self) -> bool:
        """Whether any step has still to play."""
        return any(p.status in (WAITING, BLOCKED) for p in self._progress)

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    "at": None
                    if self.started_at is None
                    else format_timestamp(self.started_at + p.step.at),
                    "company": p.step.company,
                    "export": p.step.export,
                    "status": p.status,
                    "jobId": p.job_id,
                    "note": p.note,
                }
                for p in self._progress
            ]


def _play(
    progress: _Progress,
    add_entries: Callable[[str, int], list[str]],
    press_export: Callable[[str, list[str]], str],
) -> str | None:
    step = progress.step
    if progress.entry_ids is None:
        progress.entry_ids = add_entries(step.company, step.export)
    try:
        progress.job_id = press_export(step.company, progress.entry_ids)
    except ExportAlreadyInProgress as blocked:
        progress.status, progress.note = BLOCKED, f"waiting: job {blocked.job_id} is open"
        return None
    except DomainError as refusal:
        progress.status, progress.note = REFUSED, refusal.message
        return None
    progress.status, progress.note = PLAYED, None
    return progress.job_id
