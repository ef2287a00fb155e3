"""One small function per Export API v3 operation: read the call, ask the store, shape it."""

from __future__ import annotations

import functools
from typing import Any

from ..domain.item_updates import ItemUpdate
from ..domain.models import ItemOutcome, ItemStatus, JobEvent, JobStatus
from ..domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from ..validation.checker import parse_date_time
from . import errors, receipts, serialize
from .auth import company_scope
from .call import Call, Handler, Reply
from .errors import ApiError

PAGE_PARAMS = ("before", "after", "offset", "limit", "sorting_keys", "sorting_order")


def list_jobs(call: Call) -> Reply:
    scope = company_scope(call.caller, call.params.get("company_id"), required=True)
    statuses = [JobStatus(value) for value in call.params.get("statuses", [])]
    request = page_request(call)
    page = call.store.list_jobs(scope, statuses, request)
    now = call.store.now()
    data = [serialize.job_v3(job, now) for job in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def create_job(call: Call) -> Reply:
    body = call.body
    company_id = body["companyId"]
    company_scope(call.caller, company_id, required=True)
    options = body.get("options") or {}
    interactive = body.get("isInteractive")
    job = call.store.create_job(
        company_id,
        body["accountingEntryIds"],
        created_by=body.get("employeeId"),
        is_interactive=True if interactive is None else interactive,
        vendor_based_bookkeeping=bool(options.get("vendorBasedBookkeeping")),
    )
    return Reply(201, {"data": serialize.job_v3(job, call.store.now())})


def get_job(call: Call) -> Reply:
    job = call.store.get_job(call.caller.company_ids, call.params["jobId"])
    return Reply(200, {"data": serialize.job_v3(job, call.store.now())})


def list_job_items(call: Call) -> Reply:
    status = call.params.get("status")
    request = page_request(call)
    page = call.store.list_job_items(
        call.caller.company_ids,
        call.params["jobId"],
        None if status is None else ItemStatus(status),
        request,
    )
    data = [serialize.job_item_v3(item) for item in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def update_job_items(call: Call) -> Reply:
    updates = [_item_update(raw) for raw in call.body]
    result = call.store.update_items(call.caller.company_ids, call.params["jobId"], updates)
    return Reply(
        200,
        {
            "data": [serialize.job_item_v3(item) for item in result.updated],
            "errors": [serialize.update_error_v3(error) for error in result.errors],
        },
    )


def create_event(call: Call) -> Reply:
    body = call.body
    call.store.apply_event(
        call.caller.company_ids,
        body["jobId"],
        JobEvent(body["event"]),
        failure_reason=body.get("failureReason"),
        failure_reason_type=body.get("failureReasonType"),
    )
    return Reply(202)


def list_export_items(call: Call) -> Reply:
    request = page_request(call)
    page = call.store.export_items(call.caller.company_ids, call.params.get("job_id"), request)
    file_url = receipts.link_maker(call.state, call.request.host_url, call.sandbox.now())
    data = [serialize.export_item_v3(row, file_url) for row in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def find_job_item(call: Call) -> Reply:
    # Optional in Pleo's signature (kept as Pleo has it), yet the lookup needs it.
    entry_id = call.params.get("accounting_entry_id")
    if entry_id is None:
        raise errors.missing_parameter("accounting_entry_id")
    scope = company_scope(call.caller, call.params.get("company_id"), required=True)
    item = call.store.find_job_item(scope, entry_id)
    return Reply(200, {"data": serialize.job_item_v3(item)})


def search_job_items(call: Call) -> Reply:
    scope = company_scope(call.caller, call.params.get("company_id"), required=True)
    status = call.body.get("status")
    request = page_request(call)
    page = call.store.search_job_items(
        scope,
        call.body["accountingEntryIds"],
        None if status is None else ItemStatus(status),
        request,
    )
    data = [serialize.job_item_v3(item) for item in page.rows]
    return Reply(200, serialize.paginated(data, page, request, filters(call)))


def answering_in_full(handler: Handler) -> Handler:
    """The handler, with every nullable property of its answer's schema present (as null)."""

    @functools.wraps(handler)
    def answer(call: Call) -> Reply:
        reply = handler(call)
        schema = call.operation.responses.get(str(reply.status))
        if schema is None or reply.body is None:
            return reply
        filled = serialize.with_nulls(reply.body, schema)
        if filled is reply.body:  # the usual case: the serializers send every field
            return reply
        return Reply(reply.status, filled, reply.media_type, reply.headers)

    return answer


# Answers the serializers build field by field, every nullable field in them, so there is
# nothing to fill: tests/http/test_nullable_fields.py reads each of these on every scenario.
_SERIALIZED_IN_FULL: dict[str, Handler] = {
    "getExportJobsListV3": list_jobs,
    "getExportJobByIdV3": get_job,
    "getExportJobItemsV3": list_job_items,
    "getExportJobItemByAccountingEntryIdV3": find_job_item,
}
_FILLED: dict[str, Handler] = {
    "createExportJobV3": create_job,
    "updateExportJobItemsV3": update_job_items,
    "createExportJobEventV3": create_event,
    "getExportItemsV3": list_export_items,  # generated payloads may leave a nullable out
    "searchExportJobItemsV3": search_job_items,
}
HANDLERS: dict[str, Handler] = {
    **_SERIALIZED_IN_FULL,
    **{name: answering_in_full(handler) for name, handler in _FILLED.items()},
}
# Handlers that change nothing in the state, the journal aside: a reset after nothing but
# these keeps the state in place, which is still the scenario's first moment (Sandbox.
# read_state). tests/test_untouched_state.py holds each to it on every shipped scenario.
READERS: dict[str, Handler] = {
    "getExportJobsListV3": list_jobs,
    "getExportJobByIdV3": get_job,
    "getExportJobItemsV3": list_job_items,
    "getExportJobItemByAccountingEntryIdV3": find_job_item,
}


def page_request(call: Call) -> PageRequest:
    params = call.params
    limit = params.get("limit", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        if not call.settings.clamp_limit:
            raise ApiError(
                400,
                "INVALID_PAGINATION",
                f"query parameter 'limit': {limit} is above the maximum of {MAX_LIMIT}",
            )
        limit = MAX_LIMIT
    return PageRequest(
        before=params.get("before"),
        after=params.get("after"),
        offset=params.get("offset"),
        limit=limit,
        sorting_keys=tuple(params.get("sorting_keys", ())),
        sorting_order=tuple(params.get("sorting_order", ())),
    )


def filters(call: Call) -> dict[str, list[str]]:
    """The non-pagination query parameters, echoed in currentRequestPagination.parameters."""
    echoed: dict[str, list[str]] = {}
    for parameter in call.operation.parameters:
        value = call.params.get(parameter.name)
        if parameter.location != "query" or parameter.name in PAGE_PARAMS or value is None:
            continue
        echoed[parameter.name] = (
            [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )
    return echoed


def _item_update(raw: dict[str, Any]) -> ItemUpdate:
    exported_at = raw.get("exportedAt")
    outcome = ItemOutcome(
        status=ItemStatus(raw["status"]),
        exported_at=None if exported_at is None else parse_date_time(exported_at),
        external_id=raw.get("externalId"),
        external_url=raw.get("externalUrl"),
        failure_reason=raw.get("failureReason"),
        failure_reason_type=raw.get("failureReasonType"),
    )
    return ItemUpdate(raw["accountingEntryId"], outcome)
