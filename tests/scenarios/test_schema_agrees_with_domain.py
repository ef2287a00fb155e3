"""The scenario schema is data: it must spell the domain's statuses and reasons as the code does."""

from __future__ import annotations

from pleo_export_mock.domain.lifecycle import JOB_EXPIRED, JOB_EXPIRED_REASON
from pleo_export_mock.domain.models import ItemStatus, JobStatus
from pleo_export_mock.faults.model import MAX_RULES
from pleo_export_mock.scenarios.messages import job_failure_text
from pleo_export_mock.scenarios.validate import scenario_schema


def test_the_schema_knows_the_expired_reason_type() -> None:
    assert JOB_EXPIRED in scenario_schema()["$defs"]["job_failure_reason_type"]["enum"]


def test_the_schema_lists_every_job_and_item_status() -> None:
    definitions = scenario_schema()["$defs"]
    assert set(definitions["job_status"]["enum"]) == set(JobStatus)
    assert set(definitions["item_status"]["enum"]) == set(ItemStatus)


def test_a_seeded_expired_job_reads_as_one_the_store_expired() -> None:
    assert job_failure_text(JOB_EXPIRED) == JOB_EXPIRED_REASON


def test_a_scenario_holds_no_more_fault_rules_than_can_be_in_force() -> None:
    """Refused at load, with the file and line, not when the sandbox first puts them in force."""
    properties = scenario_schema()["properties"]
    assert properties["faults"]["maxItems"] == properties["webhook_faults"]["maxItems"] == MAX_RULES
