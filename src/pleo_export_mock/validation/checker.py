"""Compiled jsonschema validators with the formats the Export API uses."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    # The canonical 8-4-4-4-12 form only: uuid.UUID alone would also take braces and urn: forms.
    return len(value) == 36 and str(uuid.UUID(value)) == value.lower()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) < 20 or value[10] not in "Tt":
        raise ValueError("not an RFC 3339 date-time")
    parsed = datetime.fromisoformat(value.replace("z", "Z"))
    if parsed.tzinfo is None:
        raise ValueError("an RFC 3339 date-time needs a timezone (Z or +hh:mm)")
    return True


class CompiledSchema:
    """One schema, compiled twice: jsonschema_rs answers "valid?" fast; jsonschema explains why not.

    Most instances are valid, so the Rust validator keeps the hot path cheap (response
    validation of a 100-row page drops from milliseconds to microseconds), while every message a
    user sees still comes from jsonschema with our own format checkers.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.reference = Draft202012Validator(schema, format_checker=FORMATS)
        self.fast = jsonschema_rs.Draft202012Validator(
            schema,
            validate_formats=True,
            ignore_unknown_formats=True,
            formats={name: _conforms(name) for name in FORMATS.checkers},
        )

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        if self.fast.is_valid(instance):
            return iter(())
        return self.reference.iter_errors(instance)


def _conforms(name: str) -> Callable[[Any], bool]:
    return lambda value: FORMATS.conforms(value, name)


def compile_schema(schema: dict[str, Any]) -> CompiledSchema:
    return CompiledSchema(schema)


def json_path(prefix: str, path: Iterable[str | int]) -> str:
    """`body` + [3, "status"] -> `body[3].status`."""
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def describe(error: ValidationError) -> str:
    """jsonschema's message, shortened where it would dump a whole enum or document."""
    if error.validator == "enum":
        allowed = list(error.validator_value)  # type: ignore[arg-type]
        shown = ", ".join(repr(v) for v in allowed[:8]) + (", ..." if len(allowed) > 8 else "")
        return f"{error.instance!r} is not one of {shown}"
    if error.validator == "additionalProperties" or len(error.message) <= 300:
        return error.message
    return error.message[:297] + "..."
