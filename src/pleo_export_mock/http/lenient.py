"""Wire-level lenient readings of Pleo that reshape a request before it is validated.

Each is off by default and switched on in `HttpSettings` (docs/decisions.md lists them).
The journal keeps the request as it was sent, so the verifier still sees what the client did.
"""

from __future__ import annotations

from typing import Any

from .settings import HttpSettings

EVENT_OPERATION = "createExportJobEventV3"


def as_validated(operation_id: str, body: Any, settings: HttpSettings) -> Any:
    """The decoded JSON body that request validation and the handler should see."""
    if operation_id == EVENT_OPERATION and settings.accept_export_job_id_key:
        return _job_id_from_export_job_id(body)
    return body


def _job_id_from_export_job_id(body: Any) -> Any:
    """`exportJobId`, as a Pleo how-to spells it, read as the spec's `jobId` (which wins)."""
    if isinstance(body, dict) and "exportJobId" in body and "jobId" not in body:
        return {**body, "jobId": body["exportJobId"]}
    return body
