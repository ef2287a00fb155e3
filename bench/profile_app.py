"""Where the sandbox spends its time per request, without a server: cProfile over WSGI calls.

    ./dev bench bench/profile_app.py [--request get-job|page-100|mix] [--calls 3000] [--top 25]

Builds the same app as bench_serve.py's sandbox target (validation on, violations logged),
prepares fresh WSGI environs up front, then profiles only the app calls. Prints the functions
with the most own time (tottime) and the most cumulative time, and the cost per call.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

from werkzeug.test import EnvironBuilder

from pleo_export_mock.domain.credentials import CredentialKind
from pleo_export_mock.domain.models import JobStatus
from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

Spec = tuple[str, str, Any]  # method, path with query, JSON body or None


def build(scenario: str) -> tuple[Any, dict[str, str], str]:
    sandbox = Sandbox(scenario)
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    keys = [c for c in sandbox.state.credentials if c.kind is CredentialKind.API_KEY]
    auth = {"Authorization": authorization_header(keys[0])}
    job = next(j for j in sandbox.state.store.jobs() if j.status is JobStatus.PENDING)
    return app, auth, job.id


def call(app: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    environ = environ_for(method, path, headers, body)
    status: list[str] = []
    chunks = app(environ, lambda s, h, e=None: status.append(s))
    raw = b"".join(chunks)
    return int(status[0].split()[0]), (json.loads(raw) if raw else None)


def environ_for(method: str, path: str, headers: dict[str, str], body: Any) -> dict[str, Any]:
    data = None if body is None else json.dumps(body)
    content_type = None if body is None else "application/json"
    builder = EnvironBuilder(
        path=path,
        method=method,
        headers=list(headers.items()),
        data=data,
        content_type=content_type,
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def get_job(app: Any, auth: dict[str, str], job_id: str) -> list[Spec]:
    return [("GET", f"/v3/export-jobs/{job_id}", None)]


def page_100(app: Any, auth: dict[str, str], job_id: str) -> list[Spec]:
    _, page = call(app, "GET", f"/v3/export-jobs/{job_id}/items?limit=1&offset=5999", auth)
    cursor = page["pagination"]["endCursor"]
    return [("GET", f"/v3/export-jobs/{job_id}/items?limit=100&after={cursor}", None)]


def mix(app: Any, auth: dict[str, str], job_id: str) -> list[Spec]:
    event = {"event": "started", "jobId": job_id}
    call(app, "POST", "/v3/export-job-events", auth, event)
    _, page = call(app, "GET", f"/v3/export-jobs/{job_id}/items?limit=100", auth)
    updates = [
        {
            "accountingEntryId": item["accountingEntryId"],
            "status": "successful",
            "exportedAt": "2026-01-15T09:05:00Z",
            "externalId": f"BENCH-{n}",
        }
        for n, item in enumerate(page["data"])
    ]
    return [
        ("GET", "/v3/export-jobs?statuses=pending", None),
        ("GET", f"/v3/export-jobs/{job_id}", None),
        ("GET", f"/v3/export-jobs/{job_id}/items?limit=2", None),
        ("PUT", f"/v3/export-jobs/{job_id}/items", updates),
        ("POST", "/v3/export-job-events", event),
    ]


REQUESTS: dict[str, tuple[str, Callable[[Any, dict[str, str], str], list[Spec]]]] = {
    "get-job": ("pending", get_job),
    "page-100": ("large", page_100),
    "mix": ("pending", mix),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request", choices=sorted(REQUESTS), default="get-job")
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--time", action="store_true", help="no profiler: median microseconds per call of 5 rounds"
    )
    args = parser.parse_args(argv)
    scenario, make = REQUESTS[args.request]
    app, auth, job_id = build(scenario)
    specs = make(app, auth, job_id)
    environs = [
        environ_for(method, path, auth, body)
        for n in range(args.calls)
        for method, path, body in [specs[n % len(specs)]]
    ]
    if args.time:
        return print_timing(args.request, app, auth, specs, args.calls)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for environ in environs:
        b"".join(app(environ, lambda s, h, e=None: None))
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(
        f"{args.request}: {args.calls} calls, {elapsed / args.calls * 1e6:.0f} us per call "
        "under cProfile (which inflates it 2-3x)"
    )
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    return 0


def print_timing(name: str, app: Any, auth: dict[str, str], specs: list[Spec], calls: int) -> int:
    """The cost per call without a profiler: fresh environs per round, median of 5 rounds."""
    rounds = []
    for _ in range(5):
        environs = [
            environ_for(m, p, auth, b) for n in range(calls) for m, p, b in [specs[n % len(specs)]]
        ]
        started = time.perf_counter()
        for environ in environs:
            b"".join(app(environ, lambda s, h, e=None: None))
        rounds.append((time.perf_counter() - started) / calls * 1e6)
    shown = " ".join(f"{r:.0f}" for r in rounds)
    print(f"{name}: {sorted(rounds)[2]:.1f} us per call, median of 5 rounds ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
