"""Target 4 of the speed issue: one big job, its load time, its pages, its memory per item.

    ./dev bench bench/bench_scale.py [--items 100000] [--pages 2000] [--rounds 3]

Loads a scenario of one pending job of `--items` entries (as `large`, scaled) in a fresh
process and prints the load time and the process's resident memory per item (RSS after the
load minus RSS of the same process with a 100-item job, over the difference in items). Then,
in process (the app without a server), a page of 100 from the middle of the big job
(`after=` a cursor) against the same page of a 100-item job, rounds alternating.
Targets: 1,000,000 items load in seconds; page ratio <= 1.2; memory per item printed.
A size the scenario schema refuses is printed with the reason and not run.
A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
LARGE = BENCH.parent / "fixtures" / "large.yaml"
GOAL_PAGE_RATIO = 1.2


def scenario_text(items: int) -> str:
    return (
        LARGE.read_text()
        .replace("count: 12000", f"count: {items}")
        .replace("name: large", f"name: scale-{items}")
    )


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(items: int, pages: int) -> dict[str, Any]:
    """In a fresh process: load the small job, then the big one; time pages of both."""
    from werkzeug.test import Client

    from pleo_export_mock.domain.credentials import CredentialKind
    from pleo_export_mock.http import HttpSettings, create_app
    from pleo_export_mock.http.state_view import authorization_header
    from pleo_export_mock.sandbox import Sandbox

    small = Sandbox("pending")
    small.load_scenario_text(scenario_text(100))
    rss_small = rss_kib()
    big = Sandbox("pending")
    started = time.perf_counter()
    big.load_scenario_text(scenario_text(items))
    load_s = time.perf_counter() - started
    rss_big = rss_kib()

    def page_path(sandbox: Sandbox) -> tuple[Client, dict[str, str], str]:
        client = Client(create_app(sandbox, HttpSettings(response_violations="log")))
        keys = [c for c in sandbox.state.credentials if c.kind is CredentialKind.API_KEY]
        auth = {"Authorization": authorization_header(keys[0])}
        job = sandbox.state.store.jobs()[0]
        probe = f"/v3/export-jobs/{job.id}/items?limit=1&offset={len(job.items) // 2 - 50}"
        cursor = client.get(probe, headers=auth).json["pagination"]["endCursor"]
        return client, auth, f"/v3/export-jobs/{job.id}/items?limit=100&after={cursor}"

    def per_page(target: tuple[Client, dict[str, str], str]) -> float:
        client, auth, path = target
        started = time.perf_counter()
        for _ in range(pages):
            client.get(path, headers=auth)
        return (time.perf_counter() - started) / pages * 1e6

    targets = page_path(small), page_path(big)
    rounds = [(per_page(targets[0]), per_page(targets[1])) for _ in range(3)]
    return {
        "items": items,
        "load_s": load_s,
        "bytes_per_item": (rss_big - rss_small) * 1024 / max(1, items - 100),
        "page_us_small": statistics.median(r[0] for r in rounds),
        "page_us_big": statistics.median(r[1] for r in rounds),
        "page_ratios": [b / a for a, b in rounds],
    }


def schema_limit() -> int | None:
    """The most entries one entry spec of a scenario may stand for."""
    import pleo_export_mock.scenarios

    schema_path = Path(pleo_export_mock.scenarios.__file__).with_name("schema.json")
    schema = json.loads(schema_path.read_text())
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            count = node.get("properties", {}).get("count")
            if isinstance(count, dict) and "maximum" in count:
                found.append(int(count["maximum"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return min(found) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, action="append", help="job sizes (default 100000)")
    parser.add_argument("--pages", type=int, default=500, help="pages timed per round")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.pages)))
        return 0
    limit = schema_limit()
    for items in args.items or [1_000_000, 100_000]:
        if limit is not None and items > limit:
            print(f"{items:>9} items: not run: the scenario schema allows at most {limit} entries")
            continue
        command = [sys.executable, __file__, "--child", str(items), "--pages", str(args.pages)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{items:>9} items: failed: {done.stderr.strip()[-600:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        ratios = row["page_ratios"]
        verdict = "PASS" if statistics.median(ratios) <= GOAL_PAGE_RATIO else "FAIL"
        print(
            f"{items:>9} items: load {row['load_s']:.1f} s, {row['bytes_per_item']:.0f} bytes"
            f" per item (RSS); page of 100: {row['page_us_big']:.0f} us vs"
            f" {row['page_us_small']:.0f} us on a 100-item job, ratio"
            f" {statistics.median(ratios):.2f} (rounds {min(ratios):.2f}-{max(ratios):.2f});"
            f" goal <= {GOAL_PAGE_RATIO}: {verdict}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
