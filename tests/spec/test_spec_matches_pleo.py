"""Our OpenAPI document must stay a faithful, compatible copy of Pleo's published Export API v3.

The comparison (`pleo_export_mock.drift`, the code behind `pleo-export-mock drift`) walks both
documents side by side, operation by operation and schema by schema, with every ``$ref``
resolved, and reports each difference as one readable line saying where it is and what differs.
Extensions (`x-...`, such as the scopes) and `links` are ours to add; every other difference from
Pleo, the error statuses and codes we add included, must be one of the allowances of
`drift.allowances.V3`, each of which matches an entry of ``x-deviations-from-pleo`` in our spec.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.drift.allowances import NULLABLE_ADDED, PICTURE_PATTERNS, RESPONSE_ENUMS_ADDED
from pleo_export_mock.drift.allowances import V3 as ALLOWANCES
from pleo_export_mock.drift.document import (
    example_error_types,
    iter_operations,
    resolve,
    routing_table,
)

from .comparison import PLEO_SPEC_ENV, find_pleo_spec, load_yaml, walked
from .comparison import compare_specs as compare_with

HERE = Path(__file__).resolve()
OUR_SPEC_PATH = HERE.parents[2] / "openapi" / "export-api.yaml"
DEFAULT_PLEO_SPEC_PATH = HERE.parents[3] / "shared" / "reference" / "pleo-export-openapi-v3.yaml"

# The allowed deviations (drift.allowances.V3) match `x-deviations-from-pleo` in our spec: see
# test_allowlisted_deviations_are_documented.

EXPECTED_SCOPES = {
    "getExportJobsListV3": ["export-jobs:read"],
    "getExportJobByIdV3": ["export-jobs:read"],
    "getExportJobItemsV3": ["export-jobs:read"],
    "getExportJobItemByAccountingEntryIdV3": ["export-jobs:read"],
    "searchExportJobItemsV3": ["export-jobs:read"],
    "createExportJobV3": ["export-jobs:write"],
    "createExportJobEventV3": ["export-jobs:write"],
    "updateExportJobItemsV3": ["export-jobs:write"],
    "getExportItemsV3": ["export-items:read"],
}


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return load_yaml(OUR_SPEC_PATH)


@pytest.fixture(scope="module")
def pleo() -> dict[str, Any]:
    path = find_pleo_spec(DEFAULT_PLEO_SPEC_PATH)
    if path is None:
        pytest.skip(
            f"Pleo's reference spec not found: set {PLEO_SPEC_ENV} or provide "
            f"{DEFAULT_PLEO_SPEC_PATH}"
        )
    return load_yaml(path)


def compare_specs(pleo: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    return compare_with(pleo, ours, ALLOWANCES)


def our_operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, method, op in iter_operations(spec):
        yield f"{method.upper()} {path}", op


# --- Compatibility with Pleo ----------------------------------------------------------------------


def test_our_spec_is_compatible_with_pleo(pleo: dict, ours: dict) -> None:
    problems = compare_specs(pleo, ours)
    assert not problems, "incompatible with Pleo's spec:\n  " + "\n  ".join(problems)


def test_routing_matches_pleo_exactly(pleo: dict, ours: dict) -> None:
    assert routing_table(ours) == routing_table(pleo)


def test_comparator_walks_the_whole_spec(pleo: dict, ours: dict) -> None:
    """Guards against a comparator that silently compares nothing."""
    comparator = walked(pleo, ours, ALLOWANCES)
    assert comparator.counts["operations"] == len(routing_table(pleo)) == 9
    assert comparator.counts["component schemas"] == len(pleo["components"]["schemas"])
    assert comparator.counts["parameters"] == 34  # 4 paginated lists x 6 + 10 others
    assert comparator.counts["schema nodes"] > 600


# --- The comparator is sharp: each seeded difference is reported ----------------------------------


def schemas(spec: dict) -> dict[str, Any]:
    return spec["components"]["schemas"]


def operation(spec: dict, path: str, method: str) -> dict[str, Any]:
    return spec["paths"][path][method]


def drop_param(spec: dict, path: str, method: str, ref_suffix: str) -> None:
    params = operation(spec, path, method)["parameters"]
    params[:] = [p for p in params if not p.get("$ref", "").endswith(ref_suffix)]


def set_response_example_type(spec: dict, path: str, method: str, status: str, value: str) -> None:
    operation(spec, path, method)["responses"][status]["content"]["application/json;charset=UTF-8"][
        "example"
    ]["type"] = value


MUTATIONS: dict[str, tuple[Callable[[dict], None], str]] = {
    "enum value removed": (
        lambda s: schemas(s)["ExportJobStatus"]["enum"].remove("failed"),
        "GET /v3/export-jobs param 'statuses': items enum lacks 'failed'",
    ),
    "parameter removed": (
        lambda s: drop_param(s, "/v3/export-jobs/{jobId}/items", "get", "/PageLimit"),
        "GET /v3/export-jobs/{jobId}/items: lacks param 'limit' (query)",
    ),
    "parameter added": (
        lambda s: operation(s, "/v3/export-jobs/{jobId}", "get")["parameters"].append(
            {"name": "expand", "in": "query", "schema": {"type": "string"}}
        ),
        "GET /v3/export-jobs/{jobId}: adds param 'expand' (query)",
    ),
    "status code removed": (
        lambda s: operation(s, "/v3/export-jobs/{jobId}", "get")["responses"].pop("404"),
        "GET /v3/export-jobs/{jobId}: lacks response 404",
    ),
    "response property type changed": (
        lambda s: schemas(s)["ExportJobV3"]["properties"]["numberOfItems"].update(type="string"),
        "GET /v3/export-jobs/{jobId} response 200 body: data.numberOfItems type differs: "
        "pleo 'integer', ours 'string'",
    ),
    "format removed": (
        lambda s: operation(s, "/v3/export-items", "get")["parameters"][0]["schema"].pop("format"),
        "GET /v3/export-items param 'job_id': format differs: pleo 'uuid', ours <absent>",
    ),
    "nullable dropped": (
        lambda s: schemas(s)["ExportJobV3"]["properties"]["failureReason"].pop("nullable"),
        "data.failureReason nullable differs: pleo True, ours False",
    ),
    "nullable added outside the allowlist": (
        lambda s: schemas(s)["ExportJobV3"]["properties"]["id"].update(nullable=True),
        "data.id nullable differs: pleo False, ours True",
    ),
    "required entry dropped": (
        lambda s: schemas(s)["ExportJobV3"]["required"].remove("status"),
        "GET /v3/export-jobs/{jobId} response 200 body: data required lacks 'status'",
    ),
    "request property removed": (
        lambda s: schemas(s)["CreateExportJob"]["properties"].pop("employeeId"),
        "POST /v3/export-jobs request body: lacks property 'employeeId'",
    ),
    "enum added to an ExportItemV3 string": (
        lambda s: schemas(s)["ExportItemV3"]["properties"]["type"].update(enum=["card_purchase"]),
        "GET /v3/export-items response 200 body: data[].type adds an enum where Pleo has a plain "
        "string",
    ),
    "allowlisted response enum incomplete": (
        lambda s: schemas(s)["ExportJobV3"]["properties"]["status"]["enum"].remove("completed"),
        "GET /v3/export-jobs/{jobId} response 200 body: data.status enum lacks 'completed'",
    ),
    "request enum narrowed": (
        lambda s: schemas(s)["ExportJobItemFailureReasonType"]["enum"].remove("tag_unknown"),
        "PUT /v3/export-jobs/{jobId}/items request body: "
        "items.failureReasonType enum lacks 'tag_unknown'",
    ),
    "request enum value added": (
        lambda s: schemas(s)["ExportJobEventType"]["enum"].append("canceled"),
        "POST /v3/export-job-events request body: event enum adds 'canceled'",
    ),
    "allowlisted nullable enum without null": (
        lambda s: schemas(s)["ExportJobItemV3"]["properties"]["failureReasonType"]["enum"].remove(
            None
        ),
        "data[].failureReasonType enum lacks None",
    ),
    "operation security overridden": (
        lambda s: operation(s, "/v3/export-jobs", "get").update(security=[{"basicAuth": []}]),
        "GET /v3/export-jobs: security differs",
    ),
    "cursor pattern changed": (
        lambda s: s["components"]["parameters"]["PageAfter"]["schema"].update(pattern="^.*$"),
        "GET /v3/export-jobs param 'after': pattern differs",
    ),
    "minimum dropped": (
        lambda s: s["components"]["parameters"]["PageOffset"]["schema"].pop("minimum"),
        "GET /v3/export-jobs param 'offset': minimum differs: pleo 0, ours <absent>",
    ),
    "parameter made required outside the allowlist": (
        lambda s: operation(s, "/v3/export-jobs", "get")["parameters"][0].update(required=True),
        "GET /v3/export-jobs param 'company_id': required differs: pleo False, ours True",
    ),
    "lookup parameter removed": (
        lambda s: operation(s, "/v3/export-job-items", "get")["parameters"].pop(1),
        "GET /v3/export-job-items: lacks param 'accounting_entry_id' (query)",
    ),
    "lookup parameter made required (Pleo's is optional)": (
        lambda s: operation(s, "/v3/export-job-items", "get")["parameters"][1].update(
            required=True
        ),
        "GET /v3/export-job-items param 'accounting_entry_id': required differs: "
        "pleo False, ours True",
    ),
    "explode changed": (
        lambda s: operation(s, "/v3/export-jobs", "get")["parameters"][1].update(explode=False),
        "GET /v3/export-jobs param 'statuses': explode differs: pleo True, ours False",
    ),
    "operationId renamed": (
        lambda s: operation(s, "/v3/export-jobs", "post").update(operationId="createJob"),
        "POST /v3/export-jobs: lacks operation 'createExportJobV3'",
    ),
    "media type changed": (
        lambda s: operation(s, "/v3/export-jobs", "get")["responses"]["200"].update(
            content={
                "application/json": operation(s, "/v3/export-jobs", "get")["responses"]["200"][
                    "content"
                ]["application/json;charset=UTF-8"]
            }
        ),
        "GET /v3/export-jobs response 200 body: media types differ",
    ),
    "error example type changed": (
        lambda s: set_response_example_type(s, "/v3/export-jobs", "post", "409", "CONFLICT"),
        "POST /v3/export-jobs response 409: lacks example type 'EXPORT_ALREADY_IN_PROGRESS'",
    ),
    "request body removed": (
        lambda s: operation(s, "/v3/export-job-events", "post").pop("requestBody"),
        "POST /v3/export-job-events: lacks the request body",
    ),
    "item type changed": (
        lambda s: s["components"]["parameters"]["SortingKeys"]["schema"]["items"].update(
            type="integer"
        ),
        "GET /v3/export-jobs param 'sorting_keys': "
        "items type differs: pleo 'string', ours 'integer'",
    ),
    "error status added outside the allowances": (
        lambda s: operation(s, "/v3/export-jobs", "get")["responses"].update(
            {"429": {"description": "Too many requests"}}
        ),
        "GET /v3/export-jobs: adds response 429 that Pleo does not have",
    ),
    "error code added outside the allowances": (
        lambda s: set_response_example_type(s, "/v3/export-jobs", "post", "409", "COMPANY_LOCKED"),
        "POST /v3/export-jobs response 409: adds example type 'COMPANY_LOCKED' that Pleo does not "
        "have",
    ),
    "date picture replaced instead of dropped": (
        lambda s: schemas(s)["ExportJobV3"]["properties"]["createdAt"].update(pattern="^\\d+$"),
        "data.createdAt pattern differs: pleo 'YYYY-MM-DDTHH:mi:ssZ', ours '^\\\\d+$'",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_comparator_reports_seeded_difference(pleo: dict, ours: dict, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    mutated = copy.deepcopy(ours)
    mutate(mutated)
    problems = compare_specs(pleo, mutated)
    assert any(expected in problem for problem in problems), (
        f"expected a problem containing {expected!r}, got:\n  " + "\n  ".join(problems)
    )


# --- Our own additions ----------------------------------------------------------------------------


def test_every_operation_has_auth_and_validation_errors(ours: dict) -> None:
    missing = [
        f"{label} lacks {status}"
        for label, op in our_operations(ours)
        for status in ("400", "401", "403")
        if status not in op["responses"]
    ]
    assert not missing


def test_body_operations_have_413_and_415(ours: dict) -> None:
    missing = [
        f"{label} lacks {status}"
        for label, op in our_operations(ours)
        if "requestBody" in op
        for status in ("413", "415")
        if status not in op["responses"]
    ]
    assert not missing


def test_request_bodies_are_required(ours: dict) -> None:
    optional = [
        label
        for label, op in our_operations(ours)
        if "requestBody" in op and not resolve(ours, op["requestBody"])[0].get("required")
    ]
    assert not optional


def test_401_declares_www_authenticate(ours: dict) -> None:
    lacking = [
        label
        for label, op in our_operations(ours)
        if "WWW-Authenticate" not in resolve(ours, op["responses"]["401"])[0].get("headers", {})
    ]
    assert not lacking


def test_every_operation_declares_its_scopes(ours: dict) -> None:
    scopes = {op["operationId"]: op.get("x-required-scopes") for _, op in our_operations(ours)}
    assert scopes == EXPECTED_SCOPES


def test_added_error_examples(ours: dict) -> None:
    """The error codes the sandbox answers with beyond Pleo's are documented where they occur."""
    expected = {
        ("/v3/export-jobs", "post", "400"): {
            "MISSING_CONTRA_ACCOUNTS",
            "INVALID_REQUEST",
            "ACCOUNTING_ENTRY_DOES_NOT_EXIST",
        },
        ("/v3/export-items", "get", "400"): {"MISSING_CONTRA_ACCOUNTS", "INVALID_REQUEST"},
        ("/v3/export-items", "get", "404"): {"EXPORT_NOT_FOUND"},
        ("/v3/export-job-events", "post", "404"): {"EXPORT_NOT_FOUND"},
        ("/v3/export-jobs/{jobId}/items", "put", "413"): {
            "EXPORT_JOB_ITEMS_UPDATE_LIMIT",
            "PAYLOAD_TOO_LARGE",
        },
        ("/v3/export-jobs", "get", "401"): {"UNAUTHORIZED"},
        ("/v3/export-jobs", "get", "403"): {"FORBIDDEN"},
        ("/v3/export-job-events", "post", "415"): {"UNSUPPORTED_MEDIA_TYPE"},
    }
    for (path, method, status), types in expected.items():
        response = resolve(ours, operation(ours, path, method)["responses"][status])[0]
        assert set(example_error_types(ours, response)) == types, (path, method, status)


