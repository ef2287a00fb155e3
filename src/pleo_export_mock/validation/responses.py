"""Check what the sandbox answers against its own spec: a mismatch is a bug in the sandbox."""

from __future__ import annotations

from typing import Any

from ..spec.model import Operation
from .checker import CompiledSchema, compile_schema, describe, json_path
from .violations import Violation


class ResponseValidator:
    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._schemas: dict[str, CompiledSchema | None] = {
            status: (compile_schema(schema) if schema is not None else None)
            for status, schema in operation.responses.items()
        }

    def validate(self, status: int, body: Any) -> list[Violation]:
        key = str(status)
        if key not in self._schemas:
            key = f"{key[0]}XX" if f"{key[0]}XX" in self._schemas else "default"
        if key not in self._schemas:
            return [
                Violation(
                    "response",
                    "status",
                    f"{status} is not a documented response of {self.operation.operation_id}",
                )
            ]
        validator = self._schemas[key]
        if validator is None:
            if body is None:
                return []
            return [Violation("response", "body", f"status {status} is documented without a body")]
        if body is None:
            return [Violation("response", "body", f"status {status} needs a JSON body")]
        return [
            Violation("response", json_path("response", error.absolute_path), describe(error))
            for error in validator.iter_errors(body)
        ]
