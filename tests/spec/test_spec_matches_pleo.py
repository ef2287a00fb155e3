"""Our OpenAPI document must stay a faithful, compatible copy of Pleo's published Export API v3.

The comparator walks both documents side by side, operation by operation and schema by schema,
with every ``$ref`` resolved, and reports each difference as one readable line saying where it is
and what differs. Additions a client can only benefit from (extra error responses, documented
scopes, links) are tolerated; everything else that differs from Pleo must be named in one of the
small allowlists below, each of which matches an entry of ``x-deviations-from-pleo`` in our spec.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve()
OUR_SPEC_PATH = HERE.parents[2] / "openapi" / "export-api.yaml"
DEFAULT_PLEO_SPEC_PATH = HERE.parents[3] / "shared" / "reference" / "pleo-export-openapi-v3.yaml"
PLEO_SPEC_ENV = "PLEO_REFERENCE_SPEC"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# --- Allowlisted deviations (keep in sync with `x-deviations-from-pleo` in our spec) -----------

# Pleo writes date pictures where a regex belongs; read as regexes they match no real timestamp.
PICTURE_PATTERNS = frozenset({"YYYY-MM-DDTHH:mi:ssZ", "YYYY-MM-DD", "yyyy-MM-dd'T'HH:mm:ss'Z'"})

# Pleo's example payloads send null here although the schema does not say nullable.
NULLABLE_ADDED = frozenset(
    {"ExportJobV3.failureReasonType", "ExportJobItemV3.failureReasonType", "ExportItemV3.subType"}
)

# Response-only plain strings that Pleo describes as "one of <Enum> values": we add exactly that
# enum. Keyed by "<Pleo schema>.<property>", valued by the Pleo enum schema whose values must match.
RESPONSE_ENUMS_ADDED = {
    "ExportJobV3.status": "ExportJobStatus",
    "ExportJobV3.failureReasonType": "ExportJobFailureReasonType",
    "ExportJobItemV3.status": "ExportJobItemStatus",
    "ExportJobItemV3.failureReasonType": "ExportJobItemFailureReasonType",
    "ExportJobItemUpdateErrorV3.type": "ExportJobItemUpdateErrorType",
}

# Keys that only document a schema; differences in them are not compatibility problems.
DOC_ONLY_KEYS = frozenset(
    {"description", "summary", "title", "example", "examples", "externalDocs"}
)

# Keys the walker descends into itself instead of comparing by equality.
STRUCTURAL_KEYS = frozenset(
    {
        "$ref",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "enum",
        "nullable",
        "pattern",
    }
)

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


# --- Loading and $ref resolution ------------------------------------------------------------------


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def find_pleo_spec() -> Path | None:
    """The env var wins so CI can point at another copy; otherwise the shared reference folder."""
    candidates = [os.environ.get(PLEO_SPEC_ENV), DEFAULT_PLEO_SPEC_PATH]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def follow_pointer(doc: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = doc
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def resolve(doc: dict[str, Any], node: Any) -> tuple[Any, str | None]:
    """Follow a $ref chain; also return the last component name, so allowlists can use it."""
    name = None
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = follow_pointer(doc, node["$ref"])
    return node, name


def iter_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def routing_table(spec: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(path, method, op.get("operationId")) for path, method, op in iter_operations(spec)}


def show(values: Any) -> str:
    return ", ".join(repr(v) for v in sorted(values, key=repr))


# --- The comparator -------------------------------------------------------------------------------


class SpecComparator:
    """Collects every incompatible difference between Pleo's spec and ours."""

    def __init__(self, pleo: dict[str, Any], ours: dict[str, Any]) -> None:
        self.pleo = pleo
        self.ours = ours
        self.problems: list[str] = []
        self.counts = {"operations": 0, "parameters": 0, "component schemas": 0, "schema nodes": 0}

    def report(self, where: str, detail: str) -> None:
        self.problems.append(f"{where}: {detail}")

    def run(self) -> list[str]:
        self.compare_routing()
        self.compare_security()
        self.compare_component_schemas()
        ours_ops = {(path, method): op for path, method, op in iter_operations(self.ours)}
        for path, method, pleo_op in iter_operations(self.pleo):
            if (path, method) in ours_ops:
                self.compare_operation(f"{method.upper()} {path}", pleo_op, ours_ops[path, method])
        return self.problems

    # -- document level --

    def compare_routing(self) -> None:
        pleo, ours = routing_table(self.pleo), routing_table(self.ours)
        for path, method, op_id in sorted(pleo - ours):
            self.report(f"{method.upper()} {path}", f"lacks operation {op_id!r}")
        for path, method, op_id in sorted(ours - pleo):
            self.report(
                f"{method.upper()} {path}", f"adds operation {op_id!r} that Pleo does not have"
            )

    def compare_security(self) -> None:
        for requirement in self.pleo.get("security", []):
            if requirement not in self.ours.get("security", []):
                self.report("security", f"lacks requirement {requirement}")
        ours_schemes = self.ours.get("components", {}).get("securitySchemes", {})
        for name, scheme in self.pleo.get("components", {}).get("securitySchemes", {}).items():
            if name not in ours_schemes:
                self.report("securitySchemes", f"lacks {name!r}")
                continue
            self.compare_plain_keys(f"securitySchemes.{name}", "", scheme, ours_schemes[name])

    def compare_component_schemas(self) -> None:
        pleo_schemas = self.pleo["components"]["schemas"]
        ours_schemas = self.ours.get("components", {}).get("schemas", {})
        for name in sorted(set(ours_schemas) - set(pleo_schemas)):
            self.report(f"components.schemas.{name}", "is not in Pleo's spec")
        for name in sorted(pleo_schemas):
            if name not in ours_schemas:
                self.report(f"components.schemas.{name}", "missing")
                continue
            self.counts["component schemas"] += 1
            self.compare_schema(
                f"components.schemas.{name}",
                "",
                pleo_schemas[name],
                ours_schemas[name],
                owner=name,
                prop=None,
                direction="component",
            )

    # -- operations --

    def compare_operation(
        self, where: str, pleo_op: dict[str, Any], ours_op: dict[str, Any]
    ) -> None:
        self.counts["operations"] += 1
        pleo_deprecated, ours_deprecated = (
            bool(pleo_op.get("deprecated")),
            bool(ours_op.get("deprecated")),
        )
        if pleo_deprecated != ours_deprecated:
            self.report(
                where, f"deprecated differs: pleo {pleo_deprecated}, ours {ours_deprecated}"
            )
        self.compare_operation_security(where, pleo_op, ours_op)
        self.compare_parameters(where, pleo_op, ours_op)
        self.compare_request_body(where, pleo_op.get("requestBody"), ours_op.get("requestBody"))
        self.compare_responses(where, pleo_op.get("responses", {}), ours_op.get("responses", {}))

    def compare_operation_security(self, where: str, pleo_op: dict, ours_op: dict) -> None:
        """An operation-level `security` replaces the global one, so compare the effective lists."""
        pleo_security = pleo_op.get("security", self.pleo.get("security", []))
        ours_security = ours_op.get("security", self.ours.get("security", []))
        if pleo_security != ours_security:
            self.report(where, f"security differs: pleo {pleo_security}, ours {ours_security}")

    def parameters_by_key(self, doc: dict[str, Any], op: dict[str, Any]) -> dict[tuple, dict]:
        resolved = (resolve(doc, p)[0] for p in op.get("parameters", []))
        return {(p["name"], p["in"]): p for p in resolved}

    def compare_parameters(self, where: str, pleo_op: dict, ours_op: dict) -> None:
        pleo_params = self.parameters_by_key(self.pleo, pleo_op)
        ours_params = self.parameters_by_key(self.ours, ours_op)
        for name, location in sorted(set(pleo_params) - set(ours_params)):
            self.report(where, f"lacks param {name!r} ({location})")
        for name, location in sorted(set(ours_params) - set(pleo_params)):
            self.report(where, f"adds param {name!r} ({location}) that Pleo does not have")
        for key in sorted(set(pleo_params) & set(ours_params)):
            self.counts["parameters"] += 1
            self.compare_parameter(f"{where} param {key[0]!r}", pleo_params[key], ours_params[key])

    def compare_parameter(self, where: str, pleo: dict[str, Any], ours: dict[str, Any]) -> None:
        # Absent style/explode mean the OpenAPI defaults, so compare the effective values.
        for key, effective in (
            ("required", param_required),
            ("style", param_style),
            ("explode", param_explode),
            ("allowEmptyValue", param_allow_empty),
        ):
            if effective(pleo) != effective(ours):
                self.report(
                    where, f"{key} differs: pleo {effective(pleo)!r}, ours {effective(ours)!r}"
                )
        self.compare_schema(
            where,
            "",
            pleo.get("schema", {}),
            ours.get("schema", {}),
            owner=None,
            prop=None,
            direction="request",
        )

    def compare_request_body(self, where: str, pleo_body: Any, ours_body: Any) -> None:
        if pleo_body is None:
            if ours_body is not None:
                self.report(where, "adds a request body that Pleo does not have")
            return
        if ours_body is None:
            self.report(where, "lacks the request body")
            return
        pleo_body, ours_body = resolve(self.pleo, pleo_body)[0], resolve(self.ours, ours_body)[0]
        # Making a body required is an allowed tightening; dropping Pleo's `required` is not.
        if pleo_body.get("required") and not ours_body.get("required"):
            self.report(where, "request body is required in Pleo's spec but not in ours")
        self.compare_content(f"{where} request body", pleo_body, ours_body, direction="request")

    def compare_responses(self, where: str, pleo: dict[str, Any], ours: dict[str, Any]) -> None:
        for status in sorted(pleo):
            if status not in ours:
                self.report(where, f"lacks response {status}")
                continue
            pleo_resp, ours_resp = (
                resolve(self.pleo, pleo[status])[0],
                resolve(self.ours, ours[status])[0],
            )
            label = f"{where} response {status}"
            self.compare_content(f"{label} body", pleo_resp, ours_resp, direction="response")
            self.compare_example_types(label, pleo_resp, ours_resp)
            for header in sorted(
                set(pleo_resp.get("headers", {})) - set(ours_resp.get("headers", {}))
            ):
                self.report(label, f"lacks header {header!r}")

    def compare_content(self, where: str, pleo: dict, ours: dict, direction: str) -> None:
        pleo_content, ours_content = pleo.get("content", {}), ours.get("content", {})
        if set(pleo_content) != set(ours_content):
            self.report(
                where,
                f"media types differ: pleo [{show(pleo_content)}], ours [{show(ours_content)}]",
            )
        for media_type in sorted(set(pleo_content) & set(ours_content)):
            self.compare_schema(
                where,
                "",
                pleo_content[media_type].get("schema", {}),
                ours_content[media_type].get("schema", {}),
                owner=None,
                prop=None,
                direction=direction,
            )

    def compare_example_types(self, where: str, pleo: dict, ours: dict) -> None:
        """Error codes live only in examples, so Pleo's example `type`s must all appear in ours."""
        ours_types = set(example_error_types(self.ours, ours))
        for error_type in example_error_types(self.pleo, pleo):
            if error_type not in ours_types:
                self.report(where, f"lacks example type {error_type!r}")

    # -- schemas --

    def compare_schema(
        self,
        where: str,
        sub: str,
        pleo: Any,
        ours: Any,
        *,
        owner: str | None,
        prop: str | None,
        direction: str,
    ) -> None:
        """Compare two schemas; `owner`.`prop` names the Pleo property for the allowlists."""
        self.counts["schema nodes"] += 1
        if direction == "component" and sub and is_ref(pleo):
            # Named schemas are compared on their own; here only the reference must match.
            self.compare_ref_target(where, sub, pleo, ours)
            return
        pleo, pleo_name = resolve(self.pleo, pleo)
        ours, _ = resolve(self.ours, ours)
        location = f"{owner}.{prop}" if owner and prop else None
        self.compare_nullable(where, sub, pleo, ours, location)
        self.compare_enum(where, sub, pleo, ours, location, direction)
        self.compare_pattern(where, sub, pleo, ours)
        self.compare_plain_keys(where, sub, pleo, ours)
        self.compare_required(where, sub, pleo, ours)
        # Nested properties are located relative to the innermost named Pleo schema.
        self.compare_properties(
            where, sub, pleo, ours, owner=pleo_name or owner, direction=direction
        )
        self.compare_children(where, sub, pleo, ours, owner=pleo_name or owner, direction=direction)

    def compare_ref_target(self, where: str, sub: str, pleo: dict, ours: Any) -> None:
        ours_ref = ours.get("$ref") if is_ref(ours) else None
        if ours_ref != pleo["$ref"]:
            self.report(where, f"{sub} refers to {ours_ref!r} instead of {pleo['$ref']!r}")

    def compare_nullable(
        self, where: str, sub: str, pleo: dict, ours: dict, location: str | None
    ) -> None:
        pleo_null, ours_null = bool(pleo.get("nullable")), bool(ours.get("nullable"))
        if pleo_null == ours_null or (ours_null and location in NULLABLE_ADDED):
            return
        self.report(where, f"{prefix(sub)}nullable differs: pleo {pleo_null}, ours {ours_null}")

    def compare_enum(
        self, where: str, sub: str, pleo: dict, ours: dict, location: str | None, direction: str
    ) -> None:
        pleo_enum, ours_enum = pleo.get("enum"), ours.get("enum")
        if pleo_enum is None and ours_enum is None:
            return
        if pleo_enum is None:
            self.check_added_enum(where, sub, ours, location, direction)
            return
        if ours_enum is None:
            self.report(where, f"{prefix(sub)}lacks the enum")
            return
        self.compare_enum_values(where, sub, pleo_enum, ours_enum)

    def check_added_enum(
        self, where: str, sub: str, ours: dict, location: str | None, direction: str
    ) -> None:
        enum_name = RESPONSE_ENUMS_ADDED.get(location or "")
        if enum_name is None or direction == "request":
            self.report(
                where, f"{prefix(sub)}adds an enum where Pleo has a plain {ours.get('type')}"
            )
            return
        # An allowlisted narrowing must list exactly the values Pleo's description points to.
        expected = list(self.pleo["components"]["schemas"][enum_name]["enum"])
        if ours.get("nullable"):
            expected.append(None)
        self.compare_enum_values(where, sub, expected, ours["enum"])

    def compare_enum_values(self, where: str, sub: str, pleo_enum: list, ours_enum: list) -> None:
        for value in sorted(set(pleo_enum) - set(ours_enum), key=repr):
            self.report(where, f"{prefix(sub)}enum lacks {value!r}")
        for value in sorted(set(ours_enum) - set(pleo_enum), key=repr):
            self.report(where, f"{prefix(sub)}enum adds {value!r}")

    def compare_pattern(self, where: str, sub: str, pleo: dict, ours: dict) -> None:
        pleo_pattern, ours_pattern = pleo.get("pattern"), ours.get("pattern")
        if pleo_pattern in PICTURE_PATTERNS and ours_pattern is None:
            return
        if pleo_pattern != ours_pattern:
            self.report(
                where, f"{prefix(sub)}pattern differs: pleo {pleo_pattern!r}, ours {ours_pattern!r}"
            )

    def compare_plain_keys(self, where: str, sub: str, pleo: dict, ours: dict) -> None:
        """type, format, minimum, default, … : anything not handled structurally must be equal."""
        keys = {k for k in set(pleo) | set(ours) if k not in DOC_ONLY_KEYS | STRUCTURAL_KEYS}
        for key in sorted(k for k in keys if not k.startswith("x-")):
            if pleo.get(key, MISSING) != ours.get(key, MISSING):
                self.report(
                    where,
                    f"{prefix(sub)}{key} differs: pleo {pleo.get(key, MISSING)!r}, "
                    f"ours {ours.get(key, MISSING)!r}",
                )

    def compare_required(self, where: str, sub: str, pleo: dict, ours: dict) -> None:
        pleo_req, ours_req = set(pleo.get("required", [])), set(ours.get("required", []))
        for name in sorted(pleo_req - ours_req):
            self.report(where, f"{prefix(sub)}required lacks {name!r}")
        for name in sorted(ours_req - pleo_req):
            self.report(where, f"{prefix(sub)}required adds {name!r}")

    def compare_properties(
        self, where: str, sub: str, pleo: dict, ours: dict, *, owner: str | None, direction: str
    ) -> None:
        pleo_props, ours_props = pleo.get("properties", {}), ours.get("properties", {})
        for name in sorted(set(pleo_props) - set(ours_props)):
            self.report(where, f"lacks property {join(sub, name)!r}")
        for name in sorted(set(ours_props) - set(pleo_props)):
            self.report(where, f"adds property {join(sub, name)!r} that Pleo does not have")
        for name in sorted(set(pleo_props) & set(ours_props)):
            self.compare_schema(
                where,
                join(sub, name),
                pleo_props[name],
                ours_props[name],
                owner=owner,
                prop=name,
                direction=direction,
            )

    def compare_children(
        self, where: str, sub: str, pleo: dict, ours: dict, *, owner: str | None, direction: str
    ) -> None:
        """`items` and schema-valued `additionalProperties` hold nested schemas."""
        children = (
            ("items", f"{sub}[]" if sub else "items"),
            ("additionalProperties", f"{sub}{{*}}"),
        )
        for key, child_sub in children:
            pleo_child, ours_child = pleo.get(key, MISSING), ours.get(key, MISSING)
            if isinstance(pleo_child, dict) and isinstance(ours_child, dict):
                self.compare_schema(
                    where,
                    child_sub,
                    pleo_child,
                    ours_child,
                    owner=owner,
                    prop=None,
                    direction=direction,
                )
            elif pleo_child != ours_child:
                self.report(
                    where, f"{prefix(sub)}{key} differs: pleo {pleo_child!r}, ours {ours_child!r}"
                )


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


