"""Accounting entries as a connector reads them: inside the open export jobs that hold them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import AccountingEntry, ExportJob
from .orderings import order_items, order_rows
from .pagination import Page, PageRequest, paginate

EntriesOf = Callable[[ExportJob], dict[str, AccountingEntry]]


@dataclass(frozen=True, slots=True)
class ExportItemRow:
    """An accounting entry as it is served inside a given export job."""

    entry: AccountingEntry
    job: ExportJob


def export_item_page(
    jobs: list[ExportJob], entries_of: EntriesOf, request: PageRequest
) -> Page[ExportItemRow]:
    """One page of the entries of `jobs`, each beside the job it is served in."""
    if len(jobs) == 1:  # the common case keeps O(limit) paging
        return _one_job_page(jobs[0], entries_of(jobs[0]), request)
    rows = [
        ExportItemRow(entries_of(job)[item.accounting_entry_id], job)
        for job in jobs
        for item in job.items
    ]
    ordering = order_rows(
        "export-items",
        rows,
        request,
        {"accountingEntryId": lambda row: row.entry.id},
        lambda row: row.entry.id,
    )
    return paginate(ordering, request)


def _one_job_page(
    job: ExportJob, entries: dict[str, AccountingEntry], request: PageRequest
) -> Page[ExportItemRow]:
    page = paginate(order_items(job, request, "export-items"), request)
    rows = [ExportItemRow(entries[item.accounting_entry_id], job) for item in page.rows]
    return Page(
        rows, page.has_next, page.has_previous, page.start_cursor, page.end_cursor, page.total
    )
