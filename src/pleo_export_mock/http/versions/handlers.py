"""The v0-v2 operations: each the v3 handler of the same path, its answer in the version's shape.

Only what a version does differently is written here: the deprecated single `status` filter on
the job list, v0/v1's event answer, and the shapes of job items and export items.
"""

from __future__ import annotations

import dataclasses

from ...spec import LEGACY_SPEC_FILE, Spec, shipped_spec
from .. import errors
from .. import handlers as v3
from ..call import Call, Handler, Reply
from . import projections
from .export_items import project_page
from .pinning import api_version

LEGACY_PREFIXES = ("/v0/", "/v1/", "/v2/")


def legacy_spec() -> Spec:
    """Our spec of Pleo's v0, v1 and v2 operations."""
    return shipped_spec(LEGACY_SPEC_FILE)


def version_of(call: Call) -> str:
    """`v0`, `v1` or `v2`: the first segment of the operation's path."""
    return api_version(call.operation.path)


def list_jobs(call: Call) -> Reply:
    # `status` (deprecated, single) and `statuses` may both be sent: a job matching either is
    # listed. Both stay in the parameters the page echoes back.
    status = call.params.get("status")
    if status is None:
        return v3.list_jobs(call)
    statuses = [*call.params.get("statuses", []), status]
    return v3.list_jobs(dataclasses.replace(call, params={**call.params, "statuses": statuses}))


def create_event(call: Call) -> Reply:
    reply = v3.create_event(call)
    if version_of(call) == "v2":
        return reply
    # v0/v1 document a JSON answer with no schema; an empty object is the least it can be.
    return Reply(reply.status, {})


def _job_items(handler: Handler) -> Handler:
    def project(call: Call) -> Reply:
        reply = handler(call)
        return Reply(reply.status, projections.job_items_page(reply.body))

    return project


def list_export_items(call: Call) -> Reply:
    _refuse_multi_currency_wallets(call)
    reply = v3.list_export_items(call)
    return Reply(reply.status, project_page(version_of(call), call.operation, reply.body))


def _refuse_multi_currency_wallets(call: Call) -> None:
    """Pleo: with multi-currency wallets, v2's export items answer 400 UNSUPPORTED_API_VERSION
    (the older versions cannot express them either)."""
    job_id = call.params.get("job_id")
    scope = call.caller.company_ids
    companies = [call.store.get_job(scope, job_id).company_id] if job_id else scope
    if any(call.store.company(company).multi_currency_wallets for company in companies):
        raise errors.multi_currency_unsupported()


_BY_BASE: dict[str, Handler] = {
    "getExportItems": list_export_items,
    "createExportJobEvent": create_event,
    "getExportJobsList": list_jobs,
    "createExportJob": v3.create_job,  # the job is the same in every version
    "getExportJobById": v3.get_job,
    "getExportJobItems": _job_items(v3.list_job_items),
    "updateExportJobItems": _job_items(v3.update_job_items),
}


def _table(suffixes: tuple[str, ...]) -> dict[str, Handler]:
    return {base + suffix: handler for base, handler in _BY_BASE.items() for suffix in suffixes}


# v0's operationIds have no suffix, v1's end in V1, v2's in V2.
LEGACY_HANDLERS: dict[str, Handler] = _table(("", "V1", "V2"))
