"""`verify --bundle` and `replay`: a failing run carried to a fresh directory gives the same
verdict, judged again or run again; an unusable bundle is refused naming the file and why."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.http.connector_env import connector_env, connector_process_env
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.snapshot import restore_snapshot
from pleo_export_mock.verify.bundle_read import read_bundle, starting_sandbox
from pleo_export_mock.verify.evaluate import evaluate
from pleo_export_mock.verify.model import ConnectorRun
from pleo_export_mock.verify.runner import connector_credentials

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# A connector that takes a newer job before an older one: `oldest-first` fails it on `backlog`.
BROKEN = (sys.executable, str(EXAMPLES / "broken_connector.py"), "--break", "oldest-first")
CLI = str(Path(sys.executable).with_name("pleo-export-mock"))  # the installed command


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def failing(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A bundle of a failing `verify`, and what `verify` printed."""
    folder = tmp_path_factory.mktemp("ci")
    ran = _cli("verify", "--scenario", "backlog", "--bundle", "run.zip", "--", *BROKEN, cwd=folder)
    assert ran.returncode == 1, ran.stderr
    return folder / "run.zip", ran


def test_a_failing_run_judged_again_in_a_fresh_directory_gives_the_same_verdict(
    failing: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    bundle, verified = failing
    shutil.copy(bundle, tmp_path / "run.zip")  # only the bundle travels
    judged = _cli("replay", "run.zip", "--judge", cwd=tmp_path)
    assert judged.returncode == 1, judged.stderr
    assert "ERROR   oldest-first" in judged.stdout
    assert judged.stdout == verified.stdout


def test_the_bundle_holds_every_member_the_manifest_lists(
    failing: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    import zipfile

    with zipfile.ZipFile(failing[0]) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        verdict = json.loads(archive.read("runs/1-backlog-seed-8008/verdict.json"))
    folder = manifest["runs"][0]["folder"]
    assert (manifest["format"], manifest["version"]) == ("pleo-export-mock/bundle", 1)
    assert names == {"manifest.json", *manifest["sha256"]}
    expected = {
        "scenario.yaml", "run.json", "start.snapshot.json", "final.snapshot.json",
        "journal.har", "journal.ndjson", "verdict.json", "verdict.junit.xml", "report.html",
        "connector/stdout.txt", "connector/stderr.txt",
    }  # fmt: skip
    assert {name.removeprefix(folder + "/") for name in manifest["sha256"]} == expected
    assert verdict["ok"] is False and verdict["connector"]["command"] == list(BROKEN)


@pytest.fixture
def replaying(failing: tuple[Path, Any], tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`replay run.zip` serving in a fresh directory; yields the bundle and the URL."""
    bundle = Path(shutil.copy(failing[0], tmp_path / "run.zip"))
    command = [CLI, "replay", "run.zip", "--port", "0", "--quiet"]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    try:
        url = None
        for _ in range(50):
            found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
            if found:
                url = found.group(0)
                break
        assert url, "replay printed no URL"
        yield bundle, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_connector_run_again_on_the_replayed_start_fails_the_same_way(
    replaying: tuple[Path, str],
) -> None:
    bundle, url = replaying
    (recorded,) = read_bundle(bundle)
    start = starting_sandbox(bundle, recorded, SandboxConfig(clock="frozen"))
    api_key, token = connector_credentials(start)
    company = recorded.judged.companies[0]
    oauth_client = start.state.oauth.client_for(company)  # the environment `verify` gave
    given = connector_env(url, company, filter(None, (api_key, token)), oauth_client)
    ran = subprocess.run(
        BROKEN, env=connector_process_env(given), capture_output=True, text=True, timeout=120
    )
    with urllib.request.urlopen(f"{url}/_mock/snapshot", timeout=30) as answer:
        after = json.loads(answer.read())
    judged = Sandbox(config=SandboxConfig(clock="frozen"))
    restore_snapshot(judged, after)
    run = ConnectorRun(BROKEN, ran.returncode, 0.0, ran.stdout, ran.stderr)
    again = evaluate(judged, recorded.judged.companies, run=run)
    recorded_verdict = json.loads(_member(bundle, f"{recorded.folder}/verdict.json"))
    assert [(f.rule_id, f.message) for f in again.findings] == [
        (f["rule"], f["message"]) for f in recorded_verdict["findings"]
    ]


def _member(bundle: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(bundle) as archive:
        return archive.read(name)


def _rewrite(source: Path, target: Path, change: Any) -> Path:
    """A copy of the bundle with its members changed by `change(members)`."""
    import zipfile

    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def _manifest_version(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest["version"] = 2
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.pop("runs/1-backlog-seed-8008/final.snapshot.json"),
         "missing member runs/1-backlog-seed-8008/final.snapshot.json"),
        (lambda m: m.update({"runs/1-backlog-seed-8008/verdict.json": b"{}"}),
         "member runs/1-backlog-seed-8008/verdict.json: its sha256 does not match manifest.json"),
        (lambda m: m.update({"extra.txt": b"hello"}),
         "member extra.txt is not listed in manifest.json"),
        (lambda m: m.pop("manifest.json"),
         "missing member manifest.json: not a bundle of this tool"),
        (_manifest_version,
         "bundle format version 2 is newer than this tool reads (1): upgrade pleo-export-mock"),
    ],
)  # fmt: skip
def test_an_unusable_bundle_is_refused_naming_the_file_and_the_reason(
    failing: tuple[Path, Any], tmp_path: Path, change: Any, reason: str
) -> None:
    _rewrite(failing[0], tmp_path / "bad.zip", change)
    refused = _cli("replay", "bad.zip", "--judge", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == f"pleo-export-mock: error: bad.zip: {reason}\n"


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "run.zip").write_text("not a zip")
    refused = _cli("replay", "run.zip", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (
        "pleo-export-mock: error: run.zip: not a zip archive "
        "(a bundle is made by `verify --bundle`)\n"
    )


def test_several_runs_share_one_bundle_a_folder_each(tmp_path: Path) -> None:
    reference = (sys.executable, str(EXAMPLES / "reference_connector.py"))
    ran = _cli(
        "verify", "--scenario", "pending", "--seeds", "2", "--bundle", "runs.zip", "--", *reference,
        cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "verify: run 1 of 2: scenario pending (seed 1001)" in ran.stderr
    assert "verify: run 2 of 2: scenario pending (seed 1002)" in ran.stderr
    judged = _cli("replay", "runs.zip", "--judge", cwd=tmp_path)
    assert (judged.returncode, judged.stdout) == (0, ran.stdout)
    assert judged.stdout.endswith("2 of 2 runs passed\n")
    one = _cli("replay", "runs.zip", "--judge", "--run", "2", cwd=tmp_path)
    assert one.stdout.startswith("scenario pending (seed 1002)")
    served = _cli("replay", "runs.zip", cwd=tmp_path)
    assert served.returncode == 2
    assert "runs.zip holds 2 runs: choose one with --run 1..2" in served.stderr


def test_a_bundle_that_cannot_be_written_is_refused_before_the_connector_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pleo_export_mock.cli import main

    target = tmp_path / "missing" / "run.zip"
    assert main(["verify", "--scenario", "pending", "--bundle", str(target), "--", "false"]) == 2
    assert capsys.readouterr().err == (
        f"pleo-export-mock: error: --bundle {target}: no directory {target.parent}\n"
    )
