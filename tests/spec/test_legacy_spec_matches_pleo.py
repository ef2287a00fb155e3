"""Our v0-v2 document must stay a faithful, compatible copy of Pleo's v0, v1 and v2 operations.

The same comparator as for v3 (`comparison.py`), against the validated extract of Pleo's spec
32.1.0 that holds every `/v0`, `/v1` and `/v2` path and the schemas they use.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.drift.allowances import V0_V2 as ALLOWANCES
from pleo_export_mock.drift.document import iter_operations, resolve, routing_table

from .comparison import PLEO_SPEC_ENV, compare_specs, find_pleo_spec, load_yaml, walked

HERE = Path(__file__).resolve()
OUR_SPEC_PATH = HERE.parents[2] / "openapi" / "export-api-v0-v2.yaml"
DEFAULT_PLEO_SPEC_PATH = HERE.parents[3] / "shared" / "reference" / "pleo-export-openapi-v0-v2.yaml"
PLEO_SPEC_ENV_V0_V2 = f"{PLEO_SPEC_ENV}_V0_V2"


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return load_yaml(OUR_SPEC_PATH)


@pytest.fixture(scope="module")
def pleo() -> dict[str, Any]:
    path = find_pleo_spec(DEFAULT_PLEO_SPEC_PATH, PLEO_SPEC_ENV_V0_V2)
    if path is None:
        pytest.skip(f"Pleo's v0-v2 extract not found: set {PLEO_SPEC_ENV_V0_V2}")
    return load_yaml(path)


def test_our_spec_is_compatible_with_pleo(pleo: dict, ours: dict) -> None:
    problems = compare_specs(pleo, ours, ALLOWANCES)
    assert not problems, "incompatible with Pleo's spec:\n  " + "\n  ".join(problems)


def test_routing_matches_pleo_exactly(pleo: dict, ours: dict) -> None:
    assert routing_table(ours) == routing_table(pleo)


def test_comparator_walks_the_whole_spec(pleo: dict, ours: dict) -> None:
    comparator = walked(pleo, ours, ALLOWANCES)
    assert comparator.counts["operations"] == len(routing_table(pleo)) == 21
    assert comparator.counts["component schemas"] == len(pleo["components"]["schemas"]) == 59
    # 3 versions x (3 paginated lists x 6 + job list filters 3 + items status 1 + 3 jobIds + job_id)
    assert comparator.counts["parameters"] == 3 * (18 + 3 + 1 + 3 + 1)
    assert comparator.counts["schema nodes"] > 1000


def schemas(spec: dict) -> dict[str, Any]:
    return spec["components"]["schemas"]


def operation(spec: dict, path: str, method: str) -> dict[str, Any]:
    return spec["paths"][path][method]


MUTATIONS: dict[str, tuple[Callable[[dict], None], str]] = {
    "deprecated flag dropped": (
        lambda s: operation(s, "/v1/export-jobs", "get").pop("deprecated"),
        "GET /v1/export-jobs: deprecated differs: pleo True, ours False",
    ),
    "deprecated status parameter dropped": (
        lambda s: operation(s, "/v2/export-jobs", "get")["parameters"].pop(1),
        "GET /v2/export-jobs: lacks param 'status' (query)",
    ),
    "v1-only failure reasons widened to v3's": (
        lambda s: schemas(s)["UpdateExportJobItem"]["properties"]["failureReasonType"][
            "enum"
        ].append("vendor_unknown"),
        "PUT /v1/export-jobs/{jobId}/items request body: items.failureReasonType enum adds "
        "'vendor_unknown'",
    ),
    "v0 export item gains v1's team": (
        lambda s: schemas(s)["ExportItem"]["properties"].update(team={"type": "string"}),
        "adds property 'data[].team' that Pleo does not have",
    ),
    "v2 status code dropped": (
        lambda s: operation(s, "/v2/export-jobs", "post")["responses"].pop("409"),
        "POST /v2/export-jobs: lacks response 409",
    ),
    "v1 default response dropped": (
        lambda s: operation(s, "/v1/export-items", "get")["responses"].pop("default"),
        "GET /v1/export-items: lacks response default",
    ),
    "vendor made nullable": (
        lambda s: schemas(s)["VendorV2"].update(nullable=True),
        "vendor nullable differs: pleo False, ours True",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_comparator_reports_seeded_difference(pleo: dict, ours: dict, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    mutated = copy.deepcopy(ours)
    mutate(mutated)
    problems = compare_specs(pleo, mutated, ALLOWANCES)
    assert any(expected in problem for problem in problems), (
        f"expected a problem containing {expected!r}, got:\n  " + "\n  ".join(problems)
    )


def test_every_operation_names_its_v3_successor_and_scope(ours: dict) -> None:
    v3 = load_yaml(HERE.parents[2] / "openapi" / "export-api.yaml")
    v3_ops = {op["operationId"]: (path, op) for path, _, op in iter_operations(v3)}
    for path, _, op in iter_operations(ours):
        successor_path, successor = v3_ops[op["x-superseded-by"]]
        assert successor_path == "/v3" + path[3:], op["operationId"]
        assert op["x-required-scopes"] == successor["x-required-scopes"], op["operationId"]


def test_errors_are_declared_beside_default(ours: dict) -> None:
    """Under `default` alone a refusal would have to look like the success body."""
    lacking = [
        f"{op['operationId']} lacks {status}"
        for _, _, op in iter_operations(ours)
        for status in ("400", "401", "403")
        if status not in op["responses"]
    ]
    assert not lacking


def test_request_bodies_are_required(ours: dict) -> None:
    assert all(
        resolve(ours, op["requestBody"])[0].get("required")
        for _, _, op in iter_operations(ours)
        if "requestBody" in op
    )


def test_spec_is_valid_openapi(ours: dict) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(ours)
