"""Check scenario data against the packaged JSON Schema and report the first problem."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .errors import ScenarioError
from .yaml_source import DocPath, Source

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every scenario file must satisfy."""
    text = (
        resources.files("pleo_export_mock.scenarios")
        .joinpath("schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _fast() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(scenario_schema(), validate_formats=False)


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only to explain a failure: costly to import

    return Draft202012Validator(scenario_schema())


def check_schema(source: Source) -> None:
    """Raise the first problem the schema finds, by its place in the file.

    jsonschema_rs answers "valid?" (most files are, and `serve` starts sooner without
    jsonschema); jsonschema, the judge of record, finds and words the problems. The schema's
    patterns are written so that what the first accepts, the second does too (a test holds
    them to it).
    """
    if source.data is None:
        raise ScenarioError(source.file, "", "the file holds no scenario (empty document)", 1)
    if _fast().is_valid(source.data):
        return
    errors = [_most_specific(error) for error in _validator().iter_errors(source.data)]
    if errors:
        # Report the problem that comes first in the file: it is the one a reader meets first.
        first = min(errors, key=lambda error: (source.index.line(_place(error)) or 0, _key(error)))
        raise source.error(_place(first), _reason(first))


def _most_specific(error: ValidationError) -> ValidationError:
    """For anyOf-style failures, the branch error that explains most (jsonschema's heuristic)."""
    from jsonschema.exceptions import best_match

    while error.context:
        chosen = best_match(error.context)
        if chosen is None:
            break
        error = chosen
    return error


def _place(error: ValidationError) -> DocPath:
    path: DocPath = tuple(error.absolute_path)
    # Point at the offending key itself, not at the mapping that holds it.
    if error.validator == "additionalProperties":
        extra = _unexpected_keys(error)
        return (*path, extra[0]) if extra else path
    if _about_a_key(error):
        return (*path, str(error.instance))
    return path


def _reason(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = _unexpected_keys(error)
        if extra:
            keys = ", ".join(sorted(_schema_properties(error)))
            return f"unknown key {extra[0]!r}; allowed keys: {keys}"
    if _about_a_key(error) and error.validator == "enum":
        schema = error.schema if isinstance(error.schema, dict) else {}
        names = ", ".join(str(name) for name in schema.get("enum", ()))
        return f"unknown field {error.instance!r}; allowed: {names}"
    if error.validator == "pattern" and isinstance(error.instance, str):
        schema = error.schema if isinstance(error.schema, dict) else {}
        expected = schema.get("description") or f"text matching {error.validator_value!r}"
        return f"{error.instance!r} is not in the expected form. {expected}"
    if error.validator == "maxItems" and isinstance(error.instance, list):  # not the whole list
        return f"{len(error.instance):,} items; at most {error.validator_value:,}"
    if isinstance(error.instance, bool) and error.validator in ("enum", "type", "pattern"):
        return f"{error.message} (YAML reads bare yes/no/on/off/NO as booleans: quote the value)"
    return error.message


def _about_a_key(error: ValidationError) -> bool:
    """propertyNames errors carry the key as their instance and the mapping as their path."""
    return "propertyNames" in error.absolute_schema_path


def _unexpected_keys(error: ValidationError) -> list[str]:
    known = _schema_properties(error)
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [str(key) for key in instance if key not in known]


def _schema_properties(error: ValidationError) -> set[str]:
    schema = error.schema
    return set(schema.get("properties", {})) if isinstance(schema, dict) else set()


def _key(error: ValidationError) -> str:
    return ".".join(str(part) for part in _place(error))
