"""Jobs and job items in the v0-v2 shapes, from the v3 wire shape.

Jobs carry the same fields in every version (only v3 types some as plain strings), so they pass
as they are. Job items differ in one enum: v0-v2 know 14 item failure reasons, v3 18.
"""

from __future__ import annotations

from typing import Any

# The four item failure reasons v3 added. Each says the accounting system rejected a value the
# entry carried, which is what v0-v2's `accounting_system_validation_failure` says.
V3_ONLY_ITEM_FAILURE_REASONS = frozenset(
    {"vendor_unknown", "account_unknown", "tax_code_unknown", "tag_unknown"}
)
OLDER_ITEM_FAILURE_REASON = "accounting_system_validation_failure"


def job_item(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("failureReasonType") in V3_ONLY_ITEM_FAILURE_REASONS:
        return {**item, "failureReasonType": OLDER_ITEM_FAILURE_REASON}
    return item


def job_items_page(body: dict[str, Any]) -> dict[str, Any]:
    """A page of job items, or an items update answer (`data` and `errors`)."""
    return {**body, "data": [job_item(item) for item in body["data"]]}
