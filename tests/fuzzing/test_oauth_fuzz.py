"""Schemathesis against the authorization server's own spec: no 500, every answer as specified."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pleo_export_mock import Sandbox, create_app

app = create_app(Sandbox("pending"))
schema = schemathesis.openapi.from_wsgi("/oauth/openapi.json", app)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=40, derandomize=True, suppress_health_check=list(HealthCheck), deadline=None)
def test_the_authorization_server_keeps_its_spec(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
