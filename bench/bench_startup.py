"""Target 5 of the speed issue: how soon `serve` answers after it is started.

    ./dev bench bench/bench_startup.py [--runs 7] [--scenario pending]

Starts `pleo-export-mock serve --port P --quiet` (P a free port) and polls one URL every 5 ms
until it answers 200: the time from spawning the process to that answer, median and spread
over `--runs`. Two first requests, alternating, each in its own processes:

  clock   GET /_mock/clock (the control plane: the target's own figure)
  export  GET /v3/export-jobs?statuses=pending with the scenario's API key (the Export API:
          what a connector's first call waits for)

beside a bare `python -c pass` measured in the same run (the floor any Python server pays).
Target: 0.3 s or less.

The processes write .pyc files and the specs' parse cache (`spec/cache.py`) even when
PYTHONDONTWRITEBYTECODE is set, as an installed package has them; the first start, which
writes them, is shown apart ("cold"). The plugin's import cost is bench_plugin_import.py's.
A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

GOAL_S = 0.3
SERVE = Path(sys.executable).with_name("pleo-export-mock")
CLOCK = "/_mock/clock"
EXPORT = "/v3/export-jobs?statuses=pending"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def caching_env() -> dict[str, str]:
    """This environment, writing .pyc files and the spec cache as an installed package has."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def authorization(scenario: str) -> str:
    """The scenario's first API key, as a connector would send it (its seed fixes it)."""
    from pleo_export_mock.domain.credentials import CredentialKind
    from pleo_export_mock.http.state_view import authorization_header
    from pleo_export_mock.sandbox import Sandbox

    sandbox = Sandbox(scenario)
    try:
        credentials = sandbox.state.credentials
        key = next(c for c in credentials if c.kind is CredentialKind.API_KEY)
        return authorization_header(key)
    finally:
        sandbox.close()


def time_to_answer(scenario: str, path: str, headers: dict[str, str], timeout: float = 30) -> float:
    port = free_port()
    command = [str(SERVE), "serve", "--port", str(port), "--quiet", "--scenario", scenario]
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=caching_env()
    )
    try:
        while time.perf_counter() - started < timeout:
            try:
                with urllib.request.urlopen(request, timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"serve did not answer {path} within {timeout} s")
    finally:
        process.terminate()
        process.wait(timeout=10)


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    median, low, high = statistics.median(values), min(values), max(values)
    return f"{median:.3f} s (median of {len(values)}; {low:.3f}-{high:.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="pending")
    args = parser.parse_args(argv)
    firsts = {CLOCK: {}, EXPORT: {"Authorization": authorization(args.scenario)}}
    cold = time_to_answer(args.scenario, CLOCK, firsts[CLOCK])  # writes .pyc and spec caches
    times: dict[str, list[float]] = {path: [] for path in firsts}
    bare = []
    for _ in range(args.runs):  # alternating, so load on the machine hits each alike
        for path, headers in firsts.items():
            times[path].append(time_to_answer(args.scenario, path, headers))
        bare.append(bare_python())
    print(f"cold start (writes the caches), GET {CLOCK}: {cold:.3f} s")
    print(f"a bare Python start: {spread(bare)}")
    for path, values in times.items():
        verdict = "PASS" if statistics.median(values) <= GOAL_S else "FAIL"
        print(f"serve answers GET {path} after {spread(values)}; goal <= {GOAL_S} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
