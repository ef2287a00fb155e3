"""Parse and validate one request's parameters and body against its operation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import Headers, MultiDict
from werkzeug.http import parse_options_header

from ..memo import Memo
from ..spec.model import Operation, Parameter
from .body import NotJson
from .checker import CompiledSchema, compile_schema, describe, json_path
from .violations import Violation

# Longer numbers are refused before int() sees them: Python refuses past 4,300 digits, and no
# parameter of any spec we serve needs more than 64 bits.
_INTEGER = re.compile(r"^-?\d{1,19}$")
SHOWN_CHARS = 40  # a refused value is quoted up to this length
KNOWN_VALID_LIMIT = 4096  # parameter values remembered as valid, per operation
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    params: dict[str, Any]  # typed values of the parameters that were sent
    body: Any  # decoded JSON, or None


class RequestInvalid(Exception):
    """The request breaks the spec; `status` is 400, or 415 for a body in the wrong media type."""

    def __init__(self, violations: list[Violation], status: int = 400) -> None:
        super().__init__("; ".join(map(str, violations)))
        self.violations = violations
        self.status = status


class RequestValidator:
    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._params = [(p, compile_schema(p.schema)) for p in operation.parameters]
        schema = operation.body_schema
        self._body: CompiledSchema | None = compile_schema(schema) if schema else None
        # Parameter values found valid: the same few (a job id, `statuses=pending`, a limit)
        # come again and again, and a value judges the same every time.
        self._known_valid: Memo[tuple[str, str], None] = Memo(KNOWN_VALID_LIMIT)

    def parse(
        self,
        path_args: Mapping[str, Any],
        query: MultiDict[str, str],
        headers: Headers,
        content_type: str | None,
        raw_body: bytes,
        decoded: Any,
    ) -> ParsedRequest:
        """Typed parameters and the body, or RequestInvalid listing every problem.

        `decoded` is `raw_body` as validation.body.decode_json read it (done once per request).
        """
        violations: list[Violation] = []
        params: dict[str, Any] = {}
        for parameter, validator in self._params:
            raw = _raw_values(parameter, path_args, query, headers)
            if not raw:
                if parameter.required:
                    violations.append(_missing(parameter))
                continue
            value = _coerce(parameter, raw, violations)
            if value is _INVALID:
                continue
            known = (parameter.name, repr(value))  # repr: 1, True and "1" stay apart
            if known not in self._known_valid:
                errors = list(validator.iter_errors(value))
                for error in errors:
                    where = json_path(_label(parameter), error.absolute_path)
                    violations.append(Violation(parameter.location, where, describe(error)))
                if not errors:
                    self._known_valid.keep(known, None)
            params[parameter.name] = value
        if violations:
            raise RequestInvalid(violations)
        return ParsedRequest(params, self._parse_body(content_type, raw_body, decoded))

    def _parse_body(self, content_type: str | None, raw_body: bytes, body: Any) -> Any:
        if self._body is None and not self.operation.text_media_types:
            return None
        if not raw_body:
            if self.operation.body_required:
                raise RequestInvalid([Violation("body", "body", "a JSON request body is required")])
            return None
        mimetype = parse_options_header(content_type or "")[0].lower()
        if mimetype in self.operation.text_media_types:
            return _text(raw_body)
        _check_media_type(content_type)
        if isinstance(body, NotJson):
            raise RequestInvalid([Violation("body", "body", f"not valid JSON: {body.reason}")])
        if self._body is None:
            return None
        violations = [
            Violation("body", json_path("body", error.absolute_path), describe(error))
            for error in self._body.iter_errors(body)
        ]
        if violations:
            raise RequestInvalid(violations)
        return body


_INVALID = object()


def _text(raw_body: bytes) -> str:
    try:
        return raw_body.decode("utf-8")
    except UnicodeDecodeError as problem:
        reason = f"not UTF-8 text ({problem.reason} at byte {problem.start})"
        raise RequestInvalid([Violation("body", "body", reason)]) from None


def _raw_values(
    parameter: Parameter,
    path_args: Mapping[str, Any],
    query: MultiDict[str, str],
    headers: Headers,
) -> list[str]:
    if parameter.location == "path":
        return [path_args[parameter.name]] if parameter.name in path_args else []
    if parameter.location == "header":
        value = headers.get(parameter.name)
        return [] if value is None else [value]
    if parameter.name not in query:  # most of a list's paging parameters, most of the time
        return []
    values = query.getlist(parameter.name)
    if parameter.is_array and not parameter.explode:
        return [part for value in values for part in value.split(",")]
    return values


def _coerce(parameter: Parameter, raw: list[str], violations: list[Violation]) -> Any:
    schema = parameter.schema
    if parameter.is_array:
        item_type = schema.get("items", {}).get("type", "string")
        items = [_scalar(item_type, value) for value in raw]
        bad = [value for value, item in zip(raw, items, strict=True) if item is _INVALID]
        if bad:
            violations.append(_not_a(parameter, bad[0], item_type))
            return _INVALID
        return items
    if len(raw) > 1:
        violations.append(
            Violation(
                parameter.location, _label(parameter), f"given {len(raw)} times; send it once"
            )
        )
        return _INVALID
    value = _scalar(schema.get("type", "string"), raw[0])
    if value is _INVALID:
        violations.append(_not_a(parameter, raw[0], schema.get("type", "string")))
    return value


def _scalar(kind: Any, text: str) -> Any:
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds:
        return int(text) if _INTEGER.match(text) else _INVALID
    if "number" in kinds:
        return float(text) if _NUMBER.match(text) else _INVALID
    if "boolean" in kinds:
        return {"true": True, "false": False}.get(text, _INVALID)
    return text


def _check_media_type(content_type: str | None) -> None:
    mimetype, options = parse_options_header(content_type or "")
    charset = options.get("charset", "utf-8").lower()
    if mimetype.lower() != "application/json" or charset not in ("utf-8", "utf8"):
        shown = content_type or "none"
        raise RequestInvalid(
            [
                Violation(
                    "header",
                    "Content-Type",
                    f"{shown!r} is not supported; send application/json (UTF-8)",
                )
            ],
            status=415,
        )


def _label(parameter: Parameter) -> str:
    return f"{parameter.location} parameter '{parameter.name}'"


def _missing(parameter: Parameter) -> Violation:
    return Violation(parameter.location, _label(parameter), "is required")


def _not_a(parameter: Parameter, value: str, kind: Any) -> Violation:
    shown = (
        repr(value)
        if len(value) <= SHOWN_CHARS
        else f"{value[:SHOWN_CHARS]!r}... ({len(value)} chars)"
    )
    if kind == "integer" and value.lstrip("-").isdigit():
        return Violation(parameter.location, _label(parameter), f"{shown} has over 19 digits")
    return Violation(parameter.location, _label(parameter), f"{shown} is not a valid {kind}")
