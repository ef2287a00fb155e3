"""Target 6 of the speed issue: the whole test suite's time, and where it goes.

    ./dev bench bench/bench_suite.py [--workers N] [--top 15]

Runs the suite as `./dev test` does (pytest-xdist, a worker per core and three more, unless
`--workers`), lint and type check left out, with suite_timing.py recording each test's wall
and CPU time. Prints pytest's wall time against the 3-minute goal, the CPU it used and how
much of the cores that kept busy, when each worker finished (a worker left running a long
test alone shows here), and the tests and folders that cost the most CPU. Raw rows go to
bench/results/suite-<timestamp>.json. Compiled modules are kept, as under `./dev`.

Run it twice: the first run on a fresh checkout also compiles every module and rewrites the
plugins' assertions once. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_startup import caching_env

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GOAL_S = 180.0


def run_suite(workers: int, rows_dir: Path) -> tuple[int, float, float]:
    """pytest's exit code, its wall time and the CPU it and its children used."""
    env = {**caching_env(), "BENCH_SUITE_DIR": str(rows_dir)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "-p", "suite_timing"]
    before, started = os.times(), time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if result.returncode != 0:
        print(result.stdout[-3000:], file=sys.stderr)
    return result.returncode, wall, cpu


def read_rows(rows_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(rows_dir.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            rows.append({**json.loads(line), "worker": path.stem})
    return rows


def report(rows: list[dict[str, Any]], wall: float, cpu: float, workers: int, top: int) -> None:
    cores = os.cpu_count() or 1
    verdict = "PASS" if wall <= GOAL_S else "FAIL"
    minutes = f"{wall / 60:.2f} min"
    print(f"pytest wall time: {wall:.0f} s ({minutes}); goal <= {GOAL_S:.0f} s: {verdict}")
    print(f"CPU: {cpu:.0f} s over {cores} cores: {cpu / (wall * cores):.0%} of them kept busy")
    print(f"  at best, CPU / cores: {cpu / cores:.0f} s")
    first = min(row["start"] for row in rows)
    print(f"\n{workers} workers: when each finished, and its tests' CPU")
    for worker in sorted({row["worker"] for row in rows}):
        mine = [row for row in rows if row["worker"] == worker]
        ended = max(row["end"] for row in mine) - first
        spent = sum(row["cpu"] for row in mine)
        print(f"  {worker}: {len(mine):5d} tests, ended at {ended:6.1f} s, CPU {spent:6.1f} s")
    print(f"\nthe {top} tests with the most CPU (wall in brackets)")
    for row in sorted(rows, key=lambda r: -r["cpu"])[:top]:
        print(f"  {row['cpu']:6.1f} s ({row['end'] - row['start']:6.1f}) {row['test'][:100]}")
    folders: Counter[str] = Counter()
    for row in rows:
        folders["/".join(row["test"].split("::")[0].split("/")[:2])] += row["cpu"]
    print(f"\nCPU by folder (tests: {sum(folders.values()):.0f} s)")
    for folder, spent in folders.most_common(top):
        print(f"  {spent:6.1f} s {folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 3)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        code, wall, cpu = run_suite(args.workers, Path(folder))
        rows = read_rows(Path(folder))
    if not rows:
        print(f"the suite recorded no test (pytest exit {code}); nothing to report")
        return 1
    if code != 0:
        print(f"note: pytest exited {code}; the figures below include the failing run")
    report(rows, wall, cpu, args.workers, args.top)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = results / f"suite-{stamp}.json"
    out.write_text(json.dumps({"wall": wall, "cpu": cpu, "rows": rows}))
    print(f"\nraw results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
