"""The lifecycle tables: every status change, item status and expiry rule in one place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pleo_export_mock.domain import errors
from pleo_export_mock.domain.clock import FrozenClock
from pleo_export_mock.domain.ids import IdFactory
from pleo_export_mock.domain.lifecycle import (
    DEFAULT_ITEM_STATUS,
    ITEM_STATUSES_BY_JOB,
    JOB_EXPIRED,
    JOB_EXPIRED_REASON,
    JOB_EXPIRY,
    JOB_EXPIRY_SECONDS,
    PLEO_TRANSITIONS,
    TRANSITIONS,
    next_status,
)
from pleo_export_mock.domain.models import ExportJob, JobEvent, JobStatus, PleoEvent
from pleo_export_mock.domain.status_changes import change_status
from pleo_export_mock.domain.store import Store

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_every_open_status_expires_to_failed_and_a_finished_one_never_does() -> None:
    for status in JobStatus:
        expected = JobStatus.FAILED if status.is_open else None
        assert next_status(status, PleoEvent.EXPIRED) is expected


def test_a_connector_event_never_reads_pleos_table() -> None:
    assert {event for _status, event in TRANSITIONS} <= set(JobEvent)
    assert {event for _status, event in PLEO_TRANSITIONS} <= set(PleoEvent)
    assert next_status(JobStatus.IN_PROGRESS, JobEvent.FAILED) is JobStatus.FAILED


def test_each_job_status_has_allowed_item_statuses_including_its_default() -> None:
    assert set(ITEM_STATUSES_BY_JOB) == set(DEFAULT_ITEM_STATUS) == set(JobStatus)
    for status, default in DEFAULT_ITEM_STATUS.items():
        assert default in ITEM_STATUSES_BY_JOB[status]


def test_the_expiry_reason_names_the_expiry_period() -> None:
    assert timedelta(seconds=JOB_EXPIRY_SECONDS) == JOB_EXPIRY
    assert f"{JOB_EXPIRY_SECONDS} seconds" in JOB_EXPIRED_REASON


def test_an_illegal_change_is_refused_and_leaves_the_job_alone() -> None:
    job = ExportJob("j", "c", 1, START, status=JobStatus.COMPLETED, completed_at=START)
    with pytest.raises(errors.InvalidStatusChange):
        change_status(job, PleoEvent.EXPIRED, START + JOB_EXPIRY, {})
    assert (job.status, job.expired_at, job.completed_at) == (JobStatus.COMPLETED, None, START)


def test_a_pending_job_expires_through_the_same_table() -> None:
    store = Store(FrozenClock(START), IdFactory(3))
    company = store.add_company("Acme").id
    job = store.create_job(company, [store.add_entry(company, {}).id])
    store.advance(JOB_EXPIRY)
    assert (job.status, job.failure_reason_type, job.failure_reason) == (
        JobStatus.FAILED,
        JOB_EXPIRED,
        JOB_EXPIRED_REASON,
    )
    assert job.expired_at == job.completed_at == job.last_updated_at == START + JOB_EXPIRY
    assert job.started_at is None
