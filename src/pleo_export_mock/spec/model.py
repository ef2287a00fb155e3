"""What the rest of the package needs to know about one spec operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonSchema = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # "path" | "query" | "header"
    required: bool
    schema: JsonSchema  # already JSON Schema (nullable translated)
    explode: bool = True

    @property
    def is_array(self) -> bool:
        return self.schema.get("type") == "array"


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # OpenAPI template, e.g. /v3/export-jobs/{jobId}
    parameters: tuple[Parameter, ...]
    body_schema: JsonSchema | None
    body_required: bool
    # status code (as in the spec, e.g. "200", "202") -> JSON Schema of the body, or None if no body
    responses: dict[str, JsonSchema | None]
    # Request media types taken as plain text (schema type string): a YAML scenario file.
    text_media_types: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    deprecated: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def takes_body(self) -> bool:
        return self.body_schema is not None or bool(self.text_media_types)


@dataclass(frozen=True, slots=True)
class Spec:
    document: dict[str, Any]  # the raw document, as served at /openapi.json
    operations: dict[str, Operation]  # by operationId

    def operation(self, operation_id: str) -> Operation:
        return self.operations[operation_id]
