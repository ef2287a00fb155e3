"""Fallback load generator for when `wrk` is not installed. LOWER FIDELITY than wrk.

Several processes (so the generator is not one GIL), each with a few threads, each thread one
keep-alive `http.client` connection cycling through the request list and timing every request.
Python spends far more CPU per request than wrk, and on a small machine it competes with the
server for cores: absolute req/s come out lower and latencies higher than with wrk. Compare
ratios between targets measured the same way, never these numbers with wrk's.
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

from load import LoadResult, Request

LOWER_FIDELITY = (
    "NOTE: load from bench/loadgen.py (pure Python), not wrk (not installed, or BENCH_LOADGEN="
    "python). These numbers are LOWER FIDELITY: the generator competes with the server for CPU. "
    "Install wrk for real figures: apt-get install -y wrk"
)

WorkerResult = tuple[list[float], dict[int, int], int]


def _connection_loop(
    host: str,
    port: int,
    requests: Sequence[Request],
    first: int,
    start_at: float,
    stop_at: float,
    out: list[WorkerResult],
) -> None:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    connection = http.client.HTTPConnection(host, port, timeout=10)
    index = first
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < stop_at:
        request = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request(request.method, request.path, request.body, _headers(request))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] += 1
    connection.close()
    out.append((latencies, dict(statuses), errors))


def _headers(request: Request) -> dict[str, str]:
    headers = dict(request.headers)
    if request.body is not None:
        headers.setdefault("Content-Type", "application/json")
    return headers


def _process(
    args: tuple[str, int, Sequence[Request], int, int, float, float],
) -> list[WorkerResult]:
    host, port, requests, connections, offset, start_at, stop_at = args
    out: list[WorkerResult] = []
    workers = [
        threading.Thread(
            target=_connection_loop,
            args=(host, port, requests, offset + i, start_at, stop_at, out),
        )
        for i in range(connections)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return out


def run_loadgen(
    url: str, requests: Sequence[Request], duration: float, connections: int = 16
) -> LoadResult:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    processes = max(1, min(4, connections))
    per_process = [
        connections // processes + (i < connections % processes) for i in range(processes)
    ]
    start_at = time.time() + 1.0  # every process starts together, after the pool is up
    stop_at = start_at + duration
    jobs = [
        (host, port, list(requests), n, sum(per_process[:i]), start_at, stop_at)
        for i, n in enumerate(per_process)
    ]
    with multiprocessing.Pool(processes) as pool:
        results = [r for chunk in pool.map(_process, jobs) for r in chunk]
    latencies = sorted(lat for lats, _, _ in results for lat in lats)
    statuses: Counter[int] = Counter()
    for _, counts, _ in results:
        statuses.update(counts)
    return LoadResult(
        tool="loadgen (lower fidelity)",
        requests=len(latencies),
        duration_s=duration,
        p50_ms=_percentile(latencies, 50) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
        statuses={str(k): v for k, v in statuses.items()},
        socket_errors={"errors": sum(e for _, _, e in results)}
        if any(r[2] for r in results)
        else {},
    )


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(percent) - 1]
