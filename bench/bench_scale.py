"""Target 4 of the speed issue: one big job, its load time, its pages, its memory per item.

    ./dev bench bench/bench_scale.py [--items 100000 1000000] [--rounds 3] [--pages 500]
                                     [--warm-pages 100] [--cold-pages 40]

Loads a scenario of one pending job of `--items` entries (as `large`, scaled) in a fresh
process and prints the load time and the process's resident memory per item (RSS after the
load minus RSS of the same process with a 100-item job, over the difference in items), and
what one payload kept in the payload cache costs (tracemalloc) times the cache's bound. Then,
in process (the app without a server), a page of 100 from the middle of the big job (`after=`
a cursor) against the same page of a 100-item job, rounds alternating, three ways: the job's
items (no payloads), its export items warm (the page read again: its payloads kept) and cold
(the payload cache emptied before each read, outside the timing: every payload made).
Last, ten resets of the big job after a change: what one costs, and how far resident memory
rises over the loaded state's (each copies the first moment; the state it leaves must not
linger); then ten after reads only, which keep the state in place.
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
RESETS = 10  # of the big job, last: what one costs, and how far memory rises


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


def child(items: int, pages: int, warm_pages: int, cold_pages: int, rounds: int) -> dict[str, Any]:
    """In a fresh process: load the small job, then the big one; time pages of both."""
    import gc
    import tracemalloc

    from werkzeug.test import Client

    from pleo_export_mock.domain.credentials import CredentialKind
    from pleo_export_mock.http import HttpSettings, create_app
    from pleo_export_mock.http.state_view import authorization_header
    from pleo_export_mock.sandbox import Sandbox
    from pleo_export_mock.scenarios.lazy import PAYLOADS

    small = Sandbox("pending")
    small.load_scenario_text(scenario_text(100))
    gc.collect()
    rss_small = rss_kib()
    big = Sandbox("pending")
    started = time.perf_counter()
    big.load_scenario_text(scenario_text(items))
    load_s = time.perf_counter() - started
    gc.collect()
    rss_big = rss_kib()

    def paths(sandbox: Sandbox) -> tuple[Client, dict[str, str], dict[str, str]]:
        """A page of 100 from the middle of the job, `after=` a cursor: its items (outcomes
        only) and its export items (the payloads)."""
        client = Client(create_app(sandbox, HttpSettings(response_violations="log")))
        keys = [c for c in sandbox.state.credentials if c.kind is CredentialKind.API_KEY]
        auth = {"Authorization": authorization_header(keys[0])}
        job = sandbox.state.store.jobs()[0]
        middle = len(job.items) // 2 - 50
        found = {}
        for kind, base in (
            ("items", f"/v3/export-jobs/{job.id}/items?"),
            ("export-items", f"/v3/export-items?job_id={job.id}&"),
        ):
            probe = client.get(f"{base}limit=1&offset={middle}", headers=auth)
            cursor = probe.json["pagination"]["endCursor"]
            found[kind] = f"{base}limit=100&after={cursor}"
        return client, auth, found

    def per_page(target: tuple[Client, dict[str, str], dict[str, str]], kind: str) -> float:
        """Microseconds per page: warm (read again and again) or cold (every payload made,
        the cache emptied before each read, outside the timing)."""
        client, auth, found = target
        path = found["export-items" if kind != "items" else "items"]
        if kind != "cold":
            client.get(path, headers=auth)  # warm: the page's payloads are kept
            count = pages if kind == "items" else warm_pages
            started = time.perf_counter()
            for _ in range(count):
                assert client.get(path, headers=auth).status_code == 200
            return (time.perf_counter() - started) / count * 1e6
        spent = 0.0
        for _ in range(cold_pages):
            PAYLOADS.clear()
            started = time.perf_counter()
            assert client.get(path, headers=auth).status_code == 200
            spent += time.perf_counter() - started
        return spent / cold_pages * 1e6

    targets = paths(small), paths(big)
    kinds = ("items", "warm", "cold")
    measured: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    for _ in range(rounds):  # small, big, small, big ...: both see the same machine
        for kind in kinds:
            measured[kind].append((per_page(targets[0], kind), per_page(targets[1], kind)))

    # What one kept payload costs: the cache's bound times this is its most memory.
    job = big.state.store.jobs()[0]
    entries = {e.id: e for e in big.state.store.entries(job.company_id)}
    sample = [entries[item.accounting_entry_id] for item in job.items[:500]]
    source = sample[0].source
    make = source.make  # type: ignore[attr-defined]
    tracemalloc.start()
    made = [make(entry.index) for entry in sample]
    payload_bytes = tracemalloc.get_traced_memory()[0] / len(made)
    tracemalloc.stop()

    # A reset after a test's hand on the state copies the first moment; the state it leaves
    # must go at once, not pile up until the garbage collector's next full pass.
    gc.collect()
    rss_loaded = peak = rss_kib()
    started = time.perf_counter()
    for _ in range(RESETS):
        big.store.now()  # what a test that changes things does: the next reset must copy
        big.reset()
        peak = max(peak, rss_kib())
    reset_ms = (time.perf_counter() - started) / RESETS * 1000
    # After reads only, a reset keeps the state in place: nothing to copy.
    big.reset()
    started = time.perf_counter()
    for _ in range(RESETS):
        big.reset()
    kept_ms = (time.perf_counter() - started) / RESETS * 1000
    return {
        "items": items,
        "load_s": load_s,
        "bytes_per_item": (rss_big - rss_small) * 1024 / max(1, items - 100),
        "payload_bytes": payload_bytes,
        "cache_limit": PAYLOADS.limit,
        "reset_ms": reset_ms,
        "kept_reset_ms": kept_ms,
        "reset_growth_mib": (peak - rss_loaded) / 1024,
        "pages": {
            kind: {
                "us_small": statistics.median(r[0] for r in rows),
                "us_big": statistics.median(r[1] for r in rows),
                "ratios": [b / a for a, b in rows],
            }
            for kind, rows in measured.items()
        },
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
    parser.add_argument(
        "--items", type=int, nargs="+", action="extend", help="job sizes (default 100000 1000000)"
    )
    parser.add_argument("--pages", type=int, default=500, help="job-item pages per round")
    parser.add_argument("--warm-pages", type=int, default=100, help="warm export-item pages")
    parser.add_argument("--cold-pages", type=int, default=40, help="cold export-item pages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        row = child(args.child, args.pages, args.warm_pages, args.cold_pages, args.rounds)
        print(json.dumps(row))
        return 0
    limit = schema_limit()
    for items in args.items or [100_000, 1_000_000]:
        if limit is not None and items > limit:
            print(f"{items:>9} items: not run: the scenario schema allows at most {limit} entries")
            continue
        command = [
            *(sys.executable, __file__, "--child", str(items), "--pages", str(args.pages)),
            *("--warm-pages", str(args.warm_pages), "--cold-pages", str(args.cold_pages)),
            *("--rounds", str(args.rounds)),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{items:>9} items: failed: {done.stderr.strip()[-600:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{items:>9} items: load {row['load_s']:.2f} s, {row['bytes_per_item']:.0f} bytes"
            f" per item (RSS); a kept payload {row['payload_bytes'] / 1024:.1f} KiB"
            f" (tracemalloc), at most {row['cache_limit']:,} kept"
            f" ({row['cache_limit'] * row['payload_bytes'] / 2**20:.0f} MiB)",
            flush=True,
        )
        print(
            f"{'':>9}   {RESETS} resets after a change: {row['reset_ms']:.0f} ms each; resident"
            f" memory at most {row['reset_growth_mib']:.0f} MiB over the loaded state's;"
            f" after reads only: {row['kept_reset_ms'] * 1000:.0f} us each (the state kept)",
            flush=True,
        )
        for kind, what in (
            ("items", "job items (no payloads)"),
            ("warm", "export items, warm"),
            ("cold", "export items, cold"),
        ):
            page = row["pages"][kind]
            ratios = page["ratios"]
            verdict = "PASS" if statistics.median(ratios) <= GOAL_PAGE_RATIO else "FAIL"
            print(
                f"{'':>9}   page of 100, {what}: {page['us_big']:.0f} us vs"
                f" {page['us_small']:.0f} us on a 100-item job, ratio"
                f" {statistics.median(ratios):.2f} (rounds {min(ratios):.2f}-{max(ratios):.2f});"
                f" goal <= {GOAL_PAGE_RATIO}: {verdict}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
