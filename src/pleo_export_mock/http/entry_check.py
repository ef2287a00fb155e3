"""Entries added through the control plane must still be export items our spec allows.

Overrides are merged over generated data, so a caller could otherwise make the Export API
answer against its own spec later. Each new entry is checked in its served form, and a bad
one refuses the whole request before anything is added.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from ..domain.export_items import ExportItemRow
from ..domain.models import AccountingEntry, ExportJob
from ..spec import load_spec
from ..validation.checker import CompiledSchema, compile_schema, describe, json_path
from . import errors, serialize

PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # no field of a served item comes from its job's times


# Set by the sandbox when it serves an entry: overrides may not forge them.
OWNED_FIELDS = ("_links", "accountingEntryId", "companyId")


def check_new_entry(company_id: str, payload: dict[str, Any]) -> None:
    """Raise a 400 naming the first fields the merged overrides broke."""
    forged = [name for name in OWNED_FIELDS if name in payload]
    if forged:
        raise errors.ApiError(
            400,
            "INVALID_REQUEST",
            f"overrides.{forged[0]}: set by the sandbox, not by overrides",
        )
    served = serialize.export_item_v3(_as_row(company_id, payload))
    problems = [
        f"{json_path('overrides', error.absolute_path)}: {describe(error)}"
        for error in _item_schema().iter_errors(served)
    ]
    if problems:
        raise errors.ApiError(
            400,
            "INVALID_REQUEST",
            "the overrides make an export item the Export API spec does not allow: "
            + "; ".join(problems[:5]),
        )


def _as_row(company_id: str, payload: dict[str, Any]) -> ExportItemRow:
    entry = AccountingEntry.fixed(PLACEHOLDER_ID, company_id, payload)
    job = ExportJob(PLACEHOLDER_ID, company_id, 0, _EPOCH, vendor_based_bookkeeping=True)
    return ExportItemRow(entry, job)


@functools.cache
def _item_schema() -> CompiledSchema:
    """ExportItemV3 as our spec serves it in a page of GET /v3/export-items."""
    page = load_spec().operation("getExportItemsV3").responses["200"] or {}
    return compile_schema(page["properties"]["data"]["items"])
