"""The plugin as a user gets it: `pip install`, and pytest finds it by its entry point."""

from __future__ import annotations

import pytest


def test_a_fresh_interpreter_finds_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="failed")
        def test_marked(export_mock):
            assert export_mock.scenario_name == "failed"
        """
    )
    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_it_can_be_switched_off_by_its_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_a(export_mock): pass")
    result = pytester.runpytest("-p", "no:pleo_export_mock")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'export_mock' not found*"])


def test_options_are_listed_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*pleo-export-mock: the Pleo Export API sandbox*",
            "*--export-mock-scenario=SCENARIO*",
            "*export_mock_host*",
        ]
    )
