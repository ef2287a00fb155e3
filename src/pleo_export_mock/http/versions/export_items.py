"""The export item (the data layer) in each older version's shape, from the v3 payload.

Each version is a few renames and fills on top of the next newer one, then the payload is cut
to the properties the version's schema knows (`fit`), so a field v3 added never leaks into v2.
A value the version cannot express at all (an item type v0 lacks, a string outside v2's enum)
is not bent into something else: the page is refused with Pleo's UNSUPPORTED_API_VERSION.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...spec.model import Operation
from ...validation.checker import CompiledSchema, compile_schema, describe, json_path
from .. import errors

Item = dict[str, Any]


def to_v2(item: Item) -> Item:
    projected = dict(item)
    team = item.get("team")
    projected["teamCode"] = team.get("code") if isinstance(team, dict) else None
    if projected.get("vendor") is None:
        projected.pop("vendor", None)  # VendorV2 is optional but not nullable
    return projected


def to_v1(item: Item) -> Item:
    projected = to_v2(item)
    if projected.get("user") is None:
        # ExportItemUserV1 is required and not nullable, while its `id` is required and
        # nullable: that is how v1 says "no person" (company spend, supplier invoices).
        projected["user"] = {"id": None, "code": None, "name": ""}
    return projected


def to_v0(item: Item) -> Item:
    projected = to_v1(item)
    projected["metadata"] = projected.pop("additionalInformation", None)
    supplier = projected.get("supplier")
    if isinstance(supplier, dict):
        projected["supplier"] = {**supplier, "identifier": supplier.get("code")}
    return projected


PROJECTIONS: dict[str, Callable[[Item], Item]] = {"v0": to_v0, "v1": to_v1, "v2": to_v2}


def fit(value: Any, schema: dict[str, Any]) -> Any:
    """`value` with every object property the schema does not name left out, at every depth."""
    if isinstance(value, dict) and "properties" in schema:
        known = schema["properties"]
        return {key: fit(sub, known[key]) for key, sub in value.items() if key in known}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [fit(sub, schema["items"]) for sub in value]
    return value


def project_page(version: str, operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """A v3 page of export items as `operation` (an older version's) answers it."""
    schema, validator = _item_schema(operation)
    data = []
    for item in body["data"]:
        projected = fit(PROJECTIONS[version](item), schema)
        error = next(iter(validator.iter_errors(projected)), None)
        if error is not None:
            where = json_path("exportItem", error.absolute_path)
            raise errors.unsupported_api_version(
                f"cannot express accounting entry {item['accountingEntryId']} "
                f"({where}: {describe(error)})"
            )
        data.append(projected)
    return {**body, "data": data}


def _item_schema(operation: Operation) -> tuple[dict[str, Any], CompiledSchema]:
    """The export item schema of `operation`, compiled once per process (a race only compiles
    it twice)."""
    found = _compiled.get(operation.operation_id)
    if found is None:
        success = operation.responses.get("200") or operation.responses.get("default") or {}
        schema = success["properties"]["data"]["items"]
        found = _compiled[operation.operation_id] = (schema, compile_schema(schema))
    return found


_compiled: dict[str, tuple[dict[str, Any], CompiledSchema]] = {}
