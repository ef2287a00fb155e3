"""Serving one sandbox in the foreground until Ctrl+C: what `serve` and `replay` share."""

from __future__ import annotations

import gc
import logging
import sys
from typing import Any

from .errors import UsageError
from .http import HttpSettings, create_app
from .sandbox import Sandbox
from .server import LOG_FORMAT, LOG_TIME_FORMAT, AccessLog, JobLog, SandboxServer
from .summary import describe_sandbox

# A long run's journal keeps the latest exchanges only, by count and by the bytes of their
# bodies (docs/decisions.md, "Journal").
SERVE_JOURNAL_ENTRIES = 10_000
SERVE_JOURNAL_BYTES = 64 * 1024 * 1024


def serve_in_foreground(sandbox: Sandbox, host: str, port: int, threads: int, quiet: bool) -> int:
    """The banner, then a log line per request, job transition and fault, until stopped.

    A caller may turn the garbage collector off while it builds the sandbox (start-up allocates
    much and frees little); it is on again, with the seeded state frozen, before serving.
    """
    try:
        server = _listening(sandbox, host, port, threads, quiet)
        # The seeded state lives as long as the process: keep the collector from rescanning it.
        gc.freeze()
    finally:
        gc.enable()
    try:
        server.serve_forever()
    finally:
        sandbox.close()  # no webhook leaves a server that has stopped
    return 0


def _judge(sandbox: Sandbox) -> dict[str, Any]:
    """The verdict so far; the verifier is loaded when the dashboard first asks, not at start."""
    from .verify.live import live_verdict

    return live_verdict(sandbox)


def _listening(sandbox: Sandbox, host: str, port: int, threads: int, quiet: bool) -> SandboxServer:
    """The sandbox's server, listening, with the banner printed."""
    sandbox.journal.max_entries = SERVE_JOURNAL_ENTRIES
    sandbox.journal.max_bytes = SERVE_JOURNAL_BYTES
    # The dashboard at /_mock/ shows the verdict so far: the app is given the verifier.
    app = create_app(sandbox, HttpSettings(response_violations="log", judge=_judge))
    app.api.observers.append(JobLog(sandbox))  # the Export API's faults; jobs as they change
    logging.basicConfig(
        level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_TIME_FORMAT, stream=sys.stdout
    )
    # waitress reports every request that waits for a free thread; under load that drowns the log.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if quiet:
        logging.getLogger("pleo_export_mock.access").setLevel(logging.WARNING)
    try:
        server = SandboxServer(AccessLog(app), host=host, port=port, threads=threads)
    except OSError as problem:
        raise UsageError(f"cannot listen on {host}:{port}: {problem.strerror}") from None
    except ValueError:  # waitress, when the host does not resolve
        reason = "not an address of this machine, nor a name it can resolve"
        raise UsageError(f"cannot listen on {host}:{port}: {host!r} is {reason}") from None
    print(describe_sandbox(sandbox, server.url), flush=True)
    return server
