"""The orders a list is paged in: Pleo's sortable fields, or the list's natural order.

Each ordering carries a tag naming the list and its sort, so a cursor from one list or sort
is never taken for a position in another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import ExportJob, ItemStatus, JobItem
from .pagination import Ordering, PageRequest
from .sorting import sort_rows

JOB_SORT_FIELDS: dict[str, Callable[[ExportJob], Any]] = {
    "createdAt": lambda job: job.created_at,
    "lastUpdatedAt": lambda job: job.last_updated_at,
    "startedAt": lambda job: job.started_at,
    "completedAt": lambda job: job.completed_at,
    "status": lambda job: job.status.value,
    "numberOfItems": lambda job: job.number_of_items,
    "id": lambda job: job.id,
}
ITEM_SORT_FIELDS: dict[str, Callable[[JobItem], Any]] = {
    "accountingEntryId": lambda item: item.accounting_entry_id,
    "status": lambda item: item.outcome.status.value,
    "exportedAt": lambda item: item.outcome.exported_at,
}


def order_rows(
    name: str,
    rows: list[Any],
    request: PageRequest,
    fields: dict[str, Callable[[Any], Any]],
    identity: Callable[[Any], str],
) -> Ordering[Any]:
    """`rows` sorted as the request asks, indexed by `identity` for cursors."""
    if request.sorting_keys:
        rows = sort_rows(rows, request.sorting_keys, request.sorting_order, fields)
    index = {identity(row): position for position, row in enumerate(rows)}
    tag = f"{name}|{','.join(request.sorting_keys)}|{','.join(request.sorting_order)}"
    return Ordering(rows, identity, index.get, tag)


def order_items(
    job: ExportJob, request: PageRequest, list_name: str = "items"
) -> Ordering[JobItem]:
    """A job's items in the request's order; `list_name` keeps the job-item and
    export-item lists' cursors apart."""
    if request.sorting_keys:
        return order_rows(
            f"{list_name}:{job.id}",
            job.items,
            request,
            ITEM_SORT_FIELDS,
            lambda item: item.accounting_entry_id,
        )
    # Natural order: the job's own list and position index, no copying.
    return Ordering(
        job.items,
        lambda item: item.accounting_entry_id,
        job.positions.get,
        f"{list_name}:{job.id}||",
    )


def items_of_entries(
    jobs: list[ExportJob], entry_ids: frozenset[str], status: ItemStatus | None
) -> list[JobItem]:
    """Every item, across `jobs`, of the given entries (in `status`, when given)."""
    return [
        item
        for job in jobs
        for item in job.items
        if item.accounting_entry_id in entry_ids
        and (status is None or item.outcome.status is status)
    ]


def order_search(rows: list[JobItem], request: PageRequest) -> Ordering[JobItem]:
    """The search's own ordering: an item is known by its job and entry."""
    return order_rows(
        "search",
        rows,
        request,
        ITEM_SORT_FIELDS,
        lambda item: f"{item.job_id}/{item.accounting_entry_id}",
    )
