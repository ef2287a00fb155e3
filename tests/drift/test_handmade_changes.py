"""Hand-made changes to Pleo's spec are each reported with the right class and mapping.

Each change is made to a copy of our own spec (so these always run) and, when it is here, to
Pleo's published one: drift must report the same thing either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.drift import Delta, Direction, Impact, Kind, drift
from pleo_export_mock.drift.run import Found

from .specs import base_document, write

BASES = ("ours", "pleo")
JOB = "/v3/export-jobs/{jobId}"


@dataclass(frozen=True)
class Expected:
    line: str  # the change's `where: what`, exactly
    kind: Kind
    delta: Delta
    direction: Direction
    impact: Impact
    rules: set[str]  # among the rules that judge the operation in particular
    scenarios: set[str]  # among the scenarios that touch it
    not_scenarios: set[str] = frozenset()  # type: ignore[assignment]


def schemas(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


def add_job_status(document: dict[str, Any]) -> None:
    """Pleo adds `archived` to the job statuses (and so, for us, to ExportJobV3.status)."""
    schemas(document)["ExportJobStatus"]["enum"].append("archived")
    status = schemas(document)["ExportJobV3"]["properties"]["status"]
    if "enum" in status:  # ours writes the values out; Pleo's points at ExportJobStatus
        status["enum"].append("archived")


def drop_item_page_limit(document: dict[str, Any]) -> None:
    parameters = document["paths"][JOB + "/items"]["get"]["parameters"]
    parameters[:] = [
        p for p in parameters if "PageLimit" not in p.get("$ref", "") and p.get("name") != "limit"
    ]


def null_number_of_items(document: dict[str, Any]) -> None:
    schemas(document)["ExportJobV3"]["properties"]["numberOfItems"]["nullable"] = True


def drop_get_job(document: dict[str, Any]) -> None:
    del document["paths"][JOB]


def add_failed_item_reason(document: dict[str, Any]) -> None:
    schemas(document)["ExportJobItemFailureReasonType"]["enum"].append("erp_on_fire")


def require_company_id(document: dict[str, Any]) -> None:
    parameters = document["paths"]["/v3/export-jobs"]["get"]["parameters"]
    parameters.append(
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    )


CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], Expected]] = {
    "a new enum value in an answer": (
        add_job_status,
        Expected(
            f"GET {JOB} response 200 body: data.status enum lacks 'archived'",
            Kind.ENUM_VALUE, Delta.ADDED, Direction.RESPONSE, Impact.BREAKING,
            rules={"eligible-jobs-only"}, scenarios=set(), not_scenarios={"pending", "failed"},
        ),
    ),
    "the same value as a filter a connector may send": (
        add_job_status,
        Expected(
            "GET /v3/export-jobs param 'statuses': items enum lacks 'archived'",
            Kind.ENUM_VALUE, Delta.ADDED, Direction.REQUEST, Impact.ADDITIVE,
            rules={"no-hot-polling", "oldest-first"}, scenarios={"flaky_network", "rate_limited"},
        ),
    ),
    "a removed parameter": (
        drop_item_page_limit,
        Expected(
            f"GET {JOB}/items: adds param 'limit' (query) that Pleo does not have",
            Kind.PARAMETER, Delta.REMOVED, Direction.REQUEST, Impact.BREAKING,
            rules={"read-all-item-pages", "all-items-reported"}, scenarios={"flaky_network"},
            not_scenarios={"pending"},
        ),
    ),
    "a newly nullable property": (
        null_number_of_items,
        Expected(
            f"GET {JOB} response 200 body: "
            "data.numberOfItems nullable differs: pleo True, ours False",
            Kind.NULLABLE, Delta.ADDED, Direction.RESPONSE, Impact.BREAKING,
            rules={"eligible-jobs-only"}, scenarios=set(),
        ),
    ),
    "a removed operation": (
        drop_get_job,
        Expected(
            f"GET {JOB}: adds operation 'getExportJobByIdV3' that Pleo does not have",
            Kind.OPERATION, Delta.REMOVED, Direction.DOCUMENT, Impact.BREAKING,
            rules={"eligible-jobs-only"}, scenarios=set(),
        ),
    ),
    "a failure reason a connector may now send": (
        add_failed_item_reason,
        Expected(
            f"PUT {JOB}/items request body: items.failureReasonType enum lacks 'erp_on_fire'",
            Kind.ENUM_VALUE, Delta.ADDED, Direction.REQUEST, Impact.ADDITIVE,
            rules={"failure-has-reason", "batch-limit"}, scenarios={"rate_limited"},
        ),
    ),
    "a new required parameter": (
        require_company_id,
        Expected(
            "GET /v3/export-jobs: lacks param 'region' (query)",
            Kind.PARAMETER, Delta.ADDED, Direction.REQUEST, Impact.BREAKING,
            rules={"no-deprecated-status"}, scenarios={"flaky_network"},
        ),
    ),
}  # fmt: skip


def found_for(base: str, name: str, tmp_path: Path) -> tuple[list[Found], Found | None]:
    mutate, expected = CHANGES[name]
    document = base_document(base)
    mutate(document)
    report = drift([write(document, tmp_path)])
    (spec,) = report.files[0].specs
    match = next((f for f in spec.drift if f.change.line == expected.line), None)
    return list(spec.drift), match


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("name", list(CHANGES))
def test_a_hand_made_change_is_reported_and_classed(base: str, name: str, tmp_path: Path) -> None:
    expected = CHANGES[name][1]
    drifts, found = found_for(base, name, tmp_path)
    assert found is not None, f"{expected.line!r} not in:\n  " + "\n  ".join(
        f.change.line for f in drifts
    )
    change = found.change
    assert (change.kind, change.delta, change.direction) == (
        expected.kind, expected.delta, expected.direction,
    )  # fmt: skip
    assert change.impact is expected.impact, change.reason
    assert expected.rules <= set(found.touches.rules)
    assert "valid-requests" in found.touches.general  # it judges every call
    assert expected.scenarios <= set(found.touches.scenarios)
    assert not expected.not_scenarios & set(found.touches.scenarios)


@pytest.mark.parametrize("base", BASES)
def test_the_unchanged_spec_has_no_drift(base: str, tmp_path: Path) -> None:
    report = drift([write(base_document(base), tmp_path)])
    assert not report.has_drift, [f.change.line for s in report.files[0].specs for f in s.drift]


def test_a_value_a_scenario_writes_down_names_that_scenario(tmp_path: Path) -> None:
    document = base_document("ours")
    schemas(document)["ExportJobFailureReasonType"]["enum"].remove("accounting_system_unreachable")
    report = drift([write(document, tmp_path)])
    (spec,) = report.files[0].specs
    removed = [f for f in spec.drift if f.change.subject == "accounting_system_unreachable"]
    assert removed and all("failed" in f.touches.scenarios for f in removed)
    # A connector failing a job with that reason would now be refused.
    assert {(f.change.direction, f.change.impact) for f in removed} == {
        (Direction.REQUEST, Impact.BREAKING)
    }


@pytest.mark.parametrize("base", BASES)
def test_an_older_versions_removed_operation_touches_its_successors_rules(
    base: str, tmp_path: Path
) -> None:
    document = base_document(base, "export-api-v0-v2.yaml")
    del document["paths"]["/v1/export-items"]
    (report,) = drift([write(document, tmp_path)]).files
    (spec,) = report.specs
    assert spec.ours.file == "export-api-v0-v2.yaml"
    (found,) = spec.drift
    assert found.change.line == (
        "GET /v1/export-items: adds operation 'getExportItemsV1' that Pleo does not have"
    )
    assert found.change.impact is Impact.BREAKING
    assert {"uses-current-api", "books-what-it-read"} <= set(found.touches.rules)
