"""The export job lifecycle and item updates, straight on the Store (no HTTP)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from pleo_export_mock.domain import errors
from pleo_export_mock.domain.clock import FrozenClock
from pleo_export_mock.domain.ids import IdFactory
from pleo_export_mock.domain.item_updates import ItemUpdate
from pleo_export_mock.domain.lifecycle import TRANSITIONS
from pleo_export_mock.domain.models import EntryState, ItemOutcome, ItemStatus, JobEvent, JobStatus
from pleo_export_mock.domain.policy import Policy
from pleo_export_mock.domain.store import Store

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store(FrozenClock(START), IdFactory(7))


def _company_with_job(store: Store, entries: int = 3) -> tuple[str, str, list[str]]:
    company = store.add_company("Acme ApS")
    ids = [store.add_entry(company.id, {"type": "card_purchase"}).id for _ in range(entries)]
    job = store.create_job(company.id, ids)
    return company.id, job.id, ids


def test_started_claims_a_pending_job(store: Store) -> None:
    company, job_id, _ = _company_with_job(store)
    store.clock.advance(timedelta(seconds=30))
    job = store.apply_event([company], job_id, JobEvent.STARTED)
    assert job.status is JobStatus.IN_PROGRESS
    assert job.started_at == job.last_updated_at == START + timedelta(seconds=30)


@pytest.mark.parametrize(
    "final", [JobStatus.FAILED, JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_ERRORS]
)
def test_every_event_on_a_finished_job_is_refused(store: Store, final: JobStatus) -> None:
    company, job_id, _ = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    store.apply_event([company], job_id, JobEvent(final.value))
    for event in JobEvent:
        with pytest.raises(errors.InvalidStatusChange):
            store.apply_event([company], job_id, event)
    assert store.get_job([company], job_id).status is final


def test_pending_job_may_fail_but_not_complete(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    with pytest.raises(errors.InvalidStatusChange):
        store.apply_event([company], job_id, JobEvent.COMPLETED)
    job = store.apply_event(
        [company], job_id, JobEvent.FAILED, "ERP down", "accounting_system_unreachable"
    )
    assert (job.status, job.failure_reason_type) == (
        JobStatus.FAILED,
        "accounting_system_unreachable",
    )
    assert {item.outcome.status for item in job.items} == {ItemStatus.ABANDONED}
    assert set(store.queued_entry_ids(company)) == set(entries)


def test_second_started_is_refused_unless_the_policy_allows_it(store: Store) -> None:
    company, job_id, _ = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    with pytest.raises(errors.InvalidStatusChange):
        store.apply_event([company], job_id, JobEvent.STARTED)
    lenient = Store(FrozenClock(START), IdFactory(7), Policy(repeat_started_is_noop=True))
    company, job_id, _ = _company_with_job(lenient)
    lenient.apply_event([company], job_id, JobEvent.STARTED)
    assert lenient.apply_event([company], job_id, JobEvent.STARTED).status is JobStatus.IN_PROGRESS


def test_another_companys_job_is_not_found(store: Store) -> None:
    _, job_id, _ = _company_with_job(store)
    other = store.add_company("Other")
    with pytest.raises(errors.JobNotFound):
        store.get_job([other.id], job_id)


def test_item_updates_apply_and_report_unknown_entries(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    stranger = store.add_entry(company, {"type": "fee"}).id
    store.apply_event([company], job_id, JobEvent.STARTED)
    result = store.update_items(
        [company],
        job_id,
        [
            ItemUpdate(
                entries[0], ItemOutcome(ItemStatus.SUCCESSFUL, START, "INV-1", "https://erp/1")
            ),
            ItemUpdate(
                entries[1],
                ItemOutcome(
                    ItemStatus.FAILED,
                    failure_reason="no vendor",
                    failure_reason_type="vendor_unknown",
                ),
            ),
            ItemUpdate(stranger, ItemOutcome(ItemStatus.SUCCESSFUL)),
            ItemUpdate("00000000-0000-4000-8000-000000000000", ItemOutcome(ItemStatus.SUCCESSFUL)),
        ],
    )
    assert [item.accounting_entry_id for item in result.updated] == entries[:2]
    assert [error.type for error in result.errors] == [
        "EXPORT_ENTRY_STATUS_UPDATE_FAILED",
        "ACCOUNTING_ENTRY_DOES_NOT_EXIST",
    ]
    assert store.entries(company, EntryState.EXPORTED)[0].id == entries[0]


def test_a_successful_item_cannot_change_but_an_identical_retry_is_harmless(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    success = ItemUpdate(entries[0], ItemOutcome(ItemStatus.SUCCESSFUL, START, "INV-1"))
    store.update_items([company], job_id, [success])
    assert store.update_items([company], job_id, [success]).errors == []
    refused = store.update_items(
        [company], job_id, [ItemUpdate(entries[0], ItemOutcome(ItemStatus.FAILED))]
    )
    assert refused.errors[0].type == "ACCOUNTING_ENTRY_UPDATE_FAILED"


def test_item_updates_need_a_started_open_job_and_at_most_100_items(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    update = [ItemUpdate(entries[0], ItemOutcome(ItemStatus.SUCCESSFUL))]
    with pytest.raises(errors.JobNotStarted):
        store.update_items([company], job_id, update)
    store.apply_event([company], job_id, JobEvent.STARTED)
    with pytest.raises(errors.TooManyItems):
        store.update_items([company], job_id, update * 101)
    store.apply_event([company], job_id, JobEvent.COMPLETED)
    with pytest.raises(errors.JobFinished):
        store.update_items([company], job_id, update)


def test_finishing_abandons_open_items_and_requeues_failed_entries(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    store.update_items(
        [company],
        job_id,
        [
            ItemUpdate(entries[0], ItemOutcome(ItemStatus.SUCCESSFUL, external_id="A")),
            ItemUpdate(
                entries[1], ItemOutcome(ItemStatus.FAILED, failure_reason_type="account_unknown")
            ),
        ],
    )
    job = store.apply_event([company], job_id, JobEvent.COMPLETED_WITH_ERRORS)
    assert [i.outcome.status for i in job.items] == [
        ItemStatus.SUCCESSFUL,
        ItemStatus.FAILED,
        ItemStatus.ABANDONED,
    ]
    assert job.completed_at == START
    assert sorted(store.queued_entry_ids(company)) == sorted(entries[1:])
    # the failed entries can be exported again in a new job
    assert store.create_job(company, entries[1:]).number_of_items == 2


def test_a_job_expires_one_hour_after_its_last_update(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    store.clock.advance(timedelta(minutes=30))
    store.apply_event([company], job_id, JobEvent.STARTED)
    store.advance(timedelta(minutes=59, seconds=59))
    assert store.get_job([company], job_id).status is JobStatus.IN_PROGRESS
    store.advance(timedelta(seconds=1))
    job = store.get_job([company], job_id)
    assert (job.status, job.failure_reason_type) == (JobStatus.FAILED, "job_expired")
    assert job.expired_at == START + timedelta(minutes=90)
    assert {i.outcome.status for i in job.items} == {ItemStatus.ABANDONED}
    assert sorted(store.queued_entry_ids(company)) == sorted(entries)


def test_one_open_job_per_company(store: Store) -> None:
    company, _job_id, _ = _company_with_job(store)
    extra = store.add_entry(company, {}).id
    with pytest.raises(errors.ExportAlreadyInProgress):
        store.create_job(company, [extra])


def test_creating_a_job_checks_its_entries(store: Store) -> None:
    company = store.add_company("Acme").id
    taken = store.add_entry(company, {}).id
    store.create_job(company, [taken])
    lenient = Store(FrozenClock(START), IdFactory(1), Policy(pending_job_blocks_new_export=False))
    other = lenient.add_company("B").id
    entry = lenient.add_entry(other, {}).id
    lenient.create_job(other, [entry])
    with pytest.raises(errors.EntriesNotExportable):
        lenient.create_job(other, [entry])
    with pytest.raises(errors.UnknownEntries):
        lenient.create_job(other, ["00000000-0000-4000-8000-000000000001"])
    with pytest.raises(errors.EmptyExport):
        lenient.create_job(other, [])


def test_missing_contra_accounts_block_export_items_and_new_jobs(store: Store) -> None:
    company = store.add_company("NoContra", contra_accounts_configured=False).id
    entry = store.add_entry(company, {}).id
    with pytest.raises(errors.MissingContraAccounts):
        store.create_job(company, [entry])


def test_the_transition_table_never_leaves_a_final_status() -> None:
    assert all(source.is_open for source, _ in TRANSITIONS)


def test_an_item_taken_back_to_in_progress_forgets_its_failure(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    failed = ItemOutcome(ItemStatus.FAILED, failure_reason="no vendor", failure_reason_type="x")
    store.update_items([company], job_id, [ItemUpdate(entries[0], failed)])
    retry = ItemOutcome(ItemStatus.IN_PROGRESS, START, "INV-1", "https://erp/1", "stray", "y")
    store.update_items([company], job_id, [ItemUpdate(entries[0], retry)])
    item = store.find_job_item([company], entries[0])
    assert item.outcome == ItemOutcome(ItemStatus.IN_PROGRESS)
    assert store.get_job([company], job_id).status_counts[ItemStatus.FAILED] == 0


def test_a_success_keeps_its_export_and_a_failure_its_reason_only(store: Store) -> None:
    company, job_id, entries = _company_with_job(store)
    store.apply_event([company], job_id, JobEvent.STARTED)
    both = {"failure_reason": "no vendor", "failure_reason_type": "vendor_unknown"}
    success = ItemOutcome(ItemStatus.SUCCESSFUL, START, "INV-1", "https://erp/1", **both)
    failure = ItemOutcome(ItemStatus.FAILED, START, "INV-2", "https://erp/2", **both)
    store.update_items(
        [company], job_id, [ItemUpdate(entries[0], success), ItemUpdate(entries[1], failure)]
    )
    job = store.get_job([company], job_id)
    assert job.items[0].outcome == ItemOutcome(
        ItemStatus.SUCCESSFUL, START, "INV-1", "https://erp/1"
    )
    assert job.items[1].outcome == ItemOutcome(ItemStatus.FAILED, **both)


def test_a_copied_job_keeps_every_field_and_changes_apart(store: Store) -> None:
    company, job_id, ids = _company_with_job(store)
    job = store.apply_event([company], job_id, JobEvent.STARTED)
    # Every field away from its default, so that one a copy leaves out shows.
    for spec in dataclasses.fields(job):
        if getattr(job, spec.name) in (None, False) and spec.name != "is_interactive":
            setattr(job, spec.name, True if spec.type == "bool" else f"{spec.name} set")
    job.is_interactive = False
    twin = job.copy()
    assert all(getattr(twin, s.name) == getattr(job, s.name) for s in dataclasses.fields(job))
    job.set_item_outcome(job.items[0], ItemOutcome(ItemStatus.FAILED))
    assert twin.status_counts[ItemStatus.FAILED] == 0
    assert twin.items[0].outcome.status is ItemStatus.PENDING
    assert twin.positions == {entry: n for n, entry in enumerate(ids)}
