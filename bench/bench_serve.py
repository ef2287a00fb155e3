"""Throughput of the sandbox over HTTP, against a hello-world app on the same server.

Run from the repository root:

    ./dev bench bench/bench_serve.py [--duration 5] [--connections 16] [--rounds 3]

Every target runs in its own process on 127.0.0.1 (waitress via `SandboxServer`, same thread
count), and `wrk` loads it (16 connections, 2 threads); without wrk a slower Python generator
takes over and says so. Runs alternate (baseline, sandbox, baseline, sandbox, ...) for
`--rounds` rounds and each table shows the MEDIAN per target, so a noisy neighbour on a shared
machine hits both alike.

How to read the output:

  a. GET one export job. `ratio` = sandbox req/s / baseline req/s: the share of a bare server's
     throughput the sandbox keeps after routing, auth, request validation, the store, JSON and
     response validation. The target is >= 40% (PASS/FAIL line). `per round` shows the ratio
     of each round: if those disagree a lot, the machine was too noisy; run again or longer.
  b. A connector's workflow mix (list pending jobs, get the job, page its items, PUT a batch
     of results, POST an event) cycled over and over. The sandbox is reset and the job started
     before each round; identical PUT retries answer 200, and the repeated `started` event
     answers 422 by design (an in-progress job cannot start again). `non-2xx` counts them; the
     per-request statuses of one pass are printed above the table.
  c. A page from the middle of the 12,000-item job of `large` (`after=` a cursor) against the
     same on `pending`, whose 5-item job leaves 3 rows there. `large, 3 rows` vs `pending`
     has the same rows in a 2,400x bigger job: a ratio near 1 means paging costs O(page),
     not O(job). `large, 100 rows` (limit=100, as a connector pages) shows a full page's cost.

Absolute req/s depend on the machine and drift with its load; compare ratios. Raw results
(every round) go to bench/results/serve-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import select
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from load import LoadResult, Request, have_wrk, run_load
from peers import stop_process

from pleo_export_mock.cli_numbers import SERVE_THREADS

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
TARGET_SCRIPT = BENCH / "targets.py"
HEADLINE_TARGET = 0.40
PAGE_LIMIT = 100
PUT_BATCH = 20


# -- targets: one server process each -------------------------------------------------------------


@dataclass
class Target:
    label: str
    process: subprocess.Popen[str]
    facts: dict[str, Any]
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.facts["port"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_process(self.process)


def start_target(
    label: str,
    kind: str,
    scenario: str,
    threads: int,
    log_dir: Path,
    timeout: float = 180,
    server: str = "waitress",
) -> Target:
    """Start `bench/targets.py` and read the JSON line it prints once it listens."""
    log_path = log_dir / f"{label}.log"
    command = [sys.executable, str(TARGET_SCRIPT), kind, "--scenario", scenario]
    command += ["--threads", str(threads), "--server", server]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        raise RuntimeError(f"{label} did not start; its log:\n{log_path.read_text()[-3000:]}")
    target = Target(label, process, json.loads(line), log_path)
    wait_listening(target, timeout)
    return target


def wait_listening(target: Target, timeout: float) -> None:
    """granian prints its port before its worker listens: wait until a connection succeeds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", target.port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or target.process.poll() is not None:
                target.stop()
                raise RuntimeError(
                    f"{target.label} does not listen; see {target.log_path}"
                ) from None
            time.sleep(0.05)


# -- plain HTTP for setting the stage -------------------------------------------------------------


