"""`--export-mock-bundle-dir DIR`: each failing export_mock test leaves a run bundle there."""

from __future__ import annotations

import importlib
import zipfile

import pytest

from pleo_export_mock.cli import main

FAILING_AND_PASSING = """
import pytest

def test_takes_a_job_and_fails(export_mock, export_mock_client):
    jobs = export_mock_client.get("/v3/export-jobs?statuses=pending").json["data"]
    event = {"event": "started", "jobId": jobs[0]["id"]}
    export_mock_client.post("/v3/export-job-events", json=event)
    assert jobs == [], "the connector under test got it wrong"

def test_passes(export_mock, export_mock_client):
    assert export_mock_client.get("/v3/export-jobs").status_code == 200

@pytest.mark.export_mock(strict=True)
def test_breaks_the_rules(export_mock, export_mock_client):
    export_mock_client.get("/v3/export-jobs?statuses=pending")  # takes nothing, finishes nothing
"""


def test_each_failing_test_leaves_a_bundle_that_replays(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(test_connector=FAILING_AND_PASSING)
    result = pytester.runpytest("--export-mock-bundle-dir", "bundles")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    folder = pytester.path / "bundles"
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "test_connector.py__test_breaks_the_rules.zip",
        "test_connector.py__test_takes_a_job_and_fails.zip",
    ]
    result.stdout.fnmatch_lines(
        ["*pleo-export-mock run bundles of failing tests*", "*test_breaks_the_rules.zip*"]
    )
    with zipfile.ZipFile(folder / names[1]) as archive:
        ndjson = archive.read("runs/1-pending-seed-1001/journal.ndjson").decode()
    assert ndjson.count("\n") == 2  # the test's two requests
    capsys.readouterr()
    assert main(["replay", str(folder / names[0]), "--judge"]) == 1  # what strict found
    judged = capsys.readouterr().out
    assert judged.startswith("scenario pending (seed 1001): 1 request(s) to the sandbox\n")
    assert "ERROR   all-eligible-jobs-finished" in judged


def test_no_bundle_without_the_setting(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_connector=FAILING_AND_PASSING)
    pytester.runpytest().assert_outcomes(passed=2, failed=1, errors=1)
    assert not list(pytester.path.rglob("*.zip"))


def test_the_folder_comes_from_the_ini_file_relative_to_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nexport_mock_bundle_dir = out/bundles\n")
    pytester.makepyfile(test_connector=FAILING_AND_PASSING)
    pytester.mkdir("elsewhere")
    pytester.runpytest("--rootdir", str(pytester.path), str(pytester.path)).assert_outcomes(
        passed=2, failed=1, errors=1
    )
    assert len(list((pytester.path / "out" / "bundles").glob("*.zip"))) == 2


def test_a_folder_that_cannot_be_made_stops_the_run_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_connector=FAILING_AND_PASSING)
    pytester.makefile(".txt", taken="a file where the folder would go")
    result = pytester.runpytest("--export-mock-bundle-dir", "taken.txt/bundles")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --export-mock-bundle-dir: */taken.txt/bundles cannot be made: */taken.txt is*"]
    )


def test_a_bundle_that_cannot_be_written_says_so_in_a_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder was fine at the start, then not (a full disk): a line, not a traceback."""
    from pleo_export_mock.errors import UsageError

    def full_disk(*args: object) -> None:
        raise UsageError("cannot write bundles/x.zip: No space left on device")

    # The module the plugin will import: an earlier in-process run may have dropped it from
    # sys.modules (pytester restores them) and left the package pointing at an old copy.
    bundles = importlib.import_module("pleo_export_mock.testing.bundles")
    monkeypatch.setattr(bundles, "write_test_bundle", full_disk)
    pytester.makepyfile(test_connector=FAILING_AND_PASSING)
    result = pytester.runpytest("--export-mock-bundle-dir", "bundles")
    result.assert_outcomes(passed=2, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        ["pleo-export-mock: no run bundle for this test: cannot write bundles/x.zip: No space*"]
    )
    assert "Traceback" not in result.stdout.str() and "def _bundle" not in result.stdout.str()
