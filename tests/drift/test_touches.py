"""The map from a change to the rules and scenarios it touches cannot fall behind either."""

from __future__ import annotations

import pytest

from pleo_export_mock.drift.model import Change, Delta, Direction, Impact, Kind
from pleo_export_mock.drift.touches import EVERY, OLDER, RULE_OPERATIONS, Touches, touches
from pleo_export_mock.spec.loader import shipped_spec
from pleo_export_mock.verify import RULES

SPECS = ("export-api.yaml", "export-api-v0-v2.yaml", "webhook-subscriptions.yaml", "oauth.yaml")


def change(operation: str | None, kind: Kind = Kind.PARAMETER, subject: str = "x") -> Change:
    return Change(
        "somewhere", "differs", kind, Delta.CHANGED, Direction.REQUEST, operation, subject,
        Impact.BREAKING, "because",
    )  # fmt: skip


def test_every_rule_of_the_verifier_is_mapped_and_no_other() -> None:
    assert set(RULE_OPERATIONS) == set(RULES)


def test_every_operation_named_is_one_the_sandbox_serves() -> None:
    served = {op for name in SPECS for op in shipped_spec(name).operations}
    named = {op for ops in RULE_OPERATIONS.values() for op in ops} - {EVERY, OLDER}
    assert named - served == set()


def test_an_older_operation_touches_its_successors_rules_and_the_older_ones() -> None:
    found = touches(change("getExportJobsListV1"))
    assert {"no-hot-polling", "uses-current-api", "pinned-api-versions"} <= set(found.rules)
    assert "read-all-item-pages" not in found.rules
    assert "valid-requests" in found.general


def test_a_rule_judging_every_call_is_listed_apart() -> None:
    found = touches(change("getExportJobItemsV3"))
    assert "read-all-item-pages" in found.rules and "valid-requests" not in found.rules
    assert {"valid-requests", "authenticates", "retries-transient-failures"} <= set(found.general)


@pytest.mark.parametrize(
    ("operation", "scenario"),
    [
        ("getExportJobItemsV3", "flaky_network"),  # a fault names it
        ("getExportJobByIdV3", "flaky_network"),  # a fault on every operation (`*`)
        ("updateExportJobItemsV3", "rate_limited"),
        ("createSubscription", "webhooks"),  # it sends webhooks
    ],
)
def test_a_scenario_touches_what_its_faults_or_webhooks_name(operation: str, scenario: str) -> None:
    assert scenario in touches(change(operation)).scenarios


def test_a_scenario_without_faults_touches_no_operation_by_itself() -> None:
    assert "pending" not in touches(change("getExportJobItemsV3")).scenarios
    assert touches(change(None)) == touches(change("notAnOperation")) == Touches((), (), ())


def test_an_enum_value_touches_the_scenarios_that_write_it_down() -> None:
    found = touches(change("createExportJobEventV3", Kind.ENUM_VALUE, "failed"))
    assert "failed" in found.scenarios  # `status: failed`, `final_status: {retry: failed}`
    unknown = touches(change("createExportJobEventV3", Kind.ENUM_VALUE, "no-scenario-says-this"))
    assert "failed" not in unknown.scenarios
