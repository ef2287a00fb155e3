"""`verify`: a fresh sandbox on a free loopback port, the connector run against it, a verdict."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.credentials import Credential, CredentialKind
from ..errors import UsageError
from ..http import HttpSettings, create_app
from ..http.connector_env import connector_env, connector_process_env
from ..sandbox import Sandbox, SandboxConfig
from ..server import SandboxServer
from .evaluate import evaluate
from .model import ConnectorRun
from .report import Outcome


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    scenario: str
    command: tuple[str, ...]
    seed: int | None = None
    timeout: float = 60.0
    no_deprecated: bool = False  # deprecated (v0-v2) operations fail the verdict


def verify(options: VerifyOptions) -> Outcome:
    sandbox = Sandbox(options.scenario, SandboxConfig(seed=options.seed, clock="running"))
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    api_key, token = _credentials(sandbox)
    company_id = (api_key or token).company_ids[0]  # type: ignore[union-attr]
    with SandboxServer(app) as server:
        given = connector_env(server.url, company_id, filter(None, (api_key, token)))
        run = run_connector(options.command, connector_process_env(given), options.timeout)
    companies = {company_id}
    strict = ("uses-current-api",) if options.no_deprecated else ()
    verdict = evaluate(sandbox, companies, run=run, as_errors=strict)
    return Outcome(sandbox.scenario.name, sandbox.seed, verdict, sandbox.journal.snapshot(), run)


def run_connector(command: Sequence[str], env: dict[str, str], timeout: float) -> ConnectorRun:
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            list(command),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",  # a connector may print anything; its bytes are not ours to judge
            stdin=subprocess.DEVNULL,
        )
    except OSError as problem:
        raise UsageError(
            f"cannot start the connector `{' '.join(command)}`: {problem.strerror or problem}"
        ) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        code = None
    return ConnectorRun(tuple(command), code, time.monotonic() - started, stdout, stderr)


def _credentials(sandbox: Sandbox) -> tuple[Credential | None, Credential | None]:
    """The first company's API key and bearer token: what the connector is given."""
    first = sandbox.store.companies()[0].id
    mine = [c for c in sandbox.state.credentials if first in c.company_ids]
    pick = {kind: next((c for c in mine if c.kind is kind), None) for kind in CredentialKind}
    if not any(pick.values()):
        raise UsageError(f"scenario {sandbox.scenario.name} has no credential for company {first}")
    return pick[CredentialKind.API_KEY], pick[CredentialKind.BEARER]
