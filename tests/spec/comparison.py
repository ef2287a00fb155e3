"""Compare our OpenAPI document with Pleo's, operation by operation and schema by schema.

Shared by every spec test that holds one of our documents to Pleo's (v3, and v0-v2). The
comparator walks both documents side by side with every ``$ref`` resolved and reports each
difference as one readable line saying where it is and what differs. Additions a client can only
benefit from (extra error responses, documented scopes, links) are tolerated; everything else that
differs must be named in the `Allowances` a test passes in, each matching an entry of
``x-deviations-from-pleo`` in that spec.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PLEO_SPEC_ENV = "PLEO_REFERENCE_SPEC"

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


@dataclass(frozen=True)
class Allowances:
    """The deviations from Pleo one spec may make (each listed in its `x-deviations-from-pleo`).

    - `picture_patterns`: Pleo's date pictures, which we drop;
    - `nullable_added`: "<Pleo schema>.<property>" made nullable;
    - `response_enums_added`: response strings narrowed to the values of the named Pleo enum;
    - `required_params_added`: (operation label, parameter) made required.
    """

    picture_patterns: frozenset[str] = frozenset()
    nullable_added: frozenset[str] = frozenset()
    response_enums_added: Mapping[str, str] = field(default_factory=dict)
    required_params_added: frozenset[tuple[str, str]] = frozenset()


# --- Loading and $ref resolution ------------------------------------------------------------------


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def find_pleo_spec(default: Path, env: str = PLEO_SPEC_ENV) -> Path | None:
    """The env var wins so CI can point at another copy; otherwise the shared reference folder."""
    candidates = [os.environ.get(env), default]
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

    def __init__(self, pleo: dict[str, Any], ours: dict[str, Any], allow: Allowances) -> None:
        self.pleo = pleo
        self.ours = ours
        self.allow = allow
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
        tightened = (where.split(" param ")[0], ours["name"]) in self.allow.required_params_added
        if tightened and not param_required(pleo) and param_required(ours):
            pleo = {**pleo, "required": True}  # allowlisted: required here, optional at Pleo
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
        if pleo_null == ours_null or (ours_null and location in self.allow.nullable_added):
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
        enum_name = self.allow.response_enums_added.get(location or "")
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
        if pleo_pattern in self.allow.picture_patterns and ours_pattern is None:
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


def compare_specs(pleo: dict[str, Any], ours: dict[str, Any], allow: Allowances) -> list[str]:
    return SpecComparator(pleo, ours, allow).run()
