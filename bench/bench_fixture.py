"""Per-test cost of the `export_mock` fixture, beside pytest-httpserver's `httpserver`.

Run from the repository root (pytest-httpserver comes with the `bench` extra):

    .venv/bin/pip install -e '.[bench]'     # once
    ./dev bench bench/bench_fixture.py [--tests 200] [--rounds 3] [--large 5]

Tiny test files are generated in a temporary directory, `--tests` tests each:

  export_mock   the plugin's fixture on the default scenario (`pending`): a fresh state per
                test, then one GET /v3/export-jobs?statuses=pending over HTTP (urllib);
  httpserver    pytest-httpserver: expect_request(...).respond_with_json(...), then the same
                one request over HTTP (urllib).

Each file runs in its own `python -m pytest` process; a small plugin there records every
test's setup + call + teardown (pytest_runtest_logreport). The first test pays for starting
the session's server and the last for stopping it, so both are shown apart and left out of
the median and p90. Runs alternate (export_mock, httpserver, export_mock, ...) for `--rounds`
rounds, and the figures pool every round.

Three comparisons, each in the same rounds:

  with one GET      the two files above: a test as a user writes it;
  ready to answer   no request: `export_mock` alone against `httpserver` with the one
                    expectation a test sets before it can send anything (a scenario is the
                    sandbox's expectations, already in place);
  fixture alone     no request and no expectation: the setup and teardown the speed issue first
                    measured, for information (httpserver then answers every request 500).

The targets: export_mock at most httpserver in the first two, and a fresh `large` at most
20 ms. Then, one run each: `export_mock_client` doing the same GET in process, and `--large`
tests marked with the `large` scenario (12,000 entries).

Raw per-test durations go to bench/results/fixture-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
# The speed issue's targets: a fresh `pending` sandbox costs no more per test than
# pytest-httpserver's `httpserver` in the same run; a fresh `large` one at most 20 ms.
TARGET_RATIO = 1.0
TARGET_LARGE_MS = 20.0

RECORDER = """
import json
import os

durations = {}

def pytest_runtest_logreport(report):
    durations.setdefault(report.nodeid, 0.0)
    durations[report.nodeid] += report.duration

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump(list(durations.values()), out)
"""

EXPORT_MOCK_TESTS = """
import urllib.request

