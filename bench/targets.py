"""One benchmark target in its own process: `python bench/targets.py hello|sandbox [options]`.

`--server waitress` (the default: `SandboxServer`, as the pytest plugin serves) or
`--server granian` (one worker process, `--threads` Python threads for the app).

Binds 127.0.0.1 on a free port, prints ONE JSON line on stdout for the parent, then serves
until killed. The line holds the port and, for the sandbox, what the load needs: the scenario's
API-key Authorization header, the company and the job to hit (the pending job, or the biggest).

Both targets run on the same `SandboxServer` (waitress) with the same thread count, so the
difference between them is the sandbox's own work per request.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import socket
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pleo_export_mock.server import SandboxServer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from pleo_export_mock.sandbox import Sandbox

HELLO_BODY = b'{"data":{"hello":"world"}}'


def hello_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The baseline: read the body (as the sandbox does), answer a small JSON document."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    headers = [
        ("Content-Type", "application/json;charset=UTF-8"),
        ("Content-Length", str(len(HELLO_BODY))),
    ]
    start_response("200 OK", headers)
    return [HELLO_BODY]


def sandbox_app(scenario: str) -> tuple[Any, Sandbox]:
    """The full sandbox: request and response validation on, violations logged (as `serve`)."""
    from pleo_export_mock.cli_serve import SERVE_JOURNAL_ENTRIES
    from pleo_export_mock.http import HttpSettings, create_app
    from pleo_export_mock.sandbox import Sandbox

    sandbox = Sandbox(scenario)
    sandbox.journal.max_entries = SERVE_JOURNAL_ENTRIES  # as `serve` runs it
    return create_app(sandbox, HttpSettings(response_violations="log")), sandbox


def sandbox_facts(sandbox: Sandbox) -> dict[str, Any]:
    """What the parent needs to build requests: auth header, company, the job to hit."""
    from pleo_export_mock.domain.credentials import CredentialKind
    from pleo_export_mock.domain.models import JobStatus
    from pleo_export_mock.http.state_view import authorization_header

    state = sandbox.state
    keys = [c for c in state.credentials if c.kind is CredentialKind.API_KEY]
    credential = (keys or list(state.credentials))[0]
    jobs = state.store.jobs()
    pending = [job for job in jobs if job.status is JobStatus.PENDING]
    # The pending job when there is one (the headline target), else the biggest job.
    job = (pending or sorted(jobs, key=lambda j: len(j.items), reverse=True))[0]
    return {
        "scenario": sandbox.scenario.name,
        "authorization": authorization_header(credential),
        "company_id": job.company_id,
        "job_id": job.id,
        "job_status": job.status.value,
        "job_items": len(job.items),
        "jobs": [
            {"id": j.id, "status": j.status.value, "items": len(j.items), "company": j.company_id}
            for j in jobs
        ],
    }


def granian_sandbox() -> Any:
    """The sandbox app, made in granian's worker process (the factory granian imports)."""
    app, _ = sandbox_app(os.environ.get("BENCH_SCENARIO", "pending"))
    gc.freeze()
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_granian(target: str, facts: dict[str, Any], scenario: str, threads: int) -> None:
    """granian, one worker: the app's state lives in that one process."""
    from granian import Granian
    from granian.constants import Interfaces

    facts["port"] = free_port()
    facts["server"] = "granian"
    os.environ["BENCH_SCENARIO"] = scenario
    server = Granian(
        target,
        address="127.0.0.1",
        port=facts["port"],
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=threads,
        factory=target.endswith("granian_sandbox"),
        working_dir=Path(__file__).resolve().parent,
        log_level="warning",
    )
    print(json.dumps(facts), flush=True)  # granian binds before its worker starts
    server.serve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=("hello", "sandbox"))
    parser.add_argument("--scenario", default="pending")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--server", choices=("waitress", "granian"), default="waitress")
    args = parser.parse_args(argv)
    facts: dict[str, Any] = {"target": args.target, "threads": args.threads}
    if args.target == "hello":
        app: Any = hello_app
    else:
        app, sandbox = sandbox_app(args.scenario)
        facts.update(sandbox_facts(sandbox))
    if args.server == "granian":
        target = "targets:hello_app" if args.target == "hello" else "targets:granian_sandbox"
        serve_granian(target, facts, args.scenario, args.threads)
        return 0
    # waitress warns "Task queue depth is N" on stderr whenever a request waits for a thread,
    # i.e. tens of thousands of times per run: silence it in both targets, it is not under test.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = SandboxServer(app, host="127.0.0.1", port=0, threads=args.threads)
    facts["port"] = int(server.port)
    print(json.dumps(facts), flush=True)
    gc.freeze()  # as `serve` does once the scenario is seeded
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