MISSING = _Missing()


def is_ref(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" in node


def prefix(sub: str) -> str:
    return f"{sub} " if sub else ""


def join(sub: str, name: str) -> str:
    return f"{sub}.{name}" if sub else name


def param_required(param: dict) -> bool:
    return bool(param.get("required", False))


def param_style(param: dict) -> str:
    return param.get("style", "form" if param["in"] in ("query", "cookie") else "simple")


def param_explode(param: dict) -> bool:
    return bool(param.get("explode", param_style(param) == "form"))


def param_allow_empty(param: dict) -> bool:
    return bool(param.get("allowEmptyValue", False))


def example_error_types(doc: dict[str, Any], response: dict[str, Any]) -> Iterator[str]:
    """The `type` of every example (single or named) in a response, with $refs resolved."""
    for media in response.get("content", {}).values():
        examples = [media["example"]] if "example" in media else []
        for named in media.get("examples", {}).values():
            examples.append(resolve(doc, named)[0].get("value"))
        for example in examples:
            if isinstance(example, dict) and "type" in example:
                yield example["type"]


def compare_specs(pleo: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    return SpecComparator(pleo, ours).run()


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return load_yaml(OUR_SPEC_PATH)


@pytest.fixture(scope="module")
def pleo() -> dict[str, Any]:
    path = find_pleo_spec()
    if path is None:
        pytest.skip(
            f"Pleo's reference spec not found: set {PLEO_SPEC_ENV} or provide "
            f"{DEFAULT_PLEO_SPEC_PATH}"
        )
    return load_yaml(path)


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
    comparator = SpecComparator(pleo, ours)
    comparator.run()
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
    assert len(links) == 14
    # Building the state machine validates every link (target operation, parameters, expressions).
    schema.as_state_machine()
