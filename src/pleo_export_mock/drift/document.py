"""An OpenAPI document as the comparison reads it: loaded, its $refs followed, its operations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError, UsageError
from ..spec.schemas import follow_ref

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Document = dict[str, Any]


class ShapeError(ValueError):
    """The document is OpenAPI-like but something in it cannot be followed (a broken $ref)."""


def load_document(path: Path) -> Document:
    """A file given as Pleo's spec: YAML or JSON, OpenAPI 3, with paths; else a usage error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from None
    try:
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UsageError(f"{path}: not YAML or JSON{place}: {_first_line(exc)}") from None
    version = document.get("openapi") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("3."):
        raise UsageError(f"{path}: not an OpenAPI 3 document (its `openapi` is {version!r})")
    if not isinstance(document.get("paths"), dict):
        raise UsageError(f"{path}: an OpenAPI document without `paths`")
    loaded: Document = document
    return loaded


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def follow_pointer(doc: Document, ref: str) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise ShapeError(f"only local $refs can be followed, not {ref!r}")
    try:
        return follow_ref(ref, doc)
    except SpecError:
        raise ShapeError(f"$ref {ref!r} points at nothing") from None


def resolve(doc: Document, node: Any) -> tuple[Any, str | None]:
    """Follow a $ref chain; also give the last component's name, which allowances use."""
    name = None
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ShapeError(f"$ref {ref!r} refers to itself")
        seen.add(ref)
        name = str(ref).rsplit("/", 1)[-1]
        node = follow_pointer(doc, ref)
    return node, name


def iter_operations(doc: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                yield path, method, item[method]


def routing_table(doc: Document) -> set[tuple[str, str, str | None]]:
    return {(path, method, op.get("operationId")) for path, method, op in iter_operations(doc)}


def operations_by_id(doc: Document) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation)."""
    return {op["operationId"]: (method, path, op) for path, method, op in iter_operations(doc)}


def parameters_by_key(doc: Document, op: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    resolved = (resolve(doc, p)[0] for p in op.get("parameters", []))
    return {(p["name"], p["in"]): p for p in resolved}


def param_required(param: dict[str, Any]) -> bool:
    return bool(param.get("required", False))


def param_style(param: dict[str, Any]) -> str:
    return str(param.get("style", "form" if param["in"] in ("query", "cookie") else "simple"))


def param_explode(param: dict[str, Any]) -> bool:
    return bool(param.get("explode", param_style(param) == "form"))


def param_allow_empty(param: dict[str, Any]) -> bool:
    return bool(param.get("allowEmptyValue", False))


def example_error_types(doc: Document, response: dict[str, Any]) -> Iterator[str]:
    """The `type` of every example (single or named) in a response: Pleo's error codes."""
    for media in response.get("content", {}).values():
        examples = [media["example"]] if "example" in media else []
        for named in media.get("examples", {}).values():
            examples.append(resolve(doc, named)[0].get("value"))
        for example in examples:
            if isinstance(example, dict) and isinstance(example.get("type"), str):
                yield example["type"]
