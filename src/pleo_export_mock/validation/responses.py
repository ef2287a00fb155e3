"""Check what the sandbox answers against its own spec: a mismatch is a bug in the sandbox."""

from __future__ import annotations

from typing import Any

from ..memo import Memo
from ..spec.model import Operation
from .checker import CompiledSchema, compile_schema, describe, json_path
from .violations import Violation

# How many answers found valid an operation remembers; past it, the memory starts again.
KNOWN_VALID_LIMIT = 4096


class ResponseValidator:
    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self._schemas: dict[str, CompiledSchema | None] = {
            status: (compile_schema(schema) if schema is not None else None)
            for status, schema in operation.responses.items()
        }
        # Fingerprints of answers (status and bytes as sent) already found valid. The same
        # bytes under the same schema judge the same, and most answers repeat (a job polled,
        # a list of pending jobs): those skip the validator. The fingerprint is Python's own
        # hash of the bytes, 64 bits keyed afresh in each process: a quarter of blake2b's
        # cost. A new answer shares one with the 4,096 kept by chance with odds of about
        # 2 in 10**16, and that would only skip checking an answer of our own.
        self._known_valid: Memo[tuple[int, int], None] = Memo(KNOWN_VALID_LIMIT)

    def validate(self, status: int, body: Any, sent: bytes | None = None) -> list[Violation]:
        """Violations of `body`, the answer with `status`; `sent`, the bytes that carry it,
        lets an answer sent before skip the check."""
        if sent is None:
            return self._validate(status, body)
        fingerprint = (status, hash(sent))
        if fingerprint in self._known_valid:
            return []
        violations = self._validate(status, body)
        if not violations:
            self._known_valid.keep(fingerprint, None)
        return violations

    def _validate(self, status: int, body: Any) -> list[Violation]:
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