def test_no_picture_patterns_left(ours: dict) -> None:
    def patterns(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    found = set(patterns({k: v for k, v in ours.items() if k != "x-deviations-from-pleo"}))
    assert found == {"^[A-Z2-7=~]+$"}


def test_allowlisted_deviations_are_documented(ours: dict) -> None:
    deviations = ours["x-deviations-from-pleo"]
    assert all(isinstance(d, dict) and set(d) == {"where", "what", "why"} for d in deviations)
    assert all(isinstance(v, str) and v.strip() for d in deviations for v in d.values())
    wheres = " ".join(d["where"] for d in deviations)
    whats = " ".join(d["what"] for d in deviations)
    undocumented = [
        loc for loc in sorted(NULLABLE_ADDED | set(RESPONSE_ENUMS_ADDED)) if loc not in wheres
    ]
    undocumented += [p for p in sorted(PICTURE_PATTERNS) if p not in whats]
    assert not undocumented


def test_info_servers_and_security(ours: dict) -> None:
    assert ours["openapi"] == "3.0.3"
    assert ours["info"]["title"] == "Pleo Export API (pleo-export-mock sandbox)"
    assert ours["info"]["version"] == "3.0.0-mock+pleo.32.1.0"
    assert ours["info"]["license"]["name"] == "Apache-2.0"
    assert "32.1.0" in ours["info"]["description"]
    assert [s["url"] for s in ours["servers"]] == [
        "http://127.0.0.1:8080",
        "https://external.pleo.io",
        "https://external.staging.pleo.io",
    ]
    assert ours["security"] == [{"bearerAuth": []}, {"basicAuth": []}]
    assert "x-pagination-parameters" not in ours


# --- Tools must accept the document ---------------------------------------------------------------


def test_spec_is_valid_openapi(ours: dict) -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator not installed"
    )
    validator.validate(ours)


def test_links_load_in_schemathesis() -> None:
    schemathesis = pytest.importorskip("schemathesis")
    schema = schemathesis.openapi.from_path(str(OUR_SPEC_PATH))
    links = set()
    for result in schema.get_all_operations():
        op = result.ok()
        for status, response in op.responses.items():
            links.update(
                (op.definition.raw["operationId"], status, name)
                for name, _ in response.iter_links()
            )
    assert len(links) == 16
    # Building the state machine validates every link (target operation, parameters, expressions).
    schema.as_state_machine()
