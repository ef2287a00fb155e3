"""`verify`: a fresh sandbox on a free loopback port, the connector run against it, a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from ..domain.credentials import Credential, CredentialKind
from ..errors import UsageError
from ..http import HttpSettings, create_app
from ..http.connector_env import connector_env, connector_process_env
from ..http.state_view import job_with_items
from ..sandbox import Sandbox, SandboxConfig
from ..server import SandboxServer
from ..snapshot import take_snapshot
from .evaluate import evaluate
from .launch import run_process
from .progress import Progress
from .report import Judged, Outcome, Snapshots
from .service import ServiceWatch


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    scenario: str
    command: tuple[str, ...]
    seed: int | None = None
    timeout: float = 60.0
    no_deprecated: bool = False  # deprecated (v0-v2) operations fail the verdict
    progress: TextIO | None = None  # where to report job transitions while the connector runs
    service: bool = (
        False  # a long-running connector: hold the timeline till ready, SIGTERM when done
    )
    ready_url: str | None = None  # service mode: ready once this answers 2xx (else: subscribed)
    label: str = ""  # which run of several this is ("run 3 of 24: "), for the progress line
    snapshots: bool = False  # keep the state at the start and at the end (`verify --bundle`)


def verify(options: VerifyOptions) -> Outcome:
    """Run the connector against a fresh sandbox of the scenario, and judge what it did."""
    config = SandboxConfig(seed=options.seed, clock="running", hold_timeline=options.service)
    sandbox = Sandbox(options.scenario, config)
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    api_key, token = connector_credentials(sandbox)
    company_id = (api_key or token).company_ids[0]  # type: ignore[union-attr]
    watch = None
    start = take_snapshot(sandbox) if options.snapshots else None
    if options.progress is not None:
        print(
            f"verify: {options.label}scenario {sandbox.scenario.name} (seed {sandbox.seed}): "
            f"running `{' '.join(options.command)}`",
            file=options.progress,
            flush=True,
        )
        watch = Progress(sandbox.journal, sandbox.at_start, options.progress)
    with SandboxServer(app) as server:
        oauth_client = sandbox.state.oauth.client_for(company_id)
        given = connector_env(server.url, company_id, filter(None, (api_key, token)), oauth_client)
        until = ServiceWatch(sandbox, company_id, options.ready_url) if options.service else None
        env = connector_process_env(given)
        run = run_process(options.command, env, options.timeout, watch, until)
    sandbox.close()  # the run is over: no delivery may still reach the connector's endpoint
    strict = ("uses-current-api",) if options.no_deprecated else ()
    verdict = evaluate(sandbox, {company_id}, run=run, as_errors=strict)
    kept = None if start is None else Snapshots(start, take_snapshot(sandbox))
    judged = Judged((company_id,), strict)
    journal = sandbox.journal.snapshot()
    return Outcome(
        sandbox.scenario.name,
        sandbox.seed,
        verdict,
        journal,
        run,
        jobs=final_jobs(sandbox),
        judged=judged,
        snapshots=kept,
    )


def final_jobs(sandbox: Sandbox) -> tuple[dict[str, Any], ...]:
    """Every job of the sandbox with its items, as the control plane shows one."""
    return tuple(job_with_items(sandbox, job.id) for job in sandbox.store.jobs())


def connector_credentials(sandbox: Sandbox) -> tuple[Credential | None, Credential | None]:
    """The first company's API key and bearer token: what the connector is given."""
    first = sandbox.store.companies()[0].id
    mine = [c for c in sandbox.state.credentials if first in c.company_ids]
    pick = {kind: next((c for c in mine if c.kind is kind), None) for kind in CredentialKind}
    if not any(pick.values()):
        raise UsageError(f"scenario {sandbox.scenario.name} has no credential for company {first}")
    return pick[CredentialKind.API_KEY], pick[CredentialKind.BEARER]
