"""A bad session setting stops the run once, with one message naming where to fix it.

Not one error per test: a session of many tests must not answer one typo with a traceback
for each of them. Each case runs a session of TESTS tests and counts what it printed.
"""

from __future__ import annotations

import pytest

TESTS = 30
MANY_TESTS = "\n".join(f"def test_{i}(export_mock): pass" for i in range(TESTS))
BROKEN = "name: broken\nseed: not-a-number\n"
# No one-error-per-test report fits in this, nor one traceback.
MOST_LINES = 12


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_many=MANY_TESTS)
    pytester.makefile(".yaml", broken=BROKEN)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert len(result.outlines) + len(result.errlines) <= MOST_LINES, result.outlines
    assert not [line for line in result.outlines if line.startswith("ERROR test_many.py")]
    return result


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--export-mock-seed=abc"], "--export-mock-seed: the seed is an integer, not 'abc'"),
        (["--export-mock-scenario=nope"], "--export-mock-scenario: nope: no scenario named*"),
        (
            ["--export-mock-scenario=missing.yaml"],
            "--export-mock-scenario: missing.yaml: no such scenario file",
        ),
        (
            ["--export-mock-scenario=broken.yaml"],
            "--export-mock-scenario: broken.yaml: *'description' is a required property",
        ),
    ],
)
def test_a_bad_option_is_one_usage_error(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    result = run(pytester, *args)
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_a_bad_ini_value_names_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nexport_mock_scenario = broken.yaml\n")
    result = run(pytester)
    result.stderr.fnmatch_lines(["ERROR: ini option export_mock_scenario (tox.ini): broken.yaml:*"])


def test_a_bad_environment_scenario_names_the_variable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEO_EXPORT_MOCK_SCENARIO", "nope")
    run(pytester).stderr.fnmatch_lines(["ERROR: PLEO_EXPORT_MOCK_SCENARIO: nope: no scenario*"])


def test_a_scenario_set_in_code_stops_the_session_once(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pleo_export_mock import ExportMockSettings

        @pytest.fixture(scope="session")
        def export_mock_settings():
            return ExportMockSettings(scenario="nope")
        """
    )
    result = run(pytester)
    result.stdout.fnmatch_lines(["*the session's sandbox cannot start: nope: no scenario named*"])


def test_a_host_it_cannot_listen_on_stops_the_session_once(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--export-mock-host=no.such.host.invalid")
    result.stdout.fnmatch_lines(["*cannot start: cannot listen on host 'no.such.host.invalid'*"])


def test_a_good_scenario_option_is_read_once_and_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_many=MANY_TESTS)
    pytester.runpytest("--export-mock-scenario=failed").assert_outcomes(passed=TESTS)


def test_a_misspelt_environment_setting_is_a_warning_or_with_strict_config_an_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As pytest treats an unknown ini option: the setting it meant keeps its default, so
    saying nothing would run every test on another scenario than the one asked for."""
    monkeypatch.setenv("PLEO_EXPORT_MOCK_SCENARO", "paged")
    said = (
        "PLEO_EXPORT_MOCK_SCENARO names no pleo-export-mock setting (did you mean "
        "PLEO_EXPORT_MOCK_SCENARIO?); it is ignored"
    )
    pytester.makepyfile(
        "def test_default(export_mock):\n    assert export_mock.scenario_name == 'pending'\n"
    )
    warned = pytester.runpytest("-W", "default::pytest.PytestConfigWarning")
    warned.assert_outcomes(passed=1)
    warned.stdout.fnmatch_lines([f"*PytestConfigWarning: {said}"])
    strict = run(pytester, "--strict-config")
    strict.stderr.fnmatch_lines([f"ERROR: {said}"])
