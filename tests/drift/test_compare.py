"""The comparison on small documents: its edge cases, and the classes it gives."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.drift.allowances import Allowances
from pleo_export_mock.drift.classify import classify
from pleo_export_mock.drift.compare import compare
from pleo_export_mock.drift.model import Delta, Direction, Impact, Kind

NODE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    },
}


def document(responses: dict[Any, Any] | None = None) -> dict[str, Any]:
    answer = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}
    operation = {"operationId": "getTree", "responses": responses or {"200": answer}}
    return {
        "openapi": "3.0.3",
        "paths": {"/v3/tree": {"get": operation}},
        "components": {"schemas": {"Node": copy.deepcopy(NODE)}},
    }


def lines(pleo: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    return [c.line for c in compare(pleo, ours, Allowances()).changes if c.is_drift]


def test_a_recursive_schema_is_walked_once_and_still_compared() -> None:
    pleo, ours = document(), document()
    assert lines(pleo, ours) == []
    pleo["components"]["schemas"]["Node"]["properties"]["name"]["format"] = "uuid"
    assert "GET /v3/tree response 200 body: name format differs: pleo 'uuid', ours <absent>" in (
        lines(pleo, ours)
    )


def test_a_status_written_as_a_number_is_the_same_status() -> None:
    ours = document()
    pleo = document({200: ours["paths"]["/v3/tree"]["get"]["responses"]["200"]})
    assert lines(pleo, ours) == []


def test_changes_are_read_from_ours_towards_pleos() -> None:
    ours = document()
    pleo = document()
    pleo["paths"]["/v3/tree"]["get"]["responses"]["429"] = {"description": "slow down"}
    (change,) = compare(pleo, ours, Allowances()).changes
    assert (change.kind, change.delta, change.direction) == (
        Kind.STATUS, Delta.ADDED, Direction.RESPONSE,
    )  # fmt: skip
    assert change.impact is Impact.BREAKING and change.operation == "getTree"


@pytest.mark.parametrize(
    ("kind", "delta", "direction", "required", "impact"),
    [
        (Kind.ENUM_VALUE, Delta.ADDED, Direction.RESPONSE, False, Impact.BREAKING),
        (Kind.ENUM_VALUE, Delta.ADDED, Direction.REQUEST, False, Impact.ADDITIVE),
        (Kind.ENUM_VALUE, Delta.REMOVED, Direction.REQUEST, False, Impact.BREAKING),
        (Kind.ENUM_VALUE, Delta.REMOVED, Direction.RESPONSE, False, Impact.ADDITIVE),
        (Kind.PARAMETER, Delta.ADDED, Direction.REQUEST, False, Impact.ADDITIVE),
        (Kind.PARAMETER, Delta.ADDED, Direction.REQUEST, True, Impact.BREAKING),
        (Kind.PARAMETER, Delta.REMOVED, Direction.REQUEST, False, Impact.BREAKING),
        (Kind.NULLABLE, Delta.ADDED, Direction.RESPONSE, False, Impact.BREAKING),
        (Kind.NULLABLE, Delta.ADDED, Direction.REQUEST, False, Impact.ADDITIVE),
        (Kind.PROPERTY, Delta.ADDED, Direction.RESPONSE, False, Impact.ADDITIVE),
        (Kind.PROPERTY, Delta.REMOVED, Direction.RESPONSE, False, Impact.BREAKING),
        (Kind.REQUIRED, Delta.ADDED, Direction.REQUEST, False, Impact.BREAKING),
        (Kind.REQUIRED, Delta.REMOVED, Direction.RESPONSE, False, Impact.BREAKING),
        (Kind.OPERATION, Delta.REMOVED, Direction.DOCUMENT, False, Impact.BREAKING),
        (Kind.OPERATION, Delta.ADDED, Direction.DOCUMENT, False, Impact.ADDITIVE),
        (Kind.ERROR_CODE, Delta.ADDED, Direction.RESPONSE, False, Impact.BREAKING),
        (Kind.TYPE, Delta.CHANGED, Direction.RESPONSE, False, Impact.BREAKING),
    ],
)
def test_each_class_follows_the_decisions_table(
    kind: Kind, delta: Delta, direction: Direction, required: bool, impact: Impact
) -> None:
    assert classify(kind, delta, direction, required=required)[0] is impact


def test_the_decisions_name_every_kind_of_change() -> None:
    decisions = (Path(__file__).resolve().parents[2] / "docs" / "decisions.md").read_text()
    drift = decisions.split("## Drift", 1)[1]
    missing = [kind for kind in Kind if kind is not Kind.SCHEMA and str(kind) not in drift]
    assert missing == []
