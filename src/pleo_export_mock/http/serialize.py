"""Domain objects -> Pleo's v3 wire shapes, field by field; nullable fields are sent as null.

The serializers here write every nullable field. `with_nulls` keeps that promise for answers
that carry generated data too: it fills each nullable property the spec declares and the data
leaves out (a generated payload without a `subType`, say), so a connector may index any of them
as it can on Pleo. Handlers whose answers only these serializers build skip it (handlers.py).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.clock import format_timestamp
from ..domain.export_items import ExportItemRow
from ..domain.item_updates import ItemUpdateError
from ..domain.lifecycle import JOB_EXPIRY_SECONDS
from ..domain.models import ExportJob, JobItem
from ..domain.pagination import Page, PageRequest
from ..spec.model import JsonSchema

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


def with_nulls(value: Any, schema: JsonSchema) -> Any:
    """`value` with every nullable property its schema declares present, as null if left out.

    Only the parts of `value` under such a property are copied, never filled in place: stored
    payloads are shared by concurrent requests and must not change under them.
    """
    plan = _null_plan(schema)
    return value if plan is None else plan.apply(value)


@dataclass(frozen=True, slots=True)
class _NullPlan:
    """Where, under one schema, nullable properties may be missing; other parts are left out."""

    nulls: tuple[str, ...]  # this object's nullable properties
    properties: dict[str, _NullPlan]  # properties with nullable properties below them
    items: _NullPlan | None  # an array's elements
    extra: _NullPlan | None  # additionalProperties: every key not declared
    declared: frozenset[str]
    null_keys: frozenset[str]  # `nulls`, for one subset test in the common case

    def apply(self, value: Any) -> Any:
        """`value` filled; `value` itself when nothing under it was missing (the usual case:
        the serializers send every nullable field), so a complete answer costs no copy."""
        if isinstance(value, list) and self.items is not None:
            filled_list = [self.items.apply(element) for element in value]
            same = all(map(operator.is_, filled_list, value))
            return value if same else filled_list
        if not isinstance(value, dict):
            return value
        changed: dict[str, Any] = {}
        if not self.null_keys <= value.keys():
            changed = {key: None for key in self.nulls if key not in value}
        for key, plan in self.properties.items():
            item = value.get(key)
            if item is not None and (below := plan.apply(item)) is not item:
                changed[key] = below
        if self.extra is not None:
            for key, item in value.items():
                if key not in self.declared and (below := self.extra.apply(item)) is not item:
                    changed[key] = below
        return {**value, **changed} if changed else value


# id(schema) -> (schema, its plan); the schema is kept so that its id is never reused.
_PLANS: dict[int, tuple[JsonSchema, _NullPlan | None]] = {}


def _null_plan(schema: JsonSchema) -> _NullPlan | None:
    cached = _PLANS.get(id(schema))
    if cached is None:
        cached = _PLANS[id(schema)] = (schema, _build_plan(schema))
    return cached[1]


def _build_plan(schema: JsonSchema) -> _NullPlan | None:
    properties: dict[str, JsonSchema] = schema.get("properties", {})
    below = {key: _sub_plan(sub) for key, sub in properties.items()}
    plan = _NullPlan(
        nulls=tuple(key for key, sub in properties.items() if _allows_null(sub)),
        properties={key: sub for key, sub in below.items() if sub is not None},
        items=_sub_plan(schema.get("items")),
        extra=_sub_plan(schema.get("additionalProperties")),
        declared=frozenset(properties),
        null_keys=frozenset(key for key, sub in properties.items() if _allows_null(sub)),
    )
    empty = not (plan.nulls or plan.properties or plan.items or plan.extra)
    return None if empty else plan


def _sub_plan(schema: Any) -> _NullPlan | None:
    return _null_plan(schema) if isinstance(schema, dict) else None


def _allows_null(schema: JsonSchema) -> bool:
    """The spec's schemas are JSON Schema here: `nullable` has become a "null" type."""
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


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
