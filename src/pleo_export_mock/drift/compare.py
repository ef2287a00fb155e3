"""Pleo's spec against ours, operation by operation and schema by schema, every $ref followed.

Each difference becomes one `Change`, read from ours towards Pleo's, with its class for a
connector and, when it is one of our deliberate deviations, the reason it is not drift.
"""

from __future__ import annotations

from typing import Any

from .allowances import Allowances
from .document import (
    Document,
    example_error_types,
    iter_operations,
    param_allow_empty,
    param_explode,
    param_required,
    param_style,
    parameters_by_key,
    resolve,
    routing_table,
)
from .model import Change, Delta, Direction, Kind, Place
from .schemas import SchemaWalker

DOCUMENT = Direction.DOCUMENT


class Comparison(SchemaWalker):
    def run(self) -> list[Change]:
        self.compare_routing()
        self.compare_security()
        self.compare_component_schemas()
        ours_ops = {(path, method): op for path, method, op in iter_operations(self.ours)}
        for path, method, pleo_op in iter_operations(self.pleo):
            if (path, method) in ours_ops:
                self.compare_operation(f"{method.upper()} {path}", pleo_op, ours_ops[path, method])
        return self.changes

    # -- document level --

    def compare_routing(self) -> None:
        pleo, ours = routing_table(self.pleo), routing_table(self.ours)
        for path, method, op_id in sorted(pleo - ours, key=str):
            place = Place(f"{method.upper()} {path}", op_id, DOCUMENT)
            text = f"lacks operation {op_id!r}"
            self.record(place, text, Kind.OPERATION, Delta.ADDED, str(op_id))
        for path, method, op_id in sorted(ours - pleo, key=str):
            place = Place(f"{method.upper()} {path}", op_id, DOCUMENT)
            text = f"adds operation {op_id!r} that Pleo does not have"
            self.record(place, text, Kind.OPERATION, Delta.REMOVED, str(op_id))

    def compare_security(self) -> None:
        place = Place("security", None, DOCUMENT)
        for requirement in self.pleo.get("security", []):
            if requirement not in self.ours.get("security", []):
                text = f"lacks requirement {requirement}"
                self.record(place, text, Kind.SECURITY, Delta.CHANGED, str(requirement))
        ours_schemes = self.ours.get("components", {}).get("securitySchemes", {})
        for name, scheme in self.pleo.get("components", {}).get("securitySchemes", {}).items():
            if name not in ours_schemes:
                where = Place("securitySchemes", None, DOCUMENT)
                self.record(where, f"lacks {name!r}", Kind.SECURITY, Delta.CHANGED, name)
                continue
            where = Place(f"securitySchemes.{name}", None, DOCUMENT)
            self.compare_plain_keys(where, "", scheme, ours_schemes[name], kind=Kind.SECURITY)

    def compare_component_schemas(self) -> None:
        pleo_schemas = self.pleo.get("components", {}).get("schemas", {})
        ours_schemas = self.ours.get("components", {}).get("schemas", {})
        for name in sorted(set(ours_schemas) - set(pleo_schemas)):
            place = Place(f"components.schemas.{name}", None, Direction.COMPONENT)
            self.record(place, "is not in Pleo's spec", Kind.SCHEMA, Delta.REMOVED, name)
        for name in sorted(pleo_schemas):
            place = Place(f"components.schemas.{name}", None, Direction.COMPONENT)
            if name not in ours_schemas:
                self.record(place, "missing", Kind.SCHEMA, Delta.ADDED, name)
                continue
            self.counts["component schemas"] += 1
            self.compare_schema(
                place, "", pleo_schemas[name], ours_schemas[name], owner=name, prop=None
            )

    # -- operations --

    def compare_operation(
        self, where: str, pleo_op: dict[str, Any], ours_op: dict[str, Any]
    ) -> None:
        self.counts["operations"] += 1
        op_id = ours_op.get("operationId")
        place = Place(where, op_id, DOCUMENT)
        pleo_deprecated, ours_deprecated = (
            bool(pleo_op.get("deprecated")),
            bool(ours_op.get("deprecated")),
        )
        if pleo_deprecated != ours_deprecated:
            text = f"deprecated differs: pleo {pleo_deprecated}, ours {ours_deprecated}"
            self.record(place, text, Kind.DEPRECATED, Delta.CHANGED, "deprecated")
        # An operation-level `security` replaces the global one: compare the effective lists.
        pleo_security = pleo_op.get("security", self.pleo.get("security", []))
        ours_security = ours_op.get("security", self.ours.get("security", []))
        if pleo_security != ours_security:
            text = f"security differs: pleo {pleo_security}, ours {ours_security}"
            self.record(place, text, Kind.SECURITY, Delta.CHANGED, "security")
        self.compare_parameters(place, pleo_op, ours_op)
        self.compare_request_body(place, pleo_op.get("requestBody"), ours_op.get("requestBody"))
        # YAML reads an unquoted `200:` as a number; OpenAPI means the same status either way.
        pleo_responses = {str(k): v for k, v in pleo_op.get("responses", {}).items()}
        ours_responses = {str(k): v for k, v in ours_op.get("responses", {}).items()}
        self.compare_responses(place, pleo_responses, ours_responses)

    def compare_parameters(
        self, place: Place, pleo_op: dict[str, Any], ours_op: dict[str, Any]
    ) -> None:
        pleo_params = parameters_by_key(self.pleo, pleo_op)
        ours_params = parameters_by_key(self.ours, ours_op)
        request = Place(place.where, place.operation, Direction.REQUEST)
        for name, location in sorted(set(pleo_params) - set(ours_params)):
            required = param_required(pleo_params[name, location])
            text = f"lacks param {name!r} ({location})"
            self.record(request, text, Kind.PARAMETER, Delta.ADDED, name, required=required)
        for name, location in sorted(set(ours_params) - set(pleo_params)):
            text = f"adds param {name!r} ({location}) that Pleo does not have"
            self.record(request, text, Kind.PARAMETER, Delta.REMOVED, name)
        for key in sorted(set(pleo_params) & set(ours_params)):
            self.counts["parameters"] += 1
            where = Place(f"{place.where} param {key[0]!r}", place.operation, Direction.REQUEST)
            self.compare_parameter(where, pleo_params[key], ours_params[key])

    def compare_parameter(self, place: Place, pleo: dict[str, Any], ours: dict[str, Any]) -> None:
        # Absent style/explode mean the OpenAPI defaults, so compare the effective values.
        label = place.where.split(" param ")[0]
        pleo_req, ours_req = param_required(pleo), param_required(ours)
        if pleo_req != ours_req:
            tightened = ours_req and (label, ours["name"]) in self.allow.required_params_added
            self.record(
                place,
                f"required differs: pleo {pleo_req!r}, ours {ours_req!r}",
                Kind.REQUIRED,
                Delta.ADDED if pleo_req else Delta.REMOVED,
                ours["name"],
                documented="required_params_added" if tightened else None,
            )
        for key, effective in (
            ("style", param_style),
            ("explode", param_explode),
            ("allowEmptyValue", param_allow_empty),
        ):
            if effective(pleo) != effective(ours):
                text = f"{key} differs: pleo {effective(pleo)!r}, ours {effective(ours)!r}"
                self.record(place, text, Kind.CONSTRAINT, Delta.CHANGED, key)
        self.compare_schema(
            place, "", pleo.get("schema", {}), ours.get("schema", {}), owner=None, prop=None
        )

    def compare_request_body(self, place: Place, pleo_body: Any, ours_body: Any) -> None:
        request = Place(place.where, place.operation, Direction.REQUEST)
        if pleo_body is None:
            if ours_body is not None:
                text = "adds a request body that Pleo does not have"
                self.record(request, text, Kind.REQUEST_BODY, Delta.REMOVED, "request body")
            return
        pleo_body = resolve(self.pleo, pleo_body)[0]
        if ours_body is None:
            required = bool(pleo_body.get("required"))
            text = "lacks the request body"
            self.record(
                request, text, Kind.REQUEST_BODY, Delta.ADDED, "request body", required=required
            )
            return
        ours_body = resolve(self.ours, ours_body)[0]
        pleo_req, ours_req = bool(pleo_body.get("required")), bool(ours_body.get("required"))
        if pleo_req and not ours_req:
            text = "request body is required in Pleo's spec but not in ours"
            self.record(request, text, Kind.REQUIRED, Delta.ADDED, "request body")
        elif ours_req and not pleo_req:  # a tightening the sandbox makes on purpose
            text = "request body is required in ours but not in Pleo's spec"
            self.record(
                request, text, Kind.REQUIRED, Delta.REMOVED, "request body",
                documented="request_body_required",
            )  # fmt: skip
        body = Place(f"{place.where} request body", place.operation, Direction.REQUEST)
        self.compare_content(body, None, pleo_body, ours_body)

    def compare_responses(self, place: Place, pleo: dict[str, Any], ours: dict[str, Any]) -> None:
        response = Place(place.where, place.operation, Direction.RESPONSE)
        for status in sorted(set(ours) - set(pleo), key=str):
            allowed = self.allow.adds_status(str(status), place.operation)
            self.record(
                response, f"adds response {status} that Pleo does not have", Kind.STATUS,
                Delta.REMOVED, str(status), documented="statuses_added" if allowed else None,
            )  # fmt: skip
        for status in sorted(pleo, key=str):
            if status not in ours:
                self.record(
                    response, f"lacks response {status}", Kind.STATUS, Delta.ADDED, str(status)
                )
                continue
            pleo_resp, ours_resp = (
                resolve(self.pleo, pleo[status])[0],
                resolve(self.ours, ours[status])[0],
            )
            label = Place(f"{place.where} response {status}", place.operation, Direction.RESPONSE)
            body = Place(f"{label.where} body", place.operation, Direction.RESPONSE)
            self.compare_content(body, str(status), pleo_resp, ours_resp)
            self.compare_example_types(label, pleo_resp, ours_resp)
            for header in sorted(
                set(pleo_resp.get("headers", {})) - set(ours_resp.get("headers", {}))
            ):
                self.record(label, f"lacks header {header!r}", Kind.HEADER, Delta.ADDED, header)

    def compare_content(
        self, place: Place, status: str | None, pleo: dict[str, Any], ours: dict[str, Any]
    ) -> None:
        pleo_content, ours_content = pleo.get("content", {}), ours.get("content", {})
        if set(pleo_content) != set(ours_content):
            allowed = not pleo_content and status in self.allow.content_added
            self.record(
                place,
                f"media types differ: pleo [{show(pleo_content)}], ours [{show(ours_content)}]",
                Kind.MEDIA_TYPE,
                Delta.CHANGED,
                show(pleo_content),
                documented="content_added" if allowed else None,
            )
        for media_type in sorted(set(pleo_content) & set(ours_content)):
            self.compare_schema(
                place,
                "",
                pleo_content[media_type].get("schema", {}),
                ours_content[media_type].get("schema", {}),
                owner=None,
                prop=None,
            )

    def compare_example_types(
        self, place: Place, pleo: dict[str, Any], ours: dict[str, Any]
    ) -> None:
        """Error codes live only in examples: Pleo's and ours must name the same ones."""
        pleo_types = set(example_error_types(self.pleo, pleo))
        ours_types = set(example_error_types(self.ours, ours))
        for error_type in sorted(pleo_types - ours_types):
            text = f"lacks example type {error_type!r}"
            self.record(place, text, Kind.ERROR_CODE, Delta.ADDED, error_type)
        for error_type in sorted(ours_types - pleo_types):
            allowed = error_type in self.allow.error_types_added
            self.record(
                place, f"adds example type {error_type!r} that Pleo does not have",
                Kind.ERROR_CODE, Delta.REMOVED, error_type,
                documented="error_types_added" if allowed else None,
            )  # fmt: skip


def show(values: Any) -> str:
    return ", ".join(repr(v) for v in sorted(values, key=repr))


def compare(pleo: Document, ours: Document, allow: Allowances) -> Comparison:
    """Run the whole comparison; the result holds the changes and how much it walked."""
    comparison = Comparison(pleo, ours, allow)
    comparison.run()
    return comparison
