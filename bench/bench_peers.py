"""Target 1 of the speed issue: the sandbox with everything on, side by side with its anchors.

    ./dev bench bench/bench_peers.py [--duration 5] [--rounds 3] [--fill-windows 8]

Everything on: request and response validation, the journal (10,000 entries, as `serve`),
API-key auth. Started in their own processes, on 127.0.0.1, loaded by wrk (16 connections):

  hello-world on granian (1 worker, the fastest server that suits one process's state),
  the sandbox on granian, hello-world and the sandbox on waitress (the plugin's in-thread
  server), Prism 5.14.2 mocking our spec (stateless), WireMock 3.13.2 with one static stub and
  its journal off. Peers are installed with npm into bench/.peers/ when missing; one that
  cannot run is named with the reason and left out.

  a. GET one job, every target once per round, rounds alternating.
     sandbox/hello on granian >= 0.25; sandbox/Prism >= 10; sandbox/WireMock (journal off) >= 0.5
  b. the workflow mix (bench_serve.py's cycle) on the sandbox (granian) and on Prism: >= 5x.
  c. the journal filling: consecutive windows on the sandbox and on WireMock with its journal
     on (10,000 entries); last window / first window, about 1 means flat.

Each ratio is printed with its rounds' spread (min-max): the noise band of the run. Raw results
go to bench/results/peers-<timestamp>.json. A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_serve import (
    RESULTS,
    SERVE_THREADS,
    Target,
    get_job_requests,
    machine,
    prepare_mix,
    send,
    start_target,
)
from load import LoadResult, Request, have_wrk, run_load
from peers import Peer, PeerUnavailable, start_prism, start_wiremock

Server = Target | Peer
GOALS = {  # (subject, anchor): the least ratio of req/s the issue asks for
    ("sandbox granian", "hello granian"): 0.25,
    ("sandbox granian", "prism"): 10.0,
    ("sandbox granian", "wiremock journal off"): 0.5,
    ("sandbox waitress", "hello waitress"): None,  # the plugin's server, for information
    ("sandbox mix granian", "prism mix"): 5.0,
}


def start_all(
    args: argparse.Namespace, log_dir: Path, skipped: dict[str, str]
) -> dict[str, Server]:
    servers: dict[str, Server] = {}
    for server in ("granian", "waitress"):
        threads = args.server_threads if server == "granian" else args.waitress_threads
        for kind in ("hello", "sandbox"):
            label = f"{kind} {server}"
            try:
                servers[label] = start_target(
                    label.replace(" ", "-"), kind, "pending", threads, log_dir, server=server
                )
            except RuntimeError as problem:
                skipped[label] = str(problem)[:300]
    sandbox = servers.get("sandbox granian") or servers["sandbox waitress"]
    job = get_job_requests(sandbox)[0]  # type: ignore[arg-type]
    body = send(sandbox, job)[1]  # type: ignore[arg-type]
    starters: dict[str, Callable[[], Peer]] = {
        "prism": lambda: start_prism(log_dir),
        "wiremock journal off": lambda: start_wiremock(log_dir, False, job.path, body),
    }
    for label, start in starters.items():
        try:
            servers[label] = start()
        except PeerUnavailable as problem:
            skipped[label] = str(problem)
    return servers


def load(server: Server, requests: list[Request], seconds: float) -> LoadResult:
    return run_load(server.url, requests, seconds, 16, 2)


def rounds_of(
    servers: dict[str, Server], plans: dict[str, list[Request]], args: argparse.Namespace
) -> dict[str, list[LoadResult]]:
    """Every server once per round, in turn, so a noisy neighbour hits all alike."""
    for label, server in servers.items():
        load(server, plans[label], 1)  # warm up
    results: dict[str, list[LoadResult]] = {label: [] for label in servers}
    for n in range(args.rounds):
        for label, server in servers.items():
            result = load(server, plans[label], args.duration)
            results[label].append(result)
            print(
                f"  round {n + 1}/{args.rounds} {label:<24} {result.rps:9.1f} req/s"
                f"  p99 {result.p99_ms:7.2f} ms  non-2xx {result.non_2xx}/{result.requests}",
                flush=True,
            )
    return results


def ratio_rows(results: dict[str, list[LoadResult]]) -> list[dict[str, Any]]:
    rows = []
    for (subject, anchor), goal in GOALS.items():
        if subject not in results or anchor not in results:
            continue
        per_round = [
            a.rps / b.rps if b.rps else 0.0
            for a, b in zip(results[subject], results[anchor], strict=True)
        ]
        rows.append(
            {
                "subject": subject,
                "anchor": anchor,
                "ratio": statistics.median(per_round),
                "band": [min(per_round), max(per_round)],
                "goal": goal,
                "pass": None if goal is None else statistics.median(per_round) >= goal,
            }
        )
    return rows


def print_results(title: str, results: dict[str, list[LoadResult]]) -> list[dict[str, Any]]:
    print(f"\n{title}")
    print(f"  {'target':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>16}")
    for label, runs in results.items():
        rps = statistics.median(r.rps for r in runs)
        p50 = statistics.median(r.p50_ms for r in runs)
        p99 = statistics.median(r.p99_ms for r in runs)
        bad = f"{sum(r.non_2xx for r in runs)}/{sum(r.requests for r in runs)}"
        print(f"  {label:<24} {rps:>9.0f} {p50:>8.2f} {p99:>8.2f} {bad:>16}")
    rows = ratio_rows(results)
    for row in rows:
        goal = "" if row["goal"] is None else f"  goal >= {row['goal']}: "
        verdict = "" if row["pass"] is None else ("PASS" if row["pass"] else "FAIL")
        low, high = row["band"]
        print(
            f"  {row['subject']} / {row['anchor']}: {row['ratio']:.3f}"
            f" (rounds {low:.3f}-{high:.3f}){goal}{verdict}"
        )
    return rows


def journal_fill(
    server: Server, requests: list[Request], args: argparse.Namespace
) -> dict[str, Any]:
    windows = [load(server, requests, args.fill_seconds) for _ in range(args.fill_windows)]
    rates = [round(w.rps) for w in windows]
    flat = rates[-1] / rates[0] if rates[0] else 0.0
    print(f"  {server.label:<24} {' '.join(map(str, rates))} req/s; last/first {flat:.2f}")
    return {"windows_rps": rates, "last_over_first": flat}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per run (default 5)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--server-threads", type=int, default=4, help="granian's app threads (default 4)"
    )
    # As `serve` runs it; with fewer threads than wrk's 16 connections waitress itself stalls
    # (hello-world at a few hundred requests a second), which says nothing of the app.
    parser.add_argument(
        "--waitress-threads",
        type=int,
        default=SERVE_THREADS,
        help=f"waitress's threads (default {SERVE_THREADS}, as serve)",
    )
    parser.add_argument("--fill-windows", type=int, default=8)
    parser.add_argument("--fill-seconds", type=float, default=3)
    args = parser.parse_args(argv)
    if not have_wrk():
        print("NOTE: wrk is not installed (apt-get install -y wrk): lower-fidelity Python load")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    log_dir = RESULTS / f"peers-{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"date": started.isoformat(timespec="seconds"), "machine": machine()}
    skipped: dict[str, str] = {}
    servers: dict[str, Server] = {}
    try:
        servers = start_all(args, log_dir, skipped)
        for label, reason in skipped.items():
            print(f"could not run {label}: {reason}")
        sandbox = servers.get("sandbox granian") or servers["sandbox waitress"]
        job = get_job_requests(sandbox)  # type: ignore[arg-type]
        print("\na. GET /v3/export-jobs/{jobId}, everything on", flush=True)
        get_job = rounds_of(servers, dict.fromkeys(servers, job), args)
        report["a_get_job"] = print_results("a. GET one job", get_job)
        report["a_rounds"] = {k: [r.as_dict() for r in v] for k, v in get_job.items()}
        if "prism" in servers:
            mix = prepare_mix(sandbox).requests  # type: ignore[arg-type]
            pair = {"sandbox mix granian": sandbox, "prism mix": servers["prism"]}

            def fresh_mix() -> list[Request]:
                return prepare_mix(sandbox).requests  # type: ignore[arg-type]

            print("\nb. the workflow mix", flush=True)
            mixed = rounds_of(pair, {"sandbox mix granian": fresh_mix(), "prism mix": mix}, args)
            report["b_mix"] = print_results("b. workflow mix", mixed)
        for label in list(servers):
            if label.startswith("wiremock") or label == "prism":
                servers.pop(label).stop()
        print("\nc. throughput as the journal fills (consecutive windows)", flush=True)
        report["c_fill"] = {"sandbox granian": journal_fill(sandbox, job, args)}
        try:
            body = send(sandbox, job[0])[1]  # type: ignore[arg-type]
            wiremock = start_wiremock(log_dir, True, job[0].path, body)
            servers["wiremock journal on"] = wiremock
            report["c_fill"]["wiremock journal on"] = journal_fill(wiremock, job, args)
        except PeerUnavailable as problem:
            print(f"could not run wiremock journal on: {problem}")
            skipped["wiremock journal on"] = str(problem)
    finally:
        for server in servers.values():
            server.stop()
    report["skipped"] = skipped
    out = RESULTS / f"peers-{stamp}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nraw results: {out.relative_to(Path(__file__).resolve().parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
