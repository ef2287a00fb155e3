"""Domain objects -> Pleo's v3 wire shapes, field by field; nullable fields are sent as null."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.clock import format_timestamp
from ..domain.export_items import ExportItemRow
from ..domain.item_updates import ItemUpdateError
from ..domain.lifecycle import JOB_EXPIRY_SECONDS
from ..domain.models import ExportJob, JobItem
from ..domain.pagination import Page, PageRequest

LINK_BASE = "https://app.sandbox.pleo.invalid"


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


def job_v3(job: ExportJob, now: datetime) -> dict[str, Any]:
    return {
        "id": job.id,
        "companyId": job.company_id,
        "status": job.status.value,
        "createdAt": format_timestamp(job.created_at),
        "createdBy": job.created_by,
        "startedAt": _time(job.started_at),
        "completedAt": _time(job.completed_at),
        "lastUpdatedAt": _time(job.last_updated_at),
        "expiresIn": expires_in(job, now),
        "expiredAt": _time(job.expired_at),
        "failureReason": job.failure_reason,
        "failureReasonType": job.failure_reason_type,
        "isInteractive": job.is_interactive,
        "numberOfItems": job.number_of_items,
        "vendorBasedBookkeeping": job.vendor_based_bookkeeping,
    }


def expires_in(job: ExportJob, now: datetime) -> int:
    """Seconds left before the job expires; 0 once it is finished."""
    if not job.status.is_open:
        return 0
    left = JOB_EXPIRY_SECONDS - (now - job.last_activity).total_seconds()
    return max(0, int(left))


def job_item_v3(item: JobItem) -> dict[str, Any]:
    outcome = item.outcome
    return {
        "exportJobId": item.job_id,
        "accountingEntryId": item.accounting_entry_id,
        "status": outcome.status.value,
        "exportedAt": _time(outcome.exported_at),
        "externalId": outcome.external_id,
        "externalUrl": outcome.external_url,
        "failureReason": outcome.failure_reason,
        "failureReasonType": outcome.failure_reason_type,
    }


def export_item_v3(
    row: ExportItemRow, file_url: Callable[[str, str], str] | None = None
) -> dict[str, Any]:
    """An export item; `file_url(company id, stored url)` gives each receipt its fetched link."""
    entry = row.entry
    links = {"exportItem": f"{LINK_BASE}/accounting/entries/{entry.id}"}
    body: dict[str, Any] = {
        "_links": {
            "web": links,
            "mobile": links,
            "api": {"exportItem": f"/v3/export-job-items?accounting_entry_id={entry.id}"},
        },
        "accountingEntryId": entry.id,
        "companyId": entry.company_id,
        **entry.payload,
    }
    if not row.job.vendor_based_bookkeeping:
        # Vendor and bookkeeping data come only with vendor-based bookkeeping jobs.
        body["vendor"] = None
        body["bookkeeping"] = None
    files = body.get("files")
    if file_url is not None and isinstance(files, list):
        body["files"] = [_linked(file, entry.company_id, file_url) for file in files]
    return body


def _linked(file: Any, company_id: str, file_url: Callable[[str, str], str]) -> Any:
    if not isinstance(file, dict) or not isinstance(file.get("url"), str):
        return file  # hostile data stays as it was generated
    return {**file, "url": file_url(company_id, file["url"])}


def update_error_v3(error: ItemUpdateError) -> dict[str, Any]:
    return {
        "accountingEntryId": error.accounting_entry_id,
        "message": error.message,
        "type": error.type,
    }


def paginated(
    data: list[dict[str, Any]], page: Page[Any], request: PageRequest, filters: dict[str, list[str]]
) -> dict[str, Any]:
    current: dict[str, Any] = {"parameters": filters, "limit": request.limit}
    optional = {"after": request.after, "before": request.before, "offset": request.offset}
    current.update({key: value for key, value in optional.items() if value is not None})
    if request.sorting_keys:
        current["sortingKeys"] = list(request.sorting_keys)
        current["sortingOrder"] = list(request.sorting_order) or ["ASC"] * len(request.sorting_keys)
    pagination: dict[str, Any] = {
        "currentRequestPagination": current,
        "hasNextPage": page.has_next,
        "hasPreviousPage": page.has_previous,
        "total": page.total,
    }
    if page.start_cursor is not None:
        pagination["startCursor"] = page.start_cursor
        pagination["endCursor"] = page.end_cursor
    return {"data": data, "pagination": pagination}
