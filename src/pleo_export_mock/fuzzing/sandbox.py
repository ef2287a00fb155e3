"""The sandbox fuzzed in process: the same run `fuzz --url` makes, without a socket."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, FuzzOptions
from .result import Finding, FuzzResult
from .run import fuzz_wsgi

if TYPE_CHECKING:
    from ..http import Exchange, SandboxApp
    from ..sandbox import Sandbox

V3_SPEC = "/openapi.json"
LEGACY_SPEC = "/openapi-v0-v2.json"  # v0, v1 and v2


@dataclass
class _SpecWatch:
    """Collects every answer the sandbox's own response validator rejects.

    The app runs with `response_violations="log"` so that Schemathesis judges the bytes the
    sandbox really sent; this keeps our validator's verdict too, so neither can hide a bug.
    """

    labels: dict[str, str]  # operationId -> "GET /v3/export-jobs/{jobId}", as Schemathesis says
    findings: list[Finding] = field(default_factory=list)

    def __call__(self, exchange: Exchange) -> None:
        if not exchange.response_violations or exchange.operation_id is None:
            return
        request = exchange.request
        self.findings.append(
            Finding(
                operation=self.labels[exchange.operation_id],
                check="sandbox_response_validator",
                title=f"{exchange.operation_id} answered {exchange.status} against the spec",
                message="; ".join(map(str, exchange.response_violations)),
                phase="any",
                reproduce=f"{request.method} {request.full_path}",
            )
        )


def fuzz_sandbox(
    sandbox: Sandbox,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = DEFAULT_SEED,
    app: SandboxApp | None = None,
    spec_path: str = V3_SPEC,
) -> FuzzResult:
    """Fuzz the sandbox with its first credential; each phase starts from the scenario's start.

    A reset before each phase gives every phase the scenario's jobs to work on (an earlier
    phase may have finished them all); within a phase, stateful tests included, state evolves.
    `app` is the sandbox's app to fuzz; by default one that logs, not raises, its own spec
    violations (see _SpecWatch). `spec_path` is the served spec to fuzz: v3's by default,
    `LEGACY_SPEC` for v0-v2, `/openapi-webhook-subscriptions.json` for the Webhook
    Subscriptions API.
    """
    from ..http import HttpSettings, create_app
    from ..http.state_view import authorization_header

    app = app or create_app(sandbox, HttpSettings(response_violations="log"))
    operations = {
        **app.spec.operations,
        **app.legacy_spec.operations,
        **app.subscriptions_spec.operations,
    }
    labels = {i: f"{o.method} {o.path}" for i, o in operations.items()}
    watch = _SpecWatch(labels)
    app.observers.append(watch)
    headers = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    options = FuzzOptions(headers=headers, max_examples=max_examples, seed=seed)
    try:
        result = fuzz_wsgi(app, options, lambda _phase: sandbox.reset(), spec_path)
    finally:
        app.observers.remove(watch)
    for finding in watch.findings:
        result.add(finding)
    return result
