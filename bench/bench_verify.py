"""Wall time of `pleo-export-mock verify` with the reference connector, by hand.

    ./dev bench bench/bench_verify.py [--runs 7] [--scenario pending]

Runs the whole command (process start, sandbox, connector, verdict) several times and prints
the median next to what the connector alone took inside it and a bare interpreter start, so a
slow run on a busy machine shows up as such. Target: median verify wall time <= 2 s on `pending`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "pleo_export_mock.cli"]
CONNECTOR = [sys.executable, str(ROOT / "examples" / "reference_connector.py")]


def one_run(scenario: str) -> tuple[float, float]:
    """(verify wall time, the connector's own run time inside it), in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        started = time.perf_counter()
        subprocess.run(
            [
                *CLI,
                "verify",
                "--scenario",
                scenario,
                "--report-json",
                str(report),
                "--",
                *CONNECTOR,
            ],
            check=True,
            capture_output=True,
        )
        wall = time.perf_counter() - started
        connector = json.loads(report.read_text())["scenarios"][0]["connector"]
    return wall, float(connector["durationSeconds"])


def interpreter_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="pending")
    args = parser.parse_args()
    walls, connectors, bare = [], [], []
    for _ in range(args.runs):  # interleaved, so drift hits all three alike
        wall, connector = one_run(args.scenario)
        walls.append(wall)
        connectors.append(connector)
        bare.append(interpreter_start())
    median = statistics.median(walls)
    print(f"verify --scenario {args.scenario} with the reference connector, {args.runs} runs")
    print(
        f"  verify wall time     median {median:.3f} s   (min {min(walls):.3f}, "
        f"max {max(walls):.3f})"
    )
    print(f"  connector inside it  median {statistics.median(connectors):.3f} s")
    print(f"  bare python start    median {statistics.median(bare):.3f} s")
    print(f"  ratio verify / connector: {median / statistics.median(connectors):.1f}")
    print(f"  {'PASS' if median <= 2.0 else 'FAIL'}: target median <= 2 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
