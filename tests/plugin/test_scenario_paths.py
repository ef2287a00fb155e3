"""A scenario file named in a test is read from where it was written, not from the cwd.

A marker's (and the handle's `load_scenario`) relative path is read from the test file's
folder; an ini file's from the ini file's folder; the command line's and the environment's
from where pytest was started. A name (no separator, no .yaml) stays a shipped name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pleo_export_mock.testing.session import ScenarioCache

TINY = """
name: tiny
description: One pending job of one entry.
seed: 7
companies:
  - key: solo
    name: Solo ApS
    country: DK
    entries: [{key: one}]
    jobs: [{key: export, status: pending, created: -5m, entries: [one]}]
"""

MARKED = """
import pytest

@pytest.mark.export_mock(scenario="tiny.yaml")
def test_beside(export_mock):
    assert export_mock.scenario_name == "tiny"

@pytest.mark.export_mock(scenario="../shared/tiny.yaml")
def test_up_and_over(export_mock):
    assert export_mock.scenario_name == "tiny"

def test_load_scenario_reads_beside_the_test_too(export_mock):
    export_mock.load_scenario("tiny.yaml")
    assert export_mock.scenario_name == "tiny"
"""


def test_a_marker_path_is_read_from_the_test_files_folder(pytester: pytest.Pytester) -> None:
    suite = pytester.mkdir("tests")
    (suite / "connector").mkdir()
    (suite / "connector" / "tiny.yaml").write_text(TINY)
    (suite / "shared").mkdir()
    (suite / "shared" / "tiny.yaml").write_text(TINY)
    (suite / "connector" / "test_marked.py").write_text(MARKED)
    pytester.runpytest("tests").assert_outcomes(passed=3)  # started from the rootdir


def test_a_missing_marker_file_says_where_it_was_looked_for(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", tiny=TINY)  # in the rootdir, not beside the test
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_marked.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.export_mock(scenario='tiny.yaml')\n"
        "def test_beside(export_mock): pass\n"
    )
    result = pytester.runpytest("tests")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*tests/tiny.yaml: no such scenario file (a relative path in the marker is read from*"]
    )


def test_a_name_stays_a_name_beside_a_file_of_that_name(pytester: pytest.Pytester) -> None:
    pytester.makefile("", failed="not a scenario at all")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="failed")
        def test_named(export_mock):
            assert export_mock.scenario_name == "failed"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_an_ini_path_is_read_from_the_ini_files_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nexport_mock_scenario = scenarios/tiny.yaml\n")
    pytester.mkdir("scenarios")
    (pytester.path / "scenarios" / "tiny.yaml").write_text(TINY)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_default.py").write_text(
        "def test_default(export_mock):\n    assert export_mock.scenario_name == 'tiny'\n"
    )
    monkeypatch.chdir(pytester.path / "tests")  # pytest started from a subfolder
    pytester.runpytest(str(pytester.path)).assert_outcomes(passed=1)


def test_a_command_line_path_holds_when_a_test_changes_folder(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", tiny=TINY)
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def elsewhere(tmp_path, monkeypatch):
            monkeypatch.chdir(tmp_path)

        def test_the_sandbox_starts_after_a_chdir(elsewhere, export_mock):
            assert export_mock.scenario_name == "tiny"
        """
    )
    pytester.runpytest("--export-mock-scenario=tiny.yaml").assert_outcomes(passed=1)


def test_a_name_is_parsed_once_whatever_file_of_that_name_lies_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pending").write_text(TINY)
    cache = ScenarioCache()
    first = cache.get("pending")
    assert first.name == "pending"
    (tmp_path / "pending").write_text(TINY.replace("seed: 7", "seed: 8"))
    assert cache.get("pending") is first


def test_an_edited_scenario_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    cache = ScenarioCache()
    first = cache.get(path)
    assert cache.get(path) is first and first.seed == 7
    path.write_text(TINY.replace("seed: 7", "seed: 8"))
    later = path.stat().st_mtime_ns + 1_000_000_000  # a coarse clock may not have moved
    os.utime(path, ns=(later, later))
    assert cache.get(path).seed == 8
