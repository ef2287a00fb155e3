"""Settings: command line beats ini file beats PLEO_EXPORT_MOCK_* beats the default."""

from __future__ import annotations

import pytest

SHOW_SCENARIO = """
def test_scenario(export_mock):
    print("SCENARIO", export_mock.scenario_name, "SEED", export_mock.sandbox.seed)
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(SHOW_SCENARIO)
    result = pytester.runpytest("-s", *args)
    result.assert_outcomes(passed=1)
    return result


def test_the_default_is_pending(pytester: pytest.Pytester) -> None:
    run(pytester).stdout.fnmatch_lines(["*SCENARIO pending SEED 1001*"])


def test_settings_set_in_code_beat_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pleo_export_mock import ExportMockSettings

        @pytest.fixture(scope="session")
        def export_mock_settings():
            return ExportMockSettings(scenario="backlog", seed=7)
        """
    )
    result = run(pytester, "--export-mock-scenario=failed")
    result.stdout.fnmatch_lines(["*SCENARIO backlog SEED 7*"])


def test_the_ini_file_sets_the_scenario(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nexport_mock_scenario = failed\n")
    run(pytester).stdout.fnmatch_lines(["*SCENARIO failed*"])


def test_the_command_line_beats_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nexport_mock_scenario = failed\n")
    result = run(pytester, "--export-mock-scenario", "multi_company")
    result.stdout.fnmatch_lines(["*SCENARIO multi_company*"])


def test_the_ini_file_beats_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEO_EXPORT_MOCK_SCENARIO", "expiring")
    run(pytester).stdout.fnmatch_lines(["*SCENARIO expiring*"])
    pytester.makeini("[pytest]\nexport_mock_scenario = failed\n")
    run(pytester).stdout.fnmatch_lines(["*SCENARIO failed*"])


def test_the_seed_option_and_a_marker_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_option(export_mock):
            assert export_mock.sandbox.seed == 7

        @pytest.mark.export_mock(seed=8)
        def test_marker_beats_option(export_mock):
            assert export_mock.sandbox.seed == 8

        def test_load_scenario_keeps_the_option(export_mock):
            export_mock.load_scenario("failed")
            assert export_mock.sandbox.seed == 7
        """
    )
    pytester.runpytest("--export-mock-seed", "7").assert_outcomes(passed=3)


def test_a_running_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from datetime import UTC, datetime

        def test_running(export_mock):
            assert export_mock.sandbox.config.clock == "running"
            assert abs((export_mock.sandbox.now() - datetime.now(UTC)).total_seconds()) < 60
        """
    )
    pytester.runpytest("--export-mock-clock", "running").assert_outcomes(passed=1)


def test_the_host_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nexport_mock_host = localhost\n")
    pytester.makepyfile(
        """
        def test_host(export_mock):
            assert export_mock.url.startswith("http://localhost:")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--export-mock-seed", "many"], "--export-mock-seed: the seed is an integer, not 'many'"),
        (["--export-mock-clock", "fast"], "--export-mock-clock: the clock is 'frozen' or *"),
    ],
)
def test_a_bad_setting_stops_the_run(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    pytester.makepyfile(SHOW_SCENARIO)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_a_bad_environment_value_is_named(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEO_EXPORT_MOCK_STRICT", "maybe")
    pytester.makepyfile(SHOW_SCENARIO)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*PLEO_EXPORT_MOCK_STRICT: strict is true or false, not 'maybe'*"])
