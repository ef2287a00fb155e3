"""HTTP-side switches. Strict defaults; each lenient reading is named (docs/decisions.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..sandbox import Sandbox

# The verifier's verdict on a sandbox so far, JSON-ready. The verifier sits above http/, so
# whoever builds the app (serve, the test handle) hands it in.
Judge = Callable[["Sandbox"], dict[str, Any]]


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
    # Answers GET /_mock/verdict (the dashboard's live verdict); None: that answers 404.
    judge: Judge | None = None