def call(
    target: Target,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    payload = None if body is None else json.dumps(body).encode()
    all_headers = dict(headers or {})
    if payload is not None:
        all_headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, payload, all_headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    return response.status, (json.loads(raw) if raw else None)


def send(target: Target, request: Request) -> tuple[int, bytes]:
    """One request exactly as the load generator sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    headers = dict(request.headers)
    if request.body is not None:
        headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(request.method, request.path, request.body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def expect(status: int, wanted: int, what: str, body: Any) -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: expected HTTP {wanted}, got {status}: {body}")


def reset(target: Target) -> dict[str, str]:
    """POST /_mock/reset; the Authorization header of the scenario's API key afterwards."""
    status, summary = call(target, "POST", "/_mock/reset")
    expect(status, 200, "reset", summary)
    keys = [c for c in summary["credentials"] if c["kind"] == "api_key"]
    authorization = (keys or summary["credentials"])[0]["authorization"]
    return {"Authorization": authorization}


def items_path(job_id: str, **query: Any) -> str:
    return f"/v3/export-jobs/{job_id}/items?" + urlencode(query)


# -- a. GET one job -------------------------------------------------------------------------------


def get_job_requests(sandbox: Target) -> list[Request]:
    auth = reset(sandbox)
    job_id = sandbox.facts["job_id"]
    return [Request("get job", "GET", f"/v3/export-jobs/{job_id}", auth)]


# -- b. the workflow mix --------------------------------------------------------------------------


@dataclass
class MixPlan:
    requests: list[Request]
    preflight: list[tuple[str, int]] = field(default_factory=list)  # (request name, status)


def item_pages(sandbox: Target, auth: dict[str, str], job_id: str) -> tuple[list[str], list[str]]:
    """Paths of every page of the job's items (up to 5 pages), and the entry ids seen."""
    total = sandbox.facts["job_items"]
    limit = max(1, min(PAGE_LIMIT, -(-total // 3)))  # about three pages
    paths, entry_ids = [items_path(job_id, limit=limit)], []
    while len(paths) <= 5:
        status, page = call(sandbox, "GET", paths[-1], auth)
        expect(status, 200, "list items", page)
        entry_ids += [item["accountingEntryId"] for item in page["data"]]
        pagination = page["pagination"]
        if not pagination["hasNextPage"]:
            break
        paths.append(items_path(job_id, limit=limit, after=pagination["endCursor"]))
    return paths[:5], entry_ids


def put_batch(entry_ids: Sequence[str]) -> bytes:
    updates = [
        {
            "accountingEntryId": entry_id,
            "status": "successful",
            "exportedAt": "2026-01-15T09:05:00Z",
            "externalId": f"BENCH-{n}",
            "externalUrl": f"https://erp.example/entries/BENCH-{n}",
        }
        for n, entry_id in enumerate(entry_ids[:PUT_BATCH])
    ]
    return json.dumps(updates).encode()


def prepare_mix(sandbox: Target) -> MixPlan:
    """Reset, start the pending job, build the cycle, and send it once (the preflight).

    After the preflight the state is the steady state every later pass sees: the job is
    in progress, the PUT is an identical retry (200), the `started` event is refused (422).
    """
    auth = reset(sandbox)
    job_id, company_id = sandbox.facts["job_id"], sandbox.facts["company_id"]
    event = {"event": "started", "jobId": job_id}
    status, body = call(sandbox, "POST", "/v3/export-job-events", auth, event)
    expect(status, 202, "start the job", body)
    pages, entry_ids = item_pages(sandbox, auth, job_id)
    query = urlencode({"statuses": "pending", "company_id": company_id})
    requests = [
        Request("list pending jobs", "GET", f"/v3/export-jobs?{query}", auth),
        Request("get job", "GET", f"/v3/export-jobs/{job_id}", auth),
        *[Request(f"items page {n + 1}", "GET", path, auth) for n, path in enumerate(pages)],
        Request(
            f"put {min(PUT_BATCH, len(entry_ids))} items",
            "PUT",
            f"/v3/export-jobs/{job_id}/items",
            auth,
            put_batch(entry_ids),
        ),
        Request(
            "post event started", "POST", "/v3/export-job-events", auth, json.dumps(event).encode()
        ),
    ]
    plan = MixPlan(requests)
    for request in requests:
        plan.preflight.append((request.name, send(sandbox, request)[0]))
    return plan


# -- c. paging cost -------------------------------------------------------------------------------


@dataclass
class PagePlan:
    request: Request
    job_items: int
    limit: int
    rows: int
    bytes: int


def middle_cursor(sandbox: Target, auth: dict[str, str]) -> str:
    """The cursor of the item just before the middle of the job (one `offset` probe)."""
    job_id, total = sandbox.facts["job_id"], sandbox.facts["job_items"]
    probe = items_path(job_id, limit=1, offset=max(0, total // 2 - 1))
    status, page = call(sandbox, "GET", probe, auth)
    expect(status, 200, "find the middle cursor", page)
    return str(page["pagination"]["endCursor"])


def prepare_middle_page(sandbox: Target, limit: int) -> PagePlan:
    """A `limit=...&after=<cursor>` page that starts in the middle of the job's items."""
    auth = reset(sandbox)
    job_id = sandbox.facts["job_id"]
    path = items_path(job_id, limit=limit, after=middle_cursor(sandbox, auth))
    request = Request(f"middle page, limit={limit}", "GET", path, auth)
    status, raw = send(sandbox, request)
    expect(status, 200, request.name, raw[:300])
    rows = len(json.loads(raw)["data"])
    return PagePlan(request, sandbox.facts["job_items"], limit, rows, len(raw))


# -- running and summarising ----------------------------------------------------------------------

Step = tuple[str, Callable[[], tuple[str, list[Request]]]]


def alternate(
    steps: Sequence[Step], rounds: int, duration: int, connections: int, threads: int
) -> dict[str, list[LoadResult]]:
    """Each round runs every step once, in order; returns every result per step label."""
    results: dict[str, list[LoadResult]] = {label: [] for label, _ in steps}
    for n in range(rounds):
        for label, prepare in steps:
            url, requests = prepare()
            result = run_load(url, requests, duration, connections, threads)
            results[label].append(result)
            print(
                f"  round {n + 1}/{rounds} {label:<22} {result.rps:9.1f} req/s"
                f"  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
                f"  non-2xx {result.non_2xx}",
                flush=True,
            )
    return results


def median_row(label: str, results: Sequence[LoadResult]) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for result in results:
        for status, count in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "target": label,
        "rps": statistics.median(r.rps for r in results),
        "p50_ms": statistics.median(r.p50_ms for r in results),
        "p99_ms": statistics.median(r.p99_ms for r in results),
        "non_2xx": sum(r.non_2xx for r in results),
        "requests": sum(r.requests for r in results),
        "statuses": statuses,
        "socket_errors": sum(sum(r.socket_errors.values()) for r in results),
    }


def ratios(numerator: Sequence[LoadResult], denominator: Sequence[LoadResult]) -> list[float]:
    return [a.rps / b.rps if b.rps else 0.0 for a, b in zip(numerator, denominator, strict=True)]


def print_table(
    title: str, rows: Sequence[dict[str, Any]], ratio_rows: Sequence[dict[str, Any]]
) -> None:
    print(f"\n{title}" + ("" if have_wrk() else "  [Python loadgen: LOWER-FIDELITY numbers]"))
    print(f"  {'target':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx/requests':>18}")
    for row in rows:
        share = f"{row['non_2xx']}/{row['requests']}"
        print(
            f"  {row['target']:<26} {row['rps']:>9.1f} {row['p50_ms']:>8.2f}"
            f" {row['p99_ms']:>8.2f} {share:>18}"
        )
        if row["socket_errors"]:
            print(f"  {'':<26} socket errors: {row['socket_errors']}")
    for ratio in ratio_rows:
        rounds = " ".join(f"{r:.3f}" for r in ratio["per_round"])
        print(
            f"  ratio {ratio['subject']} / {ratio['baseline']}: {ratio['ratio']:.3f}"
            f"  (per round: {rounds})"
        )


def summarise(
    results: dict[str, list[LoadResult]], baseline: str, subjects: Sequence[str], title: str
) -> dict[str, Any]:
    """Median row per target, and each subject's req/s ratio to the baseline."""
    rows = [median_row(label, results[label]) for label in (baseline, *subjects)]
    base_rps = rows[0]["rps"]
    ratio_rows = [
        {
            "subject": row["target"],
            "baseline": baseline,
            "ratio": row["rps"] / base_rps if base_rps else 0.0,
            "per_round": ratios(results[row["target"]], results[baseline]),
        }
        for row in rows[1:]
    ]
    print_table(title, rows, ratio_rows)
    return {
        "medians": rows,
        "ratios": ratio_rows,
        "ratio": ratio_rows[0]["ratio"],
        "rounds": {label: [r.as_dict() for r in runs] for label, runs in results.items()},
    }


def fixed(url: str, requests: list[Request]) -> Callable[[], tuple[str, list[Request]]]:
    """A step that sends the same requests every round."""
    return lambda: (url, requests)


def warm_up(steps: Sequence[Step], connections: int, threads: int) -> None:
    for _, prepare in steps:
        url, requests = prepare()
        run_load(url, requests, 1, connections, threads)


# -- the three benchmarks -------------------------------------------------------------------------


def bench_get_job(hello: Target, sandbox: Target, args: argparse.Namespace) -> dict[str, Any]:
    requests = get_job_requests(sandbox)
    steps: list[Step] = [
        ("baseline hello-world", fixed(hello.url, requests)),
        ("sandbox pending", fixed(sandbox.url, requests)),
    ]
    print("\na. GET /v3/export-jobs/{jobId} (the pending job)", flush=True)
    warm_up(steps, args.connections, args.wrk_threads)
    results = alternate(steps, args.rounds, args.duration, args.connections, args.wrk_threads)
    summary = summarise(results, steps[0][0], [steps[1][0]], "a. GET one export job")
    summary["pass"] = summary["ratio"] >= HEADLINE_TARGET
    verdict = "PASS" if summary["pass"] else "FAIL"
    print(
        f"  {verdict}: sandbox keeps {summary['ratio']:.0%} of the bare server's req/s "
        f"(target >= {HEADLINE_TARGET:.0%})"
    )
    return summary


def bench_mix(hello: Target, sandbox: Target, args: argparse.Namespace) -> dict[str, Any]:
    # Seeded resets give the same ids and cursors, so the baseline gets the very same list.
    plans = [prepare_mix(sandbox)]

    def sandbox_round() -> tuple[str, list[Request]]:
        plans.append(prepare_mix(sandbox))  # fresh state every round
        return sandbox.url, plans[-1].requests

    steps: list[Step] = [
        ("baseline hello-world", lambda: (hello.url, plans[0].requests)),
        ("sandbox mix", sandbox_round),
    ]
    print("\nb. workflow mix (reset + start the job before every sandbox round)", flush=True)
    warm_up(steps, args.connections, args.wrk_threads)
    results = alternate(steps, args.rounds, args.duration, args.connections, args.wrk_threads)
    print("\n  one pass of the cycle after the preflight (request: status):")
    for name, status in plans[-1].preflight:
        print(f"    {name:<22} {status}")
    summary = summarise(results, steps[0][0], [steps[1][0]], "b. workflow mix")
    summary["cycle"] = [
        {"name": r.name, "method": r.method, "path": r.path, "preflight_status": status}
        for r, (_, status) in zip(plans[-1].requests, plans[-1].preflight, strict=True)
    ]
    return summary


def bench_paging(pending: Target, large: Target, args: argparse.Namespace) -> dict[str, Any]:
    """Middle pages: `large` vs `pending` at limit=100 (as a connector pages), and again with
    the limit cut to the rows the small job has left, so both pages hold the same rows."""
    small = prepare_middle_page(pending, PAGE_LIMIT)
    big = prepare_middle_page(large, PAGE_LIMIT)
    same_rows = prepare_middle_page(large, max(1, small.rows))
    plans = {
        f"pending, {small.rows} rows": (pending, small),
        f"large, {big.rows} rows": (large, big),
        f"large, {same_rows.rows} rows": (large, same_rows),
    }
    steps = [(label, fixed(target.url, [plan.request])) for label, (target, plan) in plans.items()]
    print("\nc. paging cost: GET .../items?limit=N&after=<cursor from the middle>", flush=True)
    for label, (_, plan) in plans.items():
        print(
            f"  {label:<22} job of {plan.job_items:>6} items, limit={plan.limit}, "
            f"page of {plan.rows} rows, {plan.bytes} bytes"
        )
    warm_up(steps, args.connections, args.wrk_threads)
    results = alternate(steps, args.rounds, args.duration, args.connections, args.wrk_threads)
    labels = list(plans)
    summary = summarise(
        results, labels[0], labels[1:], "c. paging: page of a 12,000-item job vs a 5-item job"
    )
    print(f"  the O(page) check is '{labels[2]}' vs '{labels[0]}' (same rows): about 1 is good;")
    print(
        f"  '{labels[1]}' also serialises and validates {big.rows // max(1, small.rows)}x the rows."
    )
    summary["pages"] = {
        label: {**vars(plan), "request": plan.request.path} for label, (_, plan) in plans.items()
    }
    return summary


# -- main -----------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Sandbox vs hello-world throughput on the same server (see module docstring)."
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--server-threads",
        type=int,
        default=SERVE_THREADS,
        help=f"waitress threads (default {SERVE_THREADS}, as serve)",
    )
    parser.add_argument(
        "--python-loadgen",
        action="store_true",
        help="use the lower-fidelity Python generator even when wrk is installed",
    )
    parser.add_argument(
        "--only", choices=("a", "b", "c"), action="append", help="run only these benchmarks"
    )
    return parser.parse_args(argv)


def count_in_logs(targets: Sequence[Target], needle: str) -> dict[str, int]:
    return {t.label: t.log_path.read_text(errors="replace").count(needle) for t in targets}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.python_loadgen:
        os.environ["BENCH_LOADGEN"] = "python"
    only = set(args.only or "abc")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    log_dir = RESULTS / f"serve-{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}")
    if have_wrk():
        print(
            f"load: wrk, {args.connections} connections, {args.wrk_threads} threads, "
            f"{args.duration}s x {args.rounds} rounds per target"
        )
    else:
        from loadgen import LOWER_FIDELITY

        print(LOWER_FIDELITY)
    report: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": info,
        "load_tool": "wrk" if have_wrk() else "loadgen (lower fidelity)",
        "args": vars(args),
    }
    targets: list[Target] = []
    try:
        threads = args.server_threads
        hello = start_target("hello", "hello", "pending", threads, log_dir)
        pending = start_target("sandbox-pending", "sandbox", "pending", threads, log_dir)
        targets += [hello, pending]
        report["pending"] = pending.facts
        if "a" in only:
            report["a_get_job"] = bench_get_job(hello, pending, args)
        if "b" in only:
            report["b_mix"] = bench_mix(hello, pending, args)
        if "c" in only:
            large = start_target("sandbox-large", "sandbox", "large", threads, log_dir)
            targets.append(large)
            report["large"] = {k: v for k, v in large.facts.items() if k != "jobs"}
            report["c_paging"] = bench_paging(pending, large, args)
    finally:
        for target in targets:
            target.stop()
    report["response_violations_logged"] = count_in_logs(targets, "against the spec")
    report["elapsed_s"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    out = RESULTS / f"serve-{stamp}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    violations = sum(report["response_violations_logged"].values())
    print(f"\nresponse violations logged by the sandbox: {violations}")
    print(f"raw results: {out.relative_to(BENCH.parent)} (server logs in {log_dir.name}/)")
    print(f"elapsed: {report['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
