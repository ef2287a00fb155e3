"""`verify --bundle FILE`: everything about a run in one zip archive, to carry elsewhere.

One folder per run (`runs/1-pending-seed-42/`, numbered in the order they ran), even for a
single run, so a reader never guesses the layout:

    manifest.json                 format, version, tool version, time, sha256 of every member
    runs/N-SCENARIO-seed-S/
      scenario.yaml               the scenario as resolved (its YAML text)
      run.json                    scenario, seed, faults, companies judged, the connector's
                                  command, exit status and duration
      start.snapshot.json         the sandbox when the connector started (GET /_mock/snapshot)
      final.snapshot.json         the sandbox when it was judged, journal included
      journal.har, journal.ndjson every exchange
      verdict.json, verdict.junit.xml
      report.html                 the run as `verify --report-html` shows it
      connector/stdout.txt, connector/stderr.txt

`replay FILE` serves a run's start again; `replay FILE --judge` judges its final state again
(verify/bundle_read.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..journal.export import to_har, to_ndjson
from .html_report import to_html
from .report import Outcome, outcome_json, to_junit

BUNDLE_FORMAT = "pleo-export-mock/bundle"
BUNDLE_VERSION = 1
MANIFEST = "manifest.json"


def run_folder(number: int, outcome: Outcome) -> str:
    return f"runs/{number}-{outcome.scenario}-seed-{outcome.seed}"


def bundle_members(outcomes: Sequence[Outcome]) -> dict[str, bytes]:
    """Every member but the manifest, by its name in the archive."""
    members: dict[str, bytes] = {}
    for number, outcome in enumerate(outcomes, start=1):
        folder = run_folder(number, outcome)
        for name, text in _run_members(outcome).items():
            members[f"{folder}/{name}"] = text.encode("utf-8")
    return members


def manifest(members: dict[str, bytes], outcomes: Sequence[Outcome]) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "tool": version("pleo-export-mock"),
        "created": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "runs": [
            {
                "folder": run_folder(number, outcome),
                "scenario": outcome.scenario,
                "seed": outcome.seed,
                "ok": outcome.verdict.ok,
            }
            for number, outcome in enumerate(outcomes, start=1)
        ],
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }


def write_bundle(path: Path, outcomes: Sequence[Outcome]) -> None:
    """Write the archive whole or not at all: a half-written bundle never takes `path`."""
    members = bundle_members(outcomes)
    index = json.dumps(manifest(members, outcomes), indent=2, ensure_ascii=False) + "\n"
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(".zip", ".bundle-", path.resolve().parent)
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, index)
            for name, data in members.items():
                zf.writestr(name, data)
        os.replace(temporary, path)
    except OSError as problem:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise UsageError(f"cannot write {path}: {problem.strerror or problem}") from None


def _run_members(outcome: Outcome) -> dict[str, str]:
    if outcome.snapshots is None or outcome.judged is None:
        raise ValueError("a bundle needs the run's snapshots: VerifyOptions(snapshots=True)")
    start, final = outcome.snapshots.start, outcome.snapshots.final
    run = outcome.run
    record = {
        "scenario": outcome.scenario,
        "seed": outcome.seed,
        "faults": [row["rule"] for row in start["faults"]["rules"]],
        "webhookFaults": [row["rule"] for row in start["webhookFaults"]],
        "companies": list(outcome.judged.companies),
        "asErrors": list(outcome.judged.as_errors),
        "connector": None if run is None else run.summary(),
    }
    return {
        "scenario.yaml": start["scenario"]["yaml"],
        "run.json": _json(record),
        "start.snapshot.json": _json(start),
        "final.snapshot.json": _json(final),
        "journal.har": _json(to_har(outcome.journal)),
        "journal.ndjson": to_ndjson(outcome.journal),
        "verdict.json": _json(outcome_json(outcome)),
        "verdict.junit.xml": to_junit([outcome]),
        "report.html": to_html([outcome]),
        "connector/stdout.txt": run.stdout if run else "",
        "connector/stderr.txt": run.stderr if run else "",
    }


def _json(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"
