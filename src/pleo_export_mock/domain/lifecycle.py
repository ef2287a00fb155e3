"""The export job's lifecycle, declared as data and checked when the module loads.

Job transitions (the connector's and Pleo's own), the item statuses each job status allows,
and expiry: everything that decides where a job or an item may go next.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from .models import ItemStatus, JobEvent, JobStatus, PleoEvent

# Pleo's guides say a job expires one hour after its last update.
JOB_EXPIRY_SECONDS = 3600
JOB_EXPIRY = timedelta(seconds=JOB_EXPIRY_SECONDS)
JOB_EXPIRED = "job_expired"  # the failureReasonType of an expired job
JOB_EXPIRED_REASON = f"The export job expired: no update for {JOB_EXPIRY_SECONDS} seconds."

# (current status, event) -> next status. Anything absent is an illegal change.
TRANSITIONS: Mapping[tuple[JobStatus, JobEvent], JobStatus] = MappingProxyType(
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

# The changes Pleo makes by itself; a separate table so no connector can send them.
PLEO_TRANSITIONS: Mapping[tuple[JobStatus, PleoEvent], JobStatus] = MappingProxyType(
    {
        (JobStatus.PENDING, PleoEvent.EXPIRED): JobStatus.FAILED,
        (JobStatus.IN_PROGRESS, PleoEvent.EXPIRED): JobStatus.FAILED,
    }
)

# What a connector may set an item to with PUT items; `pending` and `abandoned` are Pleo's to set.
CLIENT_ITEM_STATUSES = frozenset({ItemStatus.IN_PROGRESS, ItemStatus.SUCCESSFUL, ItemStatus.FAILED})

# Which item statuses each job status allows (the lifecycle, seen from the items).
ITEM_STATUSES_BY_JOB: Mapping[JobStatus, frozenset[ItemStatus]] = MappingProxyType(
    {
        JobStatus.PENDING: frozenset({ItemStatus.PENDING}),
        JobStatus.IN_PROGRESS: frozenset(
            {ItemStatus.PENDING, ItemStatus.IN_PROGRESS, ItemStatus.SUCCESSFUL, ItemStatus.FAILED}
        ),
        JobStatus.COMPLETED: frozenset({ItemStatus.SUCCESSFUL}),
        JobStatus.COMPLETED_WITH_ERRORS: frozenset(
            {ItemStatus.SUCCESSFUL, ItemStatus.FAILED, ItemStatus.ABANDONED}
        ),
        JobStatus.FAILED: frozenset(
            {ItemStatus.SUCCESSFUL, ItemStatus.FAILED, ItemStatus.ABANDONED}
        ),
    }
)

# What an item is when nothing more is said about it, per job status.
DEFAULT_ITEM_STATUS: Mapping[JobStatus, ItemStatus] = MappingProxyType(
    {
        JobStatus.PENDING: ItemStatus.PENDING,
        JobStatus.IN_PROGRESS: ItemStatus.PENDING,
        JobStatus.COMPLETED: ItemStatus.SUCCESSFUL,
        JobStatus.COMPLETED_WITH_ERRORS: ItemStatus.SUCCESSFUL,
        JobStatus.FAILED: ItemStatus.ABANDONED,
    }
)


def next_status(status: JobStatus, event: JobEvent | PleoEvent) -> JobStatus | None:
    """Where `event` takes a job in `status`; None when the change is illegal."""
    if isinstance(event, PleoEvent):
        return PLEO_TRANSITIONS.get((status, event))
    return TRANSITIONS.get((status, event))


def _all_transitions() -> list[tuple[JobStatus, JobStatus]]:
    pairs = [*TRANSITIONS.items(), *PLEO_TRANSITIONS.items()]
    return [(source, target) for (source, _event), target in pairs]


def _check_reachability() -> None:
    reached = {JobStatus.PENDING}
    frontier = [JobStatus.PENDING]
    while frontier:
        current = frontier.pop()
        for source, target in _all_transitions():
            if source == current and target not in reached:
                reached.add(target)
                frontier.append(target)
    unreachable = set(JobStatus) - reached
    if unreachable:
        raise AssertionError(f"job statuses unreachable from pending: {sorted(unreachable)}")
    for source, _target in _all_transitions():
        if not source.is_open:
            raise AssertionError(f"a finished job may not change: {source}")


def _check_every_open_job_expires() -> None:
    lasting = [s for s in JobStatus if s.is_open and (s, PleoEvent.EXPIRED) not in PLEO_TRANSITIONS]
    if lasting:
        raise AssertionError(f"open job statuses that never expire: {sorted(lasting)}")


def _check_item_statuses() -> None:
    for status in JobStatus:
        if DEFAULT_ITEM_STATUS[status] not in ITEM_STATUSES_BY_JOB[status]:
            raise AssertionError(f"the default item status of {status} jobs is not allowed there")


_check_reachability()
_check_every_open_job_expires()
_check_item_statuses()
