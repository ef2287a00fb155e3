"""A pytest plugin for bench_suite.py: each test's wall and CPU time, one file per worker.

Loaded with `-p suite_timing` (bench/ on PYTHONPATH) into every xdist worker. CPU counts the
worker and the children it waited for (connectors, servers, `./dev` commands), so a test
that runs a subprocess is charged for it. Writes JSON lines to $BENCH_SUITE_DIR/<worker>.jsonl.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

_out: list[IO[str]] = []


def _cpu() -> float:
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    started, cpu = time.time(), _cpu()
    yield
    if not _out:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out.append((Path(os.environ["BENCH_SUITE_DIR"]) / f"{worker}.jsonl").open("w"))
    row = {"test": item.nodeid, "start": started, "end": time.time(), "cpu": _cpu() - cpu}
    _out[0].write(json.dumps(row) + "\n")


def pytest_sessionfinish() -> None:
    for out in _out:
        out.close()
