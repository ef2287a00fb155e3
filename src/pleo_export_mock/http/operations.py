"""The operations one spec describes, compiled once: routes and both validators per operation.

Compiling validators is the expensive part of starting an app, so each Spec gets one table
for the whole process, shared by every app that serves it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SpecError
from ..spec import Spec
from ..spec.model import Operation
from ..spec.routing import NoRoute, Router, WrongMethod
from ..validation import RequestValidator, ResponseValidator
from . import errors


@dataclass(frozen=True, slots=True)
class Endpoint:
    operation: Operation
    request: RequestValidator
    response: ResponseValidator


class OperationTable:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.endpoints = {
            operation_id: Endpoint(
                operation, RequestValidator(operation), ResponseValidator(operation)
            )
            for operation_id, operation in spec.operations.items()
        }
        self._routes = Router(spec.operations.values())

    @classmethod
    def of(cls, spec: Spec) -> OperationTable:
        """The table of `spec`, compiled on first use."""
        with _lock:
            found = _tables.get(id(spec))
            if found is None or found[0] is not spec:
                found = _tables[id(spec)] = (spec, cls(spec))
                if len(_tables) > _MAX_TABLES:
                    del _tables[next(iter(_tables))]
            return found[1]

    def match(self, method: str, path: str) -> tuple[Endpoint, Mapping[str, Any]]:
        """The endpoint a request names, or Pleo-shaped 404 / 405 (with Allow)."""
        try:
            operation_id, path_args = self._routes.match(method, path)
        except NoRoute:  # also a path a slash away from a route (`/_mock` for `/_mock/`)
            raise errors.not_found(path) from None
        except WrongMethod as wrong:
            raise errors.method_not_allowed(method, path, wrong.allowed) from None
        return self.endpoints[operation_id], path_args

    def require_handlers(self, handlers: Mapping[str, object], what: str) -> None:
        """Refuse to start when an operation of the spec has nobody to answer it."""
        missing = sorted(set(self.endpoints) - set(handlers))
        if missing:
            raise SpecError(f"{what} operations without a handler: {', '.join(missing)}")


# Specs are few (ours, the control plane's, one per test at most); the bound is a safety net.
_MAX_TABLES = 16
_tables: dict[int, tuple[Spec, OperationTable]] = {}
_lock = threading.Lock()
