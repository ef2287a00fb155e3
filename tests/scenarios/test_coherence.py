"""A scenario whose expectations its own credentials cannot reach is refused at load."""

from __future__ import annotations

import pytest

from pleo_export_mock.scenarios.errors import ScenarioError
from pleo_export_mock.scenarios.loader import load_scenario_text

BASE = """\
name: coherence
description: One pending job and the credentials under test.
seed: 7
companies:
  - key: acme
    name: Acme ApS
    country: DK
    entries:
      - {{key: booked, count: 2}}
      - {{key: open, count: 2}}
    jobs:
      - key: export
        status: {status}
        created: -10m
        {started}
        entries: {entries}
credentials:
{credentials}
expect:
  final_status: {{export: {expected}}}
"""
ALL = "[export-jobs:read, export-jobs:write, export-items:read]"


def scenario(
    credentials: list[str],
    expected: str = "completed",
    status: str = "pending",
    entries: str = "[open]",
) -> str:
    return BASE.format(
        status=status,
        started="started: -9m" if status == "in_progress" else "",
        entries=entries,
        credentials="\n".join(
            f"  - {{kind: api_key, companies: [acme], scopes: {scopes}}}" for scopes in credentials
        ),
        expected=expected,
    )


@pytest.mark.parametrize(
    "scopes, expected, missing",
    [
        ("[export-jobs:read, export-items:read]", "completed", "export-jobs:write"),
        ("[export-jobs:read]", "failed", "export-jobs:write to send the job's events"),
        ("[export-jobs:write, export-items:read]", "failed", "export-jobs:read to find the job"),
        ("[export-jobs:read, export-jobs:write]", "completed", "export-items:read to read the"),
    ],
)
def test_an_expectation_the_credentials_cannot_reach_is_a_scenario_error(
    scopes: str, expected: str, missing: str
) -> None:
    text = scenario([scopes], expected)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source="case.yaml")
    error = caught.value
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "final_status" in row)
    assert (error.file, error.line) == ("case.yaml", line)
    assert error.where == "expect.final_status.export"
    assert f"expected to end {expected}" in error.reason and missing in error.reason


def test_one_credential_must_hold_every_scope_needed() -> None:
    split = ["[export-jobs:read, export-items:read]", "[export-jobs:write]"]
    with pytest.raises(ScenarioError, match="export-jobs:write"):
        load_scenario_text(scenario(split))
    assert load_scenario_text(scenario([*split, ALL])).expect.final_status


@pytest.mark.parametrize(
    "scopes, expected, status, entries",
    [
        # every item is booked already: completing needs no entry data
        (
            "[export-jobs:read, export-jobs:write]",
            "completed",
            "in_progress",
            "[{entry: booked, status: successful, exported_at: -8m, external_id: V-1}]",
        ),
        # an item may fail for want of data: completed_with_errors needs no export-items:read
        ("[export-jobs:read, export-jobs:write]", "completed_with_errors", "pending", "[open]"),
    ],
)
def test_reachable_expectations_load(scopes: str, expected: str, status: str, entries: str) -> None:
    loaded = load_scenario_text(scenario([scopes], expected, status, entries))
    assert loaded.expect.final_status["export"] == expected
