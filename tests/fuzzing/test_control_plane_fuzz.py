"""Schemathesis against the control plane's rule and scenario bodies: a body the spec allows
is taken, and nothing answers 500. The spec's schemas and the sandbox's own readers of those
bodies are two statements of one rule; this holds them to each other."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from pleo_export_mock import Sandbox, create_app

sandbox = Sandbox("pending")
app = create_app(sandbox)
# A blank configuration, not the repository's schemathesis.toml: that one lets the outside run
# take a 400 for any loadScenario body, where this test holds the JSON names to exactness.
schema = schemathesis.openapi.from_wsgi(
    "/_mock/openapi.json", app, config=SchemathesisConfig()
).include(operation_id=["addFaults", "addWebhookFaults", "loadScenario"])
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=60, derandomize=True, suppress_health_check=list(HealthCheck), deadline=None)
def test_a_body_the_spec_allows_is_taken(case: schemathesis.Case) -> None:
    sandbox.load_scenario("pending")  # no rules in force, whatever the case before added
    # A scenario sent as YAML is a document no schema states (schemathesis.toml says so for
    # the outside run): only its JSON form, a shipped name, must be taken whenever it is valid.
    checks = CHECKS if case.media_type == "application/json" else CHECKS[:2]
    case.call_and_validate(checks=checks)
