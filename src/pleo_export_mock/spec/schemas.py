"""OpenAPI 3.0 schema objects -> JSON Schema (2020-12) with every local $ref inlined."""

from __future__ import annotations

from typing import Any

from ..errors import SpecError

# Keywords that only document; dropping them keeps validators small and fast.
_DOCUMENTATION_ONLY = frozenset(
    {
        "description",
        "example",
        "examples",
        "title",
        "externalDocs",
        "xml",
        "deprecated",
        "readOnly",
        "writeOnly",
        "discriminator",
    }
)


def resolve(node: Any, document: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Inline every local `$ref` (the Export API has no recursive schemas; cycles are refused)."""
    if isinstance(node, list):
        return [resolve(item, document, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(f"recursive $ref {ref} is not supported")
        return resolve(follow_ref(ref, document), document, (*seen, ref))
    return {key: resolve(value, document, seen) for key, value in node.items()}


def follow_ref(ref: str, document: dict[str, Any]) -> Any:
    """The node a local `$ref` (a JSON pointer, `#/components/...`) names in `document`."""
    if not ref.startswith("#/"):
        raise SpecError(f"only local $refs are supported, got {ref}")
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SpecError(f"$ref {ref} does not resolve")
        node = node[part]
    return node


def to_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Translate a resolved OpenAPI 3.0 schema: `nullable` adds "null" to the type and enum,
    and `exclusiveMinimum: true` (a flag in 3.0) makes its `minimum` exclusive (a number in
    2020-12), as `exclusiveMaximum` does `maximum`."""
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DOCUMENTATION_ONLY or key.startswith("x-") or key == "nullable":
            continue
        if key == "properties":
            result[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            result[key] = to_json_schema(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            result[key] = [to_json_schema(sub) for sub in value]
        else:
            result[key] = value
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # OpenAPI 3.0's flag on the bound beside it (popped even when false).
        if isinstance(result.get(exclusive), bool) and result.pop(exclusive) and bound in result:
            result[exclusive] = result.pop(bound)
    if schema.get("nullable"):
        _allow_null(result)
    if result.get("format") in _INTEGER_RANGES:
        _bound_integer(result)
    return result


# OpenAPI's integer formats, as bounds every JSON Schema validator enforces the same way.
_INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _bound_integer(schema: dict[str, Any]) -> None:
    low, high = _INTEGER_RANGES[schema.pop("format")]
    schema["minimum"] = max(schema.get("minimum", low), low)
    schema["maximum"] = min(schema.get("maximum", high), high)


def _allow_null(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
