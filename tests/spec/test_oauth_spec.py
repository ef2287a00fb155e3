"""The authorization server's spec is valid OpenAPI, and every operation of it is served."""

from __future__ import annotations

import yaml
from openapi_spec_validator import validate

from pleo_export_mock.http.oauth import OAUTH_HANDLERS
from pleo_export_mock.spec import load_spec
from pleo_export_mock.spec.loader import default_spec_path

OAUTH_SPEC = default_spec_path().with_name("oauth.yaml")


def test_oauth_spec_is_valid_openapi() -> None:
    validate(yaml.safe_load(OAUTH_SPEC.read_text(encoding="utf-8")))


def test_every_oauth_operation_has_a_handler_at_pleos_paths() -> None:
    spec = load_spec(OAUTH_SPEC)
    assert set(spec.operations) == set(OAUTH_HANDLERS)
    paths = {op.path for op in spec.operations.values()}
    assert {"/oauth/authorize", "/oauth/token", "/oauth/token/introspect"} <= paths
