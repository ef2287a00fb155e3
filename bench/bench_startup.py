"""Target 5 of the speed issue: how soon `serve` answers after it is started.

    ./dev bench bench/bench_startup.py [--runs 7] [--scenario pending]

Starts `pleo-export-mock serve --port P --quiet` (P a free port) and polls
`GET /_mock/clock` every 5 ms until it answers 200: the time from spawning the process to that
answer, median and spread over `--runs`, beside a bare `python -c pass` measured in the same
run (the floor any Python server pays). Target: 0.3 s or less. The plugin's import cost is
bench_plugin_import.py's. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

GOAL_S = 0.3
SERVE = Path(sys.executable).with_name("pleo-export-mock")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def time_to_answer(scenario: str, timeout: float = 30) -> float:
    port = free_port()
    command = [str(SERVE), "serve", "--port", str(port), "--quiet", "--scenario", scenario]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < timeout:
            try:
                url = f"http://127.0.0.1:{port}/_mock/clock"
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"serve did not answer within {timeout} s")
    finally:
        process.terminate()
        process.wait(timeout=10)


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="pending")
    args = parser.parse_args(argv)
    serve, bare = [], []
    for _ in range(args.runs):  # alternating, so load on the machine hits both alike
        serve.append(time_to_answer(args.scenario))
        bare.append(bare_python())
    median = statistics.median(serve)
    verdict = "PASS" if median <= GOAL_S else "FAIL"
    print(
        f"serve answers after {median:.3f} s (median of {args.runs}; {min(serve):.3f}-"
        f"{max(serve):.3f}); a bare Python start {statistics.median(bare):.3f} s;"
        f" goal <= {GOAL_S} s: {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
