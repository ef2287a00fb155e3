"""Compiled jsonschema validators with the formats the Export API uses."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jsonschema_rs

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError

# The canonical 8-4-4-4-12 form only (uuid.UUID alone would also take braces and urn: forms).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


# RFC 3339 §5.6 exactly: seconds required, `.` fractions, Z or a ±hh:mm offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt](\d{2}):\d{2}:(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def is_date_time(value: str) -> bool:
    """RFC 3339 date-time, leap second included; the calendar must exist."""
    try:
        parse_date_time(value)
    except ValueError:
        return False
    return True


# Each time a connector sends is read twice (the format check, then the handler): once here.
@functools.lru_cache(maxsize=4096)
def parse_date_time(value: str) -> datetime:
    """An RFC 3339 date-time; a leap second (:60), which datetime cannot hold, reads as :59.

    Its moment in UTC must fall in the years 1 to 9999 (`0001-01-01T00:00:00+01:00` is in the
    year 0): the sandbox answers every time in UTC, and Python holds no other years.
    """
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    text = value[:17] + "59" + value[19:] if match.group(2) == "60" else value
    moment = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value!r} falls outside the years 1 to 9999 in UTC") from None
    return moment


# Plain predicates, shared by both engines so they judge formats alike.
PREDICATES: dict[str, Callable[[str], bool]] = {"uuid": is_uuid, "date-time": is_date_time}


@functools.cache
def format_checker() -> FormatChecker:
    """jsonschema's checker of our formats (jsonschema is imported here, when first needed)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, predicate in PREDICATES.items():
        checker.checks(name)(_strings_only(predicate))
    return checker


def _strings_only(check: Callable[[str], bool]) -> Callable[[object], bool]:
    return lambda value: not isinstance(value, str) or check(value)


class CompiledSchema:
    """One schema, compiled twice: jsonschema_rs answers "valid?" fast; jsonschema explains why not.

    Most instances are valid, so the Rust validator keeps the hot path cheap (response
    validation of a 100-row page drops from milliseconds to microseconds), while every message a
    user sees still comes from jsonschema with our own format checkers. That one is built on
    the first failure to explain: importing jsonschema is a large part of `serve`'s start-up,
    and most schemas never see a failure.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._reference: Draft202012Validator | None = None
        self.fast = jsonschema_rs.Draft202012Validator(
            schema,
            validate_formats=True,
            ignore_unknown_formats=True,
            formats=PREDICATES,
        )

    @property
    def reference(self) -> Draft202012Validator:
        # Two threads may both build it; either copy judges alike, and one is kept.
        if self._reference is None:
            from jsonschema import Draft202012Validator

            self._reference = Draft202012Validator(self.schema, format_checker=format_checker())
        return self._reference

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        if self.fast.is_valid(instance):
            return iter(())
        return self.reference.iter_errors(instance)


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
