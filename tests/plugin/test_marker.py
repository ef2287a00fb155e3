"""`@pytest.mark.export_mock(scenario=..., seed=..., strict=...)` picks a test's scenario."""

from __future__ import annotations

import pytest


def test_the_marker_picks_the_scenario(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="failed")
        def test_failed(export_mock):
            statuses = [job["status"] for job in export_mock.state["companies"][0]["jobs"]]
            assert sorted(statuses) == ["failed", "pending"]

        @pytest.mark.export_mock(scenario="multi_company")
        def test_multi_company(export_mock_client, export_mock):
            assert [c["name"] for c in export_mock.state["companies"]] == [
                "Acme Danmark ApS", "Acme Sverige AB", "Acme UK Ltd"
            ]
            assert export_mock.company_id == export_mock.company("dk")
            jobs = export_mock_client.get("/v3/export-jobs?statuses=pending").json["data"]
            assert [job["companyId"] for job in jobs] == [export_mock.company("dk")]

        def test_unmarked_gets_the_default(export_mock):
            assert export_mock.scenario_name == "pending"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_closest_marker_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.export_mock(scenario="expiring")

        def test_module_marker(export_mock):
            assert export_mock.scenario_name == "expiring"

        @pytest.mark.export_mock(scenario="partial_errors")
        class TestClass:
            def test_class_marker(self, export_mock):
                assert export_mock.scenario_name == "partial_errors"

            @pytest.mark.export_mock(scenario="in_progress_recovery")
            def test_own_marker(self, export_mock):
                assert export_mock.scenario_name == "in_progress_recovery"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_marker_seed_holds_for_its_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(seed=3)
        def test_seeded(export_mock):
            assert export_mock.sandbox.seed == 3

        def test_back_to_the_scenarios_seed(export_mock):
            assert export_mock.sandbox.seed == 1001
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_scenario_file(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        tiny="""
        name: tiny
        description: One pending job of one entry.
        seed: 7
        companies:
          - key: solo
            name: Solo ApS
            country: DK
            entries: [{key: one}]
            jobs: [{key: export, status: pending, created: -5m, entries: [one]}]
        """,
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="tiny.yaml")
        def test_tiny(export_mock):
            assert export_mock.scenario_name == "tiny"
            assert export_mock.company("solo") == export_mock.company_id
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_wrong_marker_argument_is_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenrio="failed")
        def test_typo(export_mock):
            pass

        @pytest.mark.export_mock("failed", scenario="pending")
        def test_twice(export_mock):
            pass

        @pytest.mark.export_mock("failed", 1, True, "more")
        def test_too_many(export_mock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*export_mock(scenario=..., seed=..., strict=...): no argument 'scenrio' (did you "
            "mean scenario?); it takes scenario, seed, strict",
            "*: scenario is given twice, by position and by name",
            "*: takes at most 3 arguments (scenario, seed, strict), got 4",
        ]
    )
    # In the marker's own terms: no Python internals, no exception behind the failure.
    assert "_MarkerOptions" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()


def test_an_unknown_scenario_is_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="no_such_scenario")
        def test_unknown(export_mock):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no_such_scenario*"])
    # Said as the marker's failure: not also as an exception it was raised while handling.
    assert "During handling" not in result.stdout.str()
