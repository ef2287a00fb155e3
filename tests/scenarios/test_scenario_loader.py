"""Loading scenario files: every broken file names the file, the place and the reason."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from scenario_helpers import MINIMAL, write

from pleo_export_mock.domain.models import ItemStatus, JobStatus
from pleo_export_mock.errors import ToolError
from pleo_export_mock.scenarios import (
    ScenarioError,
    fixtures_dir,
    load_named,
    load_scenario_file,
    load_scenario_text,
    resolve,
    scenario_names,
)

JOB_TWO = """\
      - key: j2
        status: {status}
        entries: [{entry}]
"""


def broken(tmp_path: Path, text: str) -> ScenarioError:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    error = caught.value
    assert error.file.endswith("broken.yaml")
    assert str(error).startswith(f"{error.file}: ")
    return error


def test_a_valid_file_loads() -> None:
    scenario = load_scenario_text(MINIMAL)
    company = scenario.companies[0]
    assert (scenario.name, scenario.seed, company.key, company.country) == ("tiny", 1, "acme", "DK")
    job = company.jobs[0]
    assert job.status is JobStatus.PENDING
    assert [item.entry for item in job.items] == ["e1"]
    assert job.items[0].outcome.status is ItemStatus.PENDING


def test_yaml_syntax_error(tmp_path: Path) -> None:
    error = broken(tmp_path, "name: x\ndescription: [unclosed\nseed: 1\n")
    assert error.line == 3
    assert "invalid YAML" in error.reason
    assert "(line" not in str(error) and ": line 3: invalid YAML" in str(error)


def test_unknown_key(tmp_path: Path) -> None:
    error = broken(
        tmp_path, MINIMAL.replace("    name: Acme ApS\n", "    name: Acme ApS\n    colour: red\n")
    )
    assert error.where == "companies[0].colour"
    assert error.line == 7
    assert "unknown key 'colour'" in error.reason
    assert str(error).endswith("companies[0].colour (line 7): " + error.reason)


def test_wrong_enum(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("status: pending", "status: done"))
    assert error.where == "companies[0].jobs[0].status"
    assert error.line == 12
    assert error.reason.startswith("'done' is not one of ['pending', 'in_progress'")
    assert "companies[0].jobs[0].status (line 12): 'done' is not one of" in str(error)


def test_wrong_type(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("seed: 1", "seed: one"))
    assert (error.where, error.line) == ("seed", 3)
    assert "'one' is not of type 'integer'" in error.reason


def test_missing_required_key_points_at_the_mapping(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("        status: pending\n", ""))
    assert error.where == "companies[0].jobs[0]"
    assert "'status' is a required property" in error.reason


def test_bad_time_offset_explains_the_form(tmp_path: Path) -> None:
    error = broken(
        tmp_path, MINIMAL.replace("status: pending", "status: pending\n        created: 10m")
    )
    assert error.where == "companies[0].jobs[0].created"
    assert "'10m' is not in the expected form" in error.reason and "'-10m'" in error.reason


def test_bare_no_is_a_boolean_hint(tmp_path: Path) -> None:
    error = broken(
        tmp_path, MINIMAL.replace("    name: Acme ApS\n", "    name: Acme ApS\n    country: NO\n")
    )
    assert error.where == "companies[0].country"
    assert "quote the value" in error.reason


def test_unknown_override_field(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "      - key: e2\n", "      - key: e2\n        overrides: {vendr: null}\n"
    )
    error = broken(tmp_path, text)
    assert error.where == "companies[0].entries[1].overrides.vendr"
    assert "unknown field 'vendr'" in error.reason


def test_unknown_entry_reference(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("entries: [e1]", "entries: [e1, e9]"))
    assert (error.where, error.line) == ("companies[0].jobs[0].entries[1]", 13)
    assert "unknown entry 'e9'" in error.reason


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    error = broken(
        tmp_path, MINIMAL.replace("    name: Acme ApS\n", "    name: Acme ApS\n    name: Beta\n")
    )
    assert (error.where, error.line) == ("companies[0].name", 7)
    assert "duplicate key 'name' (first given on line 6)" in error.reason


def test_duplicate_scenario_keys(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("- key: e2", "- key: e1"))
    assert (error.where, error.line) == ("companies[0].entries[1].key", 9)
    assert "duplicate entry key 'e1'" in error.reason


def test_two_open_jobs_in_one_company(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL + JOB_TWO.format(status="in_progress", entry="e2"))
    assert (error.where, error.line) == ("companies[0].jobs[1].status", 15)
    assert "already has open job 'j1'" in error.reason


def test_entry_in_two_open_jobs(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL + JOB_TWO.format(status="pending", entry="e1"))
    assert error.where == "companies[0].jobs[1].entries[0]"
    assert "entry 'e1' is already in open job 'j1'" in error.reason


def test_exported_entry_cannot_be_exported_again(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "status: pending\n        entries: [e1]", "status: pending\n        entries: [e2]"
    )
    text += (
        "      - key: old\n        status: completed\n        created: -1d\n        entries: [e2]\n"
    )
    error = broken(tmp_path, text)
    assert error.where == "companies[0].jobs[0].entries[0]"
    assert "never exported again" in error.reason


def test_in_progress_job_with_an_abandoned_item(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "status: pending\n        entries: [e1]",
        "status: in_progress\n        entries: [{entry: e1, status: abandoned}]",
    )
    error = broken(tmp_path, text)
    assert error.where == "companies[0].jobs[0].entries[0].status"
    assert "an in_progress job cannot hold an abandoned item" in error.reason


def test_item_fields_must_fit_the_item_status(tmp_path: Path) -> None:
    text = MINIMAL.replace("entries: [e1]", "entries: [{entry: e1, external_id: X-1}]")
    error = broken(tmp_path, text)
    assert error.where == "companies[0].jobs[0].entries[0].external_id"
    assert "a pending item has no external_id" in error.reason


def test_failed_job_needs_a_reason_type(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL.replace("status: pending", "status: failed"))
    assert error.where == "companies[0].jobs[0].status"
    assert "failure_reason_type" in error.reason


def test_times_must_run_forward(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "status: pending", "status: in_progress\n        created: -5m\n        started: -10m"
    )
    error = broken(tmp_path, text)
    assert error.where == "companies[0].jobs[0].started"
    assert "is before created" in error.reason


def test_an_open_job_that_would_expire_at_once(tmp_path: Path) -> None:
    error = broken(
        tmp_path, MINIMAL.replace("status: pending", "status: pending\n        created: -61m")
    )
    assert "would expire at once" in error.reason


def test_expectations_name_open_jobs(tmp_path: Path) -> None:
    error = broken(tmp_path, MINIMAL + "expect:\n  final_status:\n    j9: completed\n")
    assert (error.where, error.line) == ("expect.final_status.j9", 16)
    assert "unknown job 'j9'" in error.reason


def test_a_fault_names_a_job_of_the_scenario(tmp_path: Path) -> None:
    """A misspelt key would match no call: the rule would load, then never fire."""
    fault = "faults:\n  - {operation: createExportJobEventV3, job: %s, nth: 1, kind: drop}\n"
    error = broken(tmp_path, MINIMAL + fault % "j11")
    assert (error.where, error.line) == ("faults[0].job", 15)
    assert "unknown job 'j11' (did you mean 'j1'?); jobs: j1" in error.reason
    for job in ("j1", "0b6f1c9e-4d2a-4c3b-9a8e-5f7d6c5b4a39"):  # a key, or a job id as it is
        assert load_scenario_text(MINIMAL + fault % job, "tiny.yaml").faults[0].job == job


def test_credentials_name_known_companies(tmp_path: Path) -> None:
    text = MINIMAL + "credentials:\n  - {kind: api_key, companies: [acme, ghost]}\n"
    error = broken(tmp_path, text)
    assert error.where == "credentials[0].companies[1]"
    assert "unknown company 'ghost'" in error.reason


def test_an_empty_file(tmp_path: Path) -> None:
    error = broken(tmp_path, "")
    assert "empty" in error.reason


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario_file(tmp_path / "nope.yaml")


def test_text_errors_name_their_source() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("seed: 1\n", source="<request body>")
    assert str(caught.value).startswith("<request body>: line 1: ")


def test_scenario_error_is_a_tool_error_and_pickles() -> None:
    error = ScenarioError("f.yaml", "a.b", "bad", 3)
    assert isinstance(error, ToolError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.where, copy.reason, copy.line) == ("f.yaml", "a.b", "bad", 3)
    assert str(copy) == "f.yaml: a.b (line 3): bad"


def test_named_scenarios_are_listed_and_loaded_by_name() -> None:
    names = scenario_names()
    assert {"pending", "failed", "partial_errors", "in_progress_recovery"} <= set(names)
    assert {"multi_company", "large", "expiring"} <= set(names)
    assert load_named("pending").path == fixtures_dir() / "pending.yaml"


def test_unknown_scenario_name_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match=r"no scenario named 'nope'.*pending"):
        load_named("nope")


def test_a_name_is_never_read_as_a_path(tmp_path: Path) -> None:
    """A name comes over HTTP too: one that climbs out of the shipped scenarios reads nothing."""
    write(tmp_path, MINIMAL.replace("name: tiny", "name: mine"), "mine.yaml")
    climbing = os.path.relpath(tmp_path / "mine", fixtures_dir())
    with pytest.raises(ScenarioError, match="no scenario named"):
        load_named(climbing)
    with pytest.raises(ScenarioError, match=r"\(did you mean 'pending'\?\)"):
        load_named("pendng")


def alias_bomb(depth: int) -> str:
    """A few hundred bytes of nested aliases naming 10**depth values."""
    lines = ['l0: &l0 ["lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, depth + 1)]
    return "\n".join([*lines, f"name: x\ndescription: y\nseed: 1\ncompanies: *l{depth}\n"])


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    # Nine levels name a billion values: walked, they would take hours and all the memory.
    with pytest.raises(ScenarioError, match="more than 100,000 values once its aliases"):
        load_scenario_text(alias_bomb(9), source="bomb.yaml")


def test_aliases_that_expand_a_little_are_read() -> None:
    # 10,000 values: read through, and refused for what they say (a key no scenario has).
    with pytest.raises(ScenarioError, match="unknown key 'l0'"):
        load_scenario_text(alias_bomb(4))


def test_a_scenario_holds_at_most_two_million_entries(tmp_path: Path) -> None:
    million = "        count: 1000000\n"
    text = MINIMAL.replace("      - key: e1\n", "      - key: e1\n" + million)
    text = text.replace("      - key: e2\n", "      - key: e2\n" + million)
    load_scenario_text(text)  # exactly 2,000,000: loads (nothing is generated yet)
    one_more = text.replace("    jobs:\n", "      - key: e3\n    jobs:\n")
    error = broken(tmp_path, one_more)
    assert (error.where, error.line) == ("companies[0].entries[2].count", 12)  # e3's line
    assert "the scenario's entries pass 2,000,000 here" in str(error)


def test_more_fault_rules_than_can_be_in_force_are_refused_at_load(tmp_path: Path) -> None:
    rules = "faults:\n" + "  - {kind: drop, nth: 1}\n" * 1001
    error = broken(tmp_path, MINIMAL + rules)
    assert (error.where, error.reason) == ("faults", "1,001 items; at most 1,000")


def test_resolve_takes_a_name_or_a_path(tmp_path: Path) -> None:
    assert resolve("pending").name == "pending"
    path = write(tmp_path, MINIMAL, "mine.yaml")
    assert resolve(str(path)).name == "tiny"
    assert resolve(path).path == path


def test_a_named_file_must_carry_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, MINIMAL, "other.yaml")
    monkeypatch.setattr("pleo_export_mock.scenarios.loader.fixtures_dir", lambda: tmp_path)
    with pytest.raises(ScenarioError) as caught:
        load_named("other")
    assert (caught.value.where, caught.value.line) == ("name", 1)
