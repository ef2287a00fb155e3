"""Reading a run bundle back (`replay`): check it whole, then judge or serve its runs.

A bundle is refused, naming the file and the reason, when it is not a zip archive, lacks its
manifest or a member, holds a member the manifest does not list, a member's sha256 differs
from the manifest's, or its format is newer than this tool reads.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..sandbox import Sandbox, SandboxConfig
from ..snapshot import SnapshotError, restore_snapshot
from .bundle import BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST
from .evaluate import evaluate
from .model import ConnectorRun
from .report import Judged, Outcome

# A member bigger than this is refused before it is read: a bundle cannot exhaust memory.
MAX_MEMBER_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class BundleRun:
    """One run of a bundle, as `replay` needs it."""

    folder: str
    scenario: str
    seed: int
    start: dict[str, Any]  # the start snapshot
    final: dict[str, Any]  # the final snapshot
    run: ConnectorRun | None
    judged: Judged


class BundleError(UsageError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


def read_bundle(path: Path) -> list[BundleRun]:
    """Every run of the bundle at `path`, each member checked against the manifest first."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(path, archive)
    except FileNotFoundError:
        raise BundleError(path, "no such file") from None
    except zipfile.BadZipFile:
        raise BundleError(
            path, "not a zip archive (a bundle is made by `verify --bundle`)"
        ) from None
    except OSError as problem:
        raise BundleError(path, f"cannot read it: {problem.strerror or problem}") from None
    index = _json(path, members, MANIFEST)
    return [_run(path, members, row) for row in _list(path, index, "runs")]


def judge(path: Path, run: BundleRun) -> Outcome:
    """The verdict today's rules give the run's final state and journal; nothing is run."""
    sandbox = _restored(path, run, run.final, SandboxConfig(clock="frozen"))
    try:
        verdict = evaluate(
            sandbox, run.judged.companies, run=run.run, as_errors=run.judged.as_errors
        )
        journal = sandbox.journal.snapshot()
    finally:
        sandbox.close()
    return Outcome(run.scenario, run.seed, verdict, journal, run.run, judged=run.judged)


def starting_sandbox(path: Path, run: BundleRun, config: SandboxConfig) -> Sandbox:
    """A sandbox in the state the run's connector first found, its timeline going."""
    sandbox = _restored(path, run, run.start, config)
    sandbox.start_timeline()  # a timeline held for a service starts as the replay serves
    return sandbox


def _restored(
    path: Path, run: BundleRun, document: dict[str, Any], config: SandboxConfig
) -> Sandbox:
    sandbox = Sandbox(config=config)
    try:
        restore_snapshot(sandbox, document)
    except SnapshotError as problem:
        sandbox.close()
        which = "final" if document is run.final else "start"
        raise BundleError(path, f"{run.folder}/{which}.snapshot.json: {problem}") from None
    return sandbox


def _checked_members(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    names = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    if MANIFEST not in names:
        raise BundleError(path, f"missing member {MANIFEST}: not a bundle of this tool")
    members = {MANIFEST: _read(path, archive, names[MANIFEST])}
    index = _json(path, members, MANIFEST)
    if index.get("format") != BUNDLE_FORMAT:
        raise BundleError(
            path, f"{MANIFEST}: format {index.get('format')!r} is not {BUNDLE_FORMAT!r}"
        )
    number = index.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise BundleError(path, f"{MANIFEST}: version {number!r} is not a format version")
    if number > BUNDLE_VERSION:
        raise BundleError(
            path,
            f"bundle format version {number} is newer than this tool reads ({BUNDLE_VERSION}): "
            "upgrade pleo-export-mock",
        )
    hashes = index.get("sha256")
    if not isinstance(hashes, dict):
        raise BundleError(path, f"{MANIFEST}: no sha256 of the members")
    for name in sorted(set(names) - set(hashes) - {MANIFEST}):
        raise BundleError(path, f"member {name} is not listed in {MANIFEST}")
    for name, expected in hashes.items():
        if name not in names:
            raise BundleError(path, f"missing member {name}")
        data = _read(path, archive, names[name])
        if hashlib.sha256(data).hexdigest() != expected:
            raise BundleError(path, f"member {name}: its sha256 does not match {MANIFEST}")
        members[name] = data
    return members


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES:
        raise BundleError(path, f"member {info.filename} is larger than {MAX_MEMBER_BYTES} bytes")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, EOFError, ValueError) as problem:
        raise BundleError(path, f"member {info.filename} cannot be read: {problem}") from None


def _json(path: Path, members: dict[str, bytes], name: str) -> dict[str, Any]:
    if name not in members:
        raise BundleError(path, f"missing member {name}")
    try:
        value = json.loads(members[name])
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise BundleError(path, f"{name}: not JSON ({problem})") from None
    if not isinstance(value, dict):
        raise BundleError(path, f"{name}: expected a JSON object")
    return value


def _list(path: Path, value: dict[str, Any], key: str) -> list[Any]:
    found = value.get(key)
    if not isinstance(found, list) or not found:
        raise BundleError(path, f"{MANIFEST}: {key} should be a list of at least one run")
    return found


def _run(path: Path, members: dict[str, bytes], row: Any) -> BundleRun:
    if not isinstance(row, dict) or not isinstance(row.get("folder"), str):
        raise BundleError(path, f"{MANIFEST}: runs: each run needs its folder")
    folder = row["folder"]
    record = _json(path, members, f"{folder}/run.json")
    try:
        connector = record["connector"]
        run = None
        if connector is not None:
            stdout = members[f"{folder}/connector/stdout.txt"].decode("utf-8")
            stderr = members[f"{folder}/connector/stderr.txt"].decode("utf-8")
            run = ConnectorRun(
                tuple(connector["command"]),
                connector["exitCode"],
                float(connector["durationSeconds"]),
                stdout,
                stderr,
            )
        judged = Judged(tuple(record["companies"]), tuple(record["asErrors"]))
        scenario, seed = str(record["scenario"]), int(record["seed"])
    except KeyError as missing:
        raise BundleError(path, f"{folder}: missing {missing.args[0]}") from None
    except (TypeError, ValueError, UnicodeDecodeError) as problem:
        raise BundleError(path, f"{folder}/run.json: {problem}") from None
    start = _json(path, members, f"{folder}/start.snapshot.json")
    final = _json(path, members, f"{folder}/final.snapshot.json")
    return BundleRun(folder, scenario, seed, start, final, run, judged)