import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_one_request(export_mock, n):
    request = urllib.request.Request(
        export_mock.url + "/v3/export-jobs?statuses=pending",
        headers={{"Authorization": export_mock.authorization}},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
"""

HTTPSERVER_TESTS = """
import urllib.request

import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_one_request(httpserver, n):
    body = {{"data": [], "pagination": {{}}}}
    httpserver.expect_request("/v3/export-jobs").respond_with_json(body)
    request = urllib.request.Request(
        httpserver.url_for("/v3/export-jobs?statuses=pending"),
        headers={{"Authorization": "Basic c2J4Og=="}},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
"""

FIXTURE_ONLY_TESTS = """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_no_request(export_mock, n):
    pass
"""

HTTPSERVER_READY_TESTS = """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_no_request(httpserver, n):
    body = {{"data": [], "pagination": {{}}}}
    httpserver.expect_request("/v3/export-jobs").respond_with_json(body)
"""

HTTPSERVER_ONLY_TESTS = """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_no_request(httpserver, n):
    pass
"""

CLIENT_TESTS = """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_one_request(export_mock_client, n):
    assert export_mock_client.get("/v3/export-jobs?statuses=pending").status_code == 200
"""

LARGE_TESTS = """
import pytest

@pytest.mark.export_mock(scenario="large")
@pytest.mark.parametrize("n", range({tests}))
def test_large(export_mock, n):
    assert export_mock.scenario_name == "large"
"""


def run_file(folder: Path, source: str, label: str) -> list[float]:
    """Per-test seconds of one pytest process over one generated file."""
    test_file = folder / "test_bench.py"
    test_file.write_text(source)
    out = folder / "durations.json"
    env = {**os.environ, "BENCH_OUT": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "recorder"]
    completed = subprocess.run(
        [*command, test_file.name], cwd=folder, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"{label}: pytest exited {completed.returncode}\n{completed.stdout[-3000:]}")
    return [float(d) for d in json.loads(out.read_text())]


def ms(seconds: float) -> float:
    return seconds * 1000


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def summarize(runs: list[list[float]]) -> dict[str, float]:
    steady = [d for run in runs for d in (run[1:-1] if len(run) > 3 else run)]
    return {
        "median_ms": ms(statistics.median(steady)),
        "p90_ms": ms(p90(steady)) if len(steady) > 1 else ms(steady[0]),
        "first_ms": ms(statistics.median(run[0] for run in runs)),
        "last_ms": ms(statistics.median(run[-1] for run in runs)),
        "tests": len(steady),
    }


def pair_ratio(
    summary: dict[str, dict[str, float]], runs: dict[str, list[list[float]]], ours: str, theirs: str
) -> tuple[float, list[float]]:
    """Our median over theirs, pooled, and the same ratio round by round."""
    band = [
        statistics.median(a[1:-1]) / statistics.median(b[1:-1])
        for a, b in zip(runs[ours], runs[theirs], strict=True)
    ]
    return summary[ours]["median_ms"] / summary[theirs]["median_ms"], band


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=200, help="tests per file (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--large", type=int, default=5, help="tests on `large` (default 5)")
    args = parser.parse_args(argv)
    try:
        import pytest_httpserver  # noqa: F401
    except ImportError:
        print("pytest-httpserver is missing: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2

    with_get = ("export_mock, GET over HTTP", "httpserver, GET over HTTP")
    ready = ("export_mock, no request", "httpserver with its expectation, no request")
    alone = ("export_mock, no request", "httpserver, no request")
    alternating = {
        with_get[0]: EXPORT_MOCK_TESTS,
        with_get[1]: HTTPSERVER_TESTS,
        ready[0]: FIXTURE_ONLY_TESTS,
        ready[1]: HTTPSERVER_READY_TESTS,
        alone[1]: HTTPSERVER_ONLY_TESTS,
    }
    informative = {
        "export_mock_client, in process": CLIENT_TESTS.format(tests=args.tests),
        "export_mock on large, no request": LARGE_TESTS.format(tests=args.large),
    }
    runs: dict[str, list[list[float]]] = {label: [] for label in [*alternating, *informative]}
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as tmp:
        folder = Path(tmp)
        (folder / "recorder.py").write_text(RECORDER)
        (folder / "pytest.ini").write_text("[pytest]\n")
        for round_number in range(args.rounds):
            for label, source in alternating.items():
                tests = source.format(tests=args.tests)
                runs[label].append(run_file(folder, tests, f"{label}-{round_number}"))
            print(f"round {round_number + 1} of {args.rounds} done", file=sys.stderr)
        for label, source in informative.items():
            runs[label].append(run_file(folder, source, label))

    summary = {label: summarize(label_runs) for label, label_runs in runs.items()}
    get_ratio, get_band = pair_ratio(summary, runs, *with_get)
    ready_ratio, ready_band = pair_ratio(summary, runs, *ready)
    alone_ratio, alone_band = pair_ratio(summary, runs, *alone)
    ours, theirs = (summary[label] for label in with_get)
    large_ms = summary["export_mock on large, no request"]["median_ms"]
    passed = max(get_ratio, ready_ratio) <= TARGET_RATIO and large_ms <= TARGET_LARGE_MS
    verdict = "PASS" if passed else "FAIL"
    print(f"\nper-test cost (setup + call + teardown); {args.tests} tests x {args.rounds} rounds")
    print("for the first five; first and last test of each run apart (session start and stop):\n")
    print("| run | median ms | p90 ms | first test ms | last test ms |")
    print("|---|---:|---:|---:|---:|")
    for label, row in summary.items():
        print(
            f"| {label} | {row['median_ms']:.3f} | {row['p90_ms']:.3f} | "
            f"{row['first_ms']:.0f} | {row['last_ms']:.0f} |"
        )
    p90_ratio = ours["p90_ms"] / theirs["p90_ms"]
    print(
        f"\nexport_mock / httpserver, with one GET: median {get_ratio:.2f}"
        f" (rounds {min(get_band):.2f}-{max(get_band):.2f}), p90 {p90_ratio:.2f}"
    )
    print(
        f"export_mock / httpserver, ready to answer: {ready_ratio:.2f}"
        f" (rounds {min(ready_band):.2f}-{max(ready_band):.2f})"
    )
    print(
        f"the fixture alone, no expectation (for information): {alone_ratio:.2f}"
        f" (rounds {min(alone_band):.2f}-{max(alone_band):.2f})"
    )
    print(
        f"target: both ratios <= {TARGET_RATIO:.1f} and large <= {TARGET_LARGE_MS:.0f} ms"
        f" (large: {large_ms:.2f} ms): {verdict}"
    )

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    record = {
        "when": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "arguments": vars(args),
        "summary": summary,
        "per_test_seconds": runs,
    }
    path = RESULTS / f"fixture-{stamp}.json"
    path.write_text(json.dumps(record, indent=1))
    print(f"raw results: {path.relative_to(BENCH.parent)}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
