"""The sandbox proves its own contract: Schemathesis, every check in every phase, finds nothing.

The long run is the point of this file; the quick tests around it keep its configuration
honest (every check and phase really on, refusals of valid requests only where docs/decisions.md
("Fuzzing") says so and only with statuses the spec documents) and show that the same run does
catch a sandbox that breaks its spec.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.config import ProjectConfig
from schemathesis.config._checks import _BUILTIN_CHECK_CONFIGS
from schemathesis.schemas import APIOperation
from werkzeug.test import Client

from pleo_export_mock import HttpSettings, Sandbox, authorization_header, create_app
from pleo_export_mock.fuzzing.config import FuzzOptions, build_config, refusals_of_valid_requests
from pleo_export_mock.fuzzing.report import format_findings
from pleo_export_mock.fuzzing.sandbox import fuzz_sandbox
from pleo_export_mock.http.handlers import Call, Reply
from pleo_export_mock.http.webhooks import subscriptions_spec
from pleo_export_mock.spec import load_spec
from pleo_export_mock.spec.loader import default_spec_path

SEED = 1
# About 6,500 cases (10-step stateful scenarios); the budget is 90 s on a quiet 2-core machine.
MAX_EXAMPLES = 300
PHASES = ("examples", "coverage", "fuzzing", "stateful")
SUBSCRIPTIONS_SPEC_URL = "/openapi-webhook-subscriptions.json"


@pytest.mark.slow(seconds=90)
def test_the_sandbox_passes_every_check_in_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    result = fuzz_sandbox(Sandbox("pending"), max_examples=MAX_EXAMPLES, seed=SEED)
    with capsys.disabled():  # the case count belongs in the CI log, pass or fail
        print(
            f"\nself-fuzz: {result.cases} cases in {result.duration_s:.1f} s "
            f"(seed {SEED}, {MAX_EXAMPLES} examples), phases {result.phases}"
        )
    assert result.ok, "Schemathesis found failures in the sandbox:\n\n" + format_findings(
        result.findings
    )
    assert result.phases == dict.fromkeys(PHASES, "success")
    assert result.cases > 3000  # a run that quietly tested little is no proof


@pytest.mark.slow(seconds=8)
def test_the_webhook_subscriptions_api_passes_every_check_in_every_phase() -> None:
    result = fuzz_sandbox(
        Sandbox("pending"), max_examples=30, seed=SEED, spec_path=SUBSCRIPTIONS_SPEC_URL
    )
    assert result.ok, "Schemathesis found failures in the sandbox:\n\n" + format_findings(
        result.findings
    )
    assert result.phases == dict.fromkeys(PHASES, "success")
    assert result.cases > 500


def test_subscription_refusals_are_documented_for_their_operation() -> None:
    spec = subscriptions_spec()
    refusals = refusals_of_valid_requests()
    for operation_id, operation in spec.operations.items():
        assert all(s in operation.responses for s in refusals.get(operation_id, ())), operation_id
    assert refusals["getSubscriptions"] == refusals["getSubscriptionActivities"] == ("400",)
    assert "getSubscriptionById" not in refusals and "createSubscription" not in refusals


# --- The configuration is what the self-fuzz claims -----------------------------------------------


@pytest.fixture(scope="module")
def project() -> ProjectConfig:
    config = build_config(FuzzOptions(headers={"Authorization": "Bearer x"}))
    schema = schemathesis.openapi.from_path(str(default_spec_path()), config=config)
    assert isinstance(schema.config, ProjectConfig)
    return schema.config


@pytest.fixture(scope="module")
def operations() -> dict[str, APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_path(str(default_spec_path()))
    found = (item.ok() for item in schema.get_all_operations())
    return {op.definition.raw["operationId"]: op for op in found}


def test_every_phase_is_on(project: ProjectConfig) -> None:
    assert all(project.phases.get_by_name(name=phase).enabled for phase in PHASES)


@pytest.mark.parametrize("phase", PHASES)
def test_every_check_is_on_for_every_operation(
    project: ProjectConfig, operations: dict[str, APIOperation[Any, Any, Any, Any]], phase: str
) -> None:
    for operation in operations.values():
        checks = project.checks_config_for(operation=operation, phase=phase)
        off = [n for n in _BUILTIN_CHECK_CONFIGS if not checks.get_by_name(name=n).enabled]
        assert not off, f"{operation.label}: {off} off in {phase}"
        assert checks.max_response_time.enabled


def test_refusals_of_valid_requests_are_narrow_and_documented(
    project: ProjectConfig, operations: dict[str, APIOperation[Any, Any, Any, Any]]
) -> None:
    """Per operation, only the statuses the decision lists, and only ones the spec documents."""
    default = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
    spec = load_spec()
    for operation_id, operation in operations.items():
        extra = list(refusals_of_valid_requests().get(operation_id, ()))
        documented = spec.operations[operation_id].responses
        assert all(status in documented for status in extra), operation_id
        for phase in PHASES:
            checks = project.checks_config_for(operation=operation, phase=phase)
            assert checks.positive_data_acceptance.expected_statuses == default + extra


def test_no_refusal_is_allowed_for_single_lookups() -> None:
    """A job or an entry's item by id: schema-valid means 2xx, 401, 403 or 404; the lookup by
    entry may also answer 400, only for the parameter Pleo's signature leaves optional."""
    refusals = refusals_of_valid_requests()
    assert "getExportJobByIdV3" not in refusals
    assert refusals["getExportJobItemByAccountingEntryIdV3"] == ("400",)


# --- Decision (b): the lookup by accounting entry needs its parameter, refused by the handler ---


def test_lookup_without_accounting_entry_id_is_a_validation_error(sandbox: Sandbox) -> None:
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    response = client.get("/v3/export-job-items", headers=auth)
    assert response.status_code == 400
    assert response.json == {
        "type": "INVALID_REQUEST",
        "message": "query parameter 'accounting_entry_id': is required",
    }


# --- The same run catches a sandbox that breaks its spec ----------------------------------------


def test_catches_a_sandbox_answer_that_breaks_the_spec(sandbox: Sandbox) -> None:
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    original = app.handlers["getExportJobByIdV3"]

    def without_status(call: Call) -> Reply:
        reply = original(call)
        reply.body["data"].pop("status")
        return reply

    app.handlers["getExportJobByIdV3"] = without_status
    result = fuzz_sandbox(sandbox, max_examples=2, seed=SEED, app=app)
    checks = {f.check for f in result.for_operation("GET /v3/export-jobs/{jobId}")}
    # Schemathesis judges the bytes sent; the sandbox's own validator says the same.
    assert {"response_schema_conformance", "sandbox_response_validator"} <= checks
    assert {f.operation for f in result.findings} == {"GET /v3/export-jobs/{jobId}"}
