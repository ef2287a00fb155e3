"""Cursor and offset paging, as a connector walking a job's items experiences it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from pleo_export_mock.domain.clock import FrozenClock
from pleo_export_mock.domain.errors import InvalidPage
from pleo_export_mock.domain.ids import IdFactory
from pleo_export_mock.domain.item_updates import ItemUpdate
from pleo_export_mock.domain.models import ItemOutcome, ItemStatus, JobEvent
from pleo_export_mock.domain.pagination import PageRequest
from pleo_export_mock.domain.store import Store

CURSOR = re.compile(r"^[A-Z2-7=~]+$")


@pytest.fixture
def job() -> tuple[Store, str, str, list[str]]:
    store = Store(FrozenClock(datetime(2026, 1, 1, tzinfo=UTC)), IdFactory(3))
    company = store.add_company("Acme").id
    entries = [store.add_entry(company, {}).id for _ in range(25)]
    job_id = store.create_job(company, entries).id
    return store, company, job_id, entries


def _walk_forward(
    store: Store, company: str, job_id: str, limit: int, status: ItemStatus | None = None
) -> list[str]:
    seen: list[str] = []
    request = PageRequest(limit=limit)
    while True:
        page = store.list_job_items([company], job_id, status, request)
        seen += [item.accounting_entry_id for item in page.rows]
        if not page.has_next:
            return seen
        assert page.end_cursor is not None and CURSOR.match(page.end_cursor)
        request = PageRequest(after=page.end_cursor, limit=limit)


def test_after_cursors_visit_every_item_once(job: tuple[Store, str, str, list[str]]) -> None:
    store, company, job_id, entries = job
    assert _walk_forward(store, company, job_id, limit=7) == entries


def test_before_cursor_walks_back(job: tuple[Store, str, str, list[str]]) -> None:
    store, company, job_id, entries = job
    last = store.list_job_items([company], job_id, None, PageRequest(offset=20, limit=5))
    assert not last.has_next and last.has_previous and last.total == 25
    previous = store.list_job_items(
        [company], job_id, None, PageRequest(before=last.start_cursor, limit=5)
    )
    assert [i.accounting_entry_id for i in previous.rows] == entries[15:20]
    assert previous.has_next and previous.has_previous


def test_status_filter_counts_and_pages(job: tuple[Store, str, str, list[str]]) -> None:
    store, company, job_id, entries = job
    store.apply_event([company], job_id, JobEvent.STARTED)
    store.update_items(
        [company], job_id, [ItemUpdate(e, ItemOutcome(ItemStatus.SUCCESSFUL)) for e in entries[::2]]
    )
    pending = _walk_forward(store, company, job_id, 4, ItemStatus.PENDING)
    assert pending == entries[1::2]
    page = store.list_job_items([company], job_id, ItemStatus.SUCCESSFUL, PageRequest(limit=1))
    assert page.total == 13


def test_paging_while_items_change_skips_nothing(job: tuple[Store, str, str, list[str]]) -> None:
    """A connector that marks items done between pages of `status=pending` still sees them all."""
    store, company, job_id, entries = job
    store.apply_event([company], job_id, JobEvent.STARTED)
    seen: list[str] = []
    request = PageRequest(limit=5)
    while True:
        page = store.list_job_items([company], job_id, ItemStatus.PENDING, request)
        batch = [item.accounting_entry_id for item in page.rows]
        seen += batch
        store.update_items(
            [company], job_id, [ItemUpdate(e, ItemOutcome(ItemStatus.IN_PROGRESS)) for e in batch]
        )
        if not page.has_next:
            break
        request = PageRequest(after=page.end_cursor, limit=5)
    assert seen == entries


def test_sorting_by_keys_and_orders(job: tuple[Store, str, str, list[str]]) -> None:
    store, company, job_id, entries = job
    request = PageRequest(limit=100, sorting_keys=("accountingEntryId",), sorting_order=("DESC",))
    page = store.list_job_items([company], job_id, None, request)
    assert [i.accounting_entry_id for i in page.rows] == sorted(entries, reverse=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"after": "ABC", "offset": 1},
        {"before": "ABC", "after": "ABC"},
        {"sorting_keys": ("status",), "sorting_order": ("ASC", "DESC")},
    ],
)
def test_contradictory_page_requests_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidPage):
        PageRequest(**kwargs)  # type: ignore[arg-type]


def test_foreign_and_garbage_cursors_are_refused(job: tuple[Store, str, str, list[str]]) -> None:
    store, company, job_id, _ = job
    jobs_page = store.list_jobs([company], [], PageRequest(limit=1))
    for cursor in ("AAAA", jobs_page.end_cursor):
        with pytest.raises(InvalidPage):
            store.list_job_items([company], job_id, None, PageRequest(after=cursor))
    with pytest.raises(InvalidPage):
        store.list_job_items([company], job_id, None, PageRequest(limit=5, sorting_keys=("nope",)))
