"""What a comparison finds: one `Change` per difference, classed for a connector.

A change is read from our spec (what the sandbox serves, what a connector was tested against)
towards Pleo's: `ADDED` means Pleo's spec has something ours does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    OPERATION = "operation"
    DEPRECATED = "deprecated"
    SECURITY = "security"
    PARAMETER = "parameter"
    REQUEST_BODY = "request body"
    MEDIA_TYPE = "media type"
    STATUS = "status code"
    ERROR_CODE = "error code"
    HEADER = "header"
    PROPERTY = "property"
    REQUIRED = "required"
    NULLABLE = "nullable"
    ENUM = "enum"
    ENUM_VALUE = "enum value"
    TYPE = "type"  # type or format
    CONSTRAINT = "constraint"  # pattern, minimum, maxLength, style, explode, ...
    SCHEMA = "schema"  # a named schema as a whole


class Delta(StrEnum):
    ADDED = "added"  # Pleo's spec has it, ours does not
    REMOVED = "removed"  # ours has it, Pleo's does not
    CHANGED = "changed"


class Direction(StrEnum):
    REQUEST = "request"  # what a connector sends
    RESPONSE = "response"  # what a connector reads
    COMPONENT = "component"  # a named schema, compared on its own
    DOCUMENT = "document"


class Impact(StrEnum):
    BREAKING = "breaking"
    ADDITIVE = "additive"


@dataclass(frozen=True, slots=True)
class Place:
    """Where in both documents the walk is: `where` as lines show it, and the operation."""

    where: str
    operation: str | None
    direction: Direction


@dataclass(frozen=True, slots=True)
class Change:
    where: str  # "GET /v3/export-jobs param 'statuses'", "... response 200 body", "security"
    text: str  # what differs, read as ours against Pleo's: "lacks param 'limit' (query)"
    kind: Kind
    delta: Delta
    direction: Direction
    operation: str | None  # the operationId it concerns (Pleo's for a new operation)
    subject: str  # the parameter, property path, status, value, ... that changed
    impact: Impact
    reason: str  # why it is breaking or additive for a connector (docs/decisions.md, "Drift")
    documented: str | None = None  # the deliberate difference of ours that explains it

    @property
    def line(self) -> str:
        return f"{self.where}: {self.text}"

    @property
    def is_drift(self) -> bool:
        return self.documented is None
