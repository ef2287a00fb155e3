"""v0, v1 and v2 are held to their spec as v3 is: every check, every phase, zero failures.

The same run as tests/fuzzing/test_self_fuzz.py, over the v0-v2 spec the sandbox serves at
/openapi-v0-v2.json, with fewer examples per phase (the three versions have 21 operations; the
coverage phase alone sends each of them every boundary value). `bench/fuzz_sandbox.py
--versions v0-v2` runs it at scale.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.config import ProjectConfig
from schemathesis.config._checks import _BUILTIN_CHECK_CONFIGS
from schemathesis.schemas import APIOperation

from pleo_export_mock import Sandbox
from pleo_export_mock.fuzzing.config import (
    SCHEMATHESIS_ACCEPTED,
    FuzzOptions,
    build_config,
    refusals_of_valid_requests,
)
from pleo_export_mock.fuzzing.report import format_findings
from pleo_export_mock.fuzzing.sandbox import LEGACY_SPEC, fuzz_sandbox
from pleo_export_mock.http.versions import legacy_spec, successor_of
from pleo_export_mock.journal import JournalEntry
from pleo_export_mock.spec.loader import default_spec_path

SEED = 1
# About 2,400 cases; a few seconds on a quiet machine.
MAX_EXAMPLES = 10
PHASES = ("examples", "coverage", "fuzzing", "stateful")
LEGACY_SPEC_FILE = default_spec_path().with_name("export-api-v0-v2.yaml")


@pytest.mark.slow(seconds=12)
def test_the_older_versions_pass_every_check_in_every_phase(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox = Sandbox("pending")
    result = fuzz_sandbox(sandbox, max_examples=MAX_EXAMPLES, seed=SEED, spec_path=LEGACY_SPEC)
    with capsys.disabled():
        print(f"\nself-fuzz v0-v2: {result.cases} cases in {result.duration_s:.1f} s")
    assert result.ok, "Schemathesis found failures in v0-v2:\n\n" + format_findings(result.findings)
    assert result.phases == dict.fromkeys(PHASES, "success")
    assert result.cases > 1500
    # The stateful phase (the last; each phase starts from a reset) followed the links to walk
    # the scenario's pending job (one job, whichever version reaches it first): claimed,
    # reported on, finished. Random ids would only have met 404s.
    # Schemathesis picks among links with randomness of its own (the seed does not fix it), so
    # how far a walk goes after the claim varies from run to run; the claim itself, which only
    # a real job id from a link makes succeed, does not.
    walked = [e for e in sandbox.journal if e.ok]
    assert _event_sent(walked, "started")


def _event_sent(entries: list[JournalEntry], event: str) -> bool:
    return any(
        e.path.endswith("/export-job-events") and e.request_body.get("event") == event
        for e in entries
    )


# --- The configuration is v3's, operation by operation --------------------------------------------


@pytest.fixture(scope="module")
def operations() -> dict[str, APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_path(str(LEGACY_SPEC_FILE))
    found = (item.ok() for item in schema.get_all_operations())
    return {op.definition.raw["operationId"]: op for op in found}


@pytest.fixture(scope="module")
def project() -> ProjectConfig:
    config = build_config(FuzzOptions(headers={"Authorization": "Bearer x"}))
    schema = schemathesis.openapi.from_path(str(LEGACY_SPEC_FILE), config=config)
    assert isinstance(schema.config, ProjectConfig)
    return schema.config


@pytest.mark.parametrize("phase", PHASES)
def test_every_check_is_on_for_every_older_operation(
    project: ProjectConfig, operations: dict[str, APIOperation[Any, Any, Any, Any]], phase: str
) -> None:
    assert len(operations) == 21
    for operation in operations.values():
        checks = project.checks_config_for(operation=operation, phase=phase)
        off = [n for n in _BUILTIN_CHECK_CONFIGS if not checks.get_by_name(name=n).enabled]
        assert not off, f"{operation.label}: {off} off in {phase}"


def test_an_older_operation_may_refuse_what_its_successor_may_and_nothing_else(
    project: ProjectConfig, operations: dict[str, APIOperation[Any, Any, Any, Any]]
) -> None:
    """It runs the v3 handler of its path, so it refuses the same valid requests; each status
    is one its own spec documents."""
    spec = legacy_spec()
    refusals = refusals_of_valid_requests()
    for operation_id, operation in operations.items():
        successor = successor_of(spec.operations[operation_id])
        assert successor is not None
        extra = list(refusals.get(successor, ()))
        assert all(status in spec.operations[operation_id].responses for status in extra)
        for phase in PHASES:
            checks = project.checks_config_for(operation=operation, phase=phase)
            expected = checks.positive_data_acceptance.expected_statuses
            assert expected == [*SCHEMATHESIS_ACCEPTED, *extra], operation_id


def test_every_version_links_its_own_workflow() -> None:
    """Links let the stateful phase walk a job (list -> job -> started -> items -> update ->
    completed), each version within itself."""
    schema = schemathesis.openapi.from_path(str(LEGACY_SPEC_FILE))
    labels = {}
    links = set()
    for item in schema.get_all_operations():
        operation = item.ok()
        labels[operation.definition.raw["operationId"]] = operation.label
        for _status, response in operation.responses.items():
            links.update(
                (operation.definition.raw["operationId"], link.get("operationId"))
                for _name, link in response.iter_links()
            )
    for v in ("", "V1", "V2"):
        workflow = [
            ("getExportJobsList", "getExportJobById"),
            ("getExportJobById", "createExportJobEvent"),  # started
            ("getExportJobById", "getExportJobItems"),
            ("getExportJobItems", "updateExportJobItems"),
            ("updateExportJobItems", "createExportJobEvent"),  # completed
        ]
        assert {(source + v, target + v) for source, target in workflow} <= links
    version = {op_id: label.split("/")[1] for op_id, label in labels.items()}
    assert all(version[source] == version[target] for source, target in links)
    assert len(links) == 3 * 14
    schema.as_state_machine()  # validates every link: target, parameters, expressions
