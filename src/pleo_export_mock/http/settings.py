"""HTTP-side switches. Strict defaults; each lenient reading is named (docs/decisions.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The wire-level switches of one app: limits, lenient readings, and what to do with an
    answer that breaks our own spec. Give them to `create_app(sandbox, settings)`."""

    # `limit` above the maximum: 400 (strict) or served at the maximum.
    clamp_limit: bool = False
    # `Authorization: Basic <key>` without base64 and colon, as one Pleo page shows it.
    accept_raw_api_key: bool = False
    # Events naming the job `exportJobId` (a Pleo how-to's spelling) instead of the spec's `jobId`.
    accept_export_job_id_key: bool = False
    max_body_bytes: int = 1024 * 1024
    # Deprecated operations answer with `Deprecation` and a successor `Link` (a sandbox addition).
    deprecation_headers: bool = True
    # A response that breaks our own spec is a sandbox bug: raise (tests) or log (serve).
    response_violations: Literal["raise", "log"] = "raise"
