"""Read the spec file and index its operations."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from ..resources import data_path
from .cache import cached_document, pyyaml_parser
from .model import Operation, Parameter, Spec
from .schemas import resolve, to_json_schema

if TYPE_CHECKING:
    import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
JSON_MEDIA_TYPES = ("application/json", "application/json;charset=UTF-8")


# The Export API's older versions, served beside v3 (http/versions/).
LEGACY_SPEC_FILE = "export-api-v0-v2.yaml"


def default_spec_path() -> Path:
    return data_path("openapi", "export-api.yaml")


def export_api_operation_ids(*, older: bool = True) -> frozenset[str]:
    """The operationIds of the Export API v3, and with `older` of v0-v2 too."""
    ids = frozenset(load_spec().operations)
    return ids | frozenset(shipped_spec(LEGACY_SPEC_FILE).operations) if older else ids


def shipped_spec(file_name: str) -> Spec:
    """One of the specs under openapi/ (the control plane's, an older version's, ...)."""
    return load_spec(data_path("openapi", file_name))


def load_spec(path: Path | str | None = None) -> Spec:
    """The spec at `path` (ours by default), read once per process while the file is unchanged.

    Every caller shares the one Spec: treat it, and its document, as read-only.
    """
    source = Path(path) if path is not None else default_spec_path()
    try:
        stamp = source.stat().st_mtime_ns
    except OSError as exc:
        raise SpecError(f"{source}: cannot read the spec: {exc}") from exc
    return _load(source.resolve(), stamp)


@functools.lru_cache(maxsize=8)
def _load(source: Path, stamp: int) -> Spec:
    """`stamp` (the file's mtime) is part of the key, so an edited file is read again."""
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{source}: cannot read the spec: {exc}") from exc
    # The stamp tells libyaml's loader from the Python one: they read our specs alike (a test
    # holds them to it), but the cache keeps them apart all the same, as it does PyYAML's builds.
    parser = pyyaml_parser("safe")
    document = cached_document(source, text, parser, lambda text: _parse(text, source))
    if not isinstance(document, dict) or "paths" not in document:
        raise SpecError(f"{source}: not an OpenAPI document (no 'paths')")
    return Spec(document=document, operations=_operations(document))


def safe_loader() -> type[yaml.SafeLoader]:
    """libyaml's loader, which reads our specs several times faster than the Python one; PyYAML
    builds without libyaml fall back to the same rules in Python. Imported only on a cache miss."""
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def _parse(text: str, source: Path) -> object:
    import yaml

    try:
        return yaml.load(text, Loader=safe_loader())
    except yaml.YAMLError as exc:
        raise SpecError(f"{source}: cannot read the spec: {exc}") from exc


def _operations(document: dict[str, Any]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                operation = _operation(document, path, method, item[method], shared)
                if operation.operation_id in operations:
                    raise SpecError(f"duplicate operationId {operation.operation_id}")
                operations[operation.operation_id] = operation
    return operations


def _operation(
    document: dict[str, Any], path: str, method: str, raw: dict[str, Any], shared: list[Any]
) -> Operation:
    resolved = resolve(raw, document)
    operation_id = resolved.get("operationId")
    if not operation_id:
        raise SpecError(f"{method.upper()} {path} has no operationId")
    parameters = [_parameter(p) for p in resolve(shared, document) + resolved.get("parameters", [])]
    body = resolved.get("requestBody") or {}
    return Operation(
        operation_id=operation_id,
        method=method.upper(),
        path=path,
        parameters=tuple(parameters),
        body_schema=_json_body_schema(body.get("content", {})),
        body_required=bool(body.get("required")),
        text_media_types=_text_media_types(body.get("content", {})),
        responses={
            str(status): _json_body_schema(response.get("content", {}))
            for status, response in resolved.get("responses", {}).items()
        },
        scopes=tuple(resolved.get("x-required-scopes", ())),
        deprecated=bool(resolved.get("deprecated")),
        extensions={k: v for k, v in resolved.items() if k.startswith("x-")},
    )


def _parameter(raw: dict[str, Any]) -> Parameter:
    location = raw["in"]
    style = raw.get("style", "simple" if location in ("path", "header") else "form")
    if style not in ("form", "simple"):
        raise SpecError(f"parameter {raw['name']}: style {style!r} is not supported")
    return Parameter(
        name=raw["name"],
        location=location,
        required=bool(raw.get("required")) or location == "path",
        schema=to_json_schema(raw.get("schema", {})),
        explode=bool(raw.get("explode", style == "form")),
    )


def _json_body_schema(content: dict[str, Any]) -> dict[str, Any] | None:
    for media_type in JSON_MEDIA_TYPES:
        if media_type in content:
            return to_json_schema(content[media_type].get("schema", {}))
    return None


def _text_media_types(content: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        media_type
        for media_type, entry in content.items()
        if media_type not in JSON_MEDIA_TYPES
        and (entry.get("schema") or {}).get("type") == "string"
    )
