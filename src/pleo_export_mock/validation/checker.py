"""Compiled jsonschema validators with the formats the Export API uses."""

from __future__ import annotations

import uuid
from collections import deque
from datetime import datetime
from typing import Any

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


@FORMATS.checks("int32")
def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


@FORMATS.checks("int64")
def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def compile_schema(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FORMATS)


def json_path(prefix: str, path: deque[str | int]) -> str:
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
