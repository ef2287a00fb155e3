"""A run bundle of one failing test (`--export-mock-bundle-dir DIR`), to judge or replay later.

The test is the connector: the bundle holds no connector process. Its start is the loaded
scenario's first moment, seeded again on failure only, so passing tests pay nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UsageError
from ..sandbox import Sandbox, SandboxConfig
from ..snapshot import SnapshotError, take_snapshot
from ..verify.bundle import write_bundle
from ..verify.evaluate import build_context, evaluate
from ..verify.report import Judged, Outcome, Snapshots


def bundle_name(test_id: str) -> str:
    """A file name from a test's node id: `t/x.py::test_y[a]` -> `t_x.py__test_y_a_.zip`."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", test_id) + ".zip"


def write_test_bundle(sandbox: Sandbox, folder: Path, test_id: str) -> Path | None:
    """Write the test's bundle into `folder`; None when its scenario was built in Python."""
    first = Sandbox(sandbox.scenario, SandboxConfig(seed=sandbox.seed, clock=sandbox.config.clock))
    try:
        start, final = take_snapshot(first), take_snapshot(sandbox)
    except SnapshotError:
        return None  # no YAML to carry: nothing a replay could load
    finally:
        first.close()
    companies = tuple(sorted(build_context(sandbox).companies))
    outcome = Outcome(
        sandbox.scenario.name,
        sandbox.seed,
        evaluate(sandbox, companies),
        sandbox.journal.snapshot(),
        None,
        judged=Judged(companies),
        snapshots=Snapshots(start, final),
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise UsageError(f"cannot make the bundle folder {folder}: {problem.strerror}") from None
    path = folder / bundle_name(test_id)
    write_bundle(path, [outcome])
    return path
