"""The export job's lifecycle, declared as data and checked when the module loads."""

from __future__ import annotations

from types import MappingProxyType

from .models import ItemStatus, JobEvent, JobStatus

# (current status, event) -> next status. Anything absent is an illegal change.
TRANSITIONS = MappingProxyType(
    {
        (JobStatus.PENDING, JobEvent.STARTED): JobStatus.IN_PROGRESS,
        # Pleo's guides disagree on whether validation happens before or after claiming,
        # so a pending job may be failed directly.
        (JobStatus.PENDING, JobEvent.FAILED): JobStatus.FAILED,
        (JobStatus.IN_PROGRESS, JobEvent.COMPLETED): JobStatus.COMPLETED,
        (JobStatus.IN_PROGRESS, JobEvent.COMPLETED_WITH_ERRORS): JobStatus.COMPLETED_WITH_ERRORS,
        (JobStatus.IN_PROGRESS, JobEvent.FAILED): JobStatus.FAILED,
    }
)

# What a connector may set an item to with PUT items; `pending` and `abandoned` are Pleo's to set.
CLIENT_ITEM_STATUSES = frozenset({ItemStatus.IN_PROGRESS, ItemStatus.SUCCESSFUL, ItemStatus.FAILED})


def next_status(status: JobStatus, event: JobEvent) -> JobStatus | None:
    return TRANSITIONS.get((status, event))


def _check_reachability() -> None:
    reached = {JobStatus.PENDING}
    frontier = [JobStatus.PENDING]
    while frontier:
        current = frontier.pop()
        for (source, _event), target in TRANSITIONS.items():
            if source == current and target not in reached:
                reached.add(target)
                frontier.append(target)
    unreachable = set(JobStatus) - reached
    if unreachable:
        raise AssertionError(f"job statuses unreachable from pending: {sorted(unreachable)}")
    for (source, _event), _target in TRANSITIONS.items():
        if not source.is_open:
            raise AssertionError(f"a finished job may not change: {source}")


_check_reachability()
