"""The control plane's own spec is a valid OpenAPI document, and every operation is served."""

from __future__ import annotations

import yaml
from openapi_spec_validator import validate

from pleo_export_mock.http.control import CONTROL_HANDLERS
from pleo_export_mock.spec import load_spec
from pleo_export_mock.spec.loader import default_spec_path

CONTROL_SPEC = default_spec_path().with_name("control-plane.yaml")


def test_control_plane_spec_is_valid_openapi() -> None:
    validate(yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8")))


def test_every_control_operation_has_a_handler_and_lives_under_mock() -> None:
    spec = load_spec(CONTROL_SPEC)
    assert set(spec.operations) == set(CONTROL_HANDLERS)
    assert all(op.path.startswith("/_mock/") or op.path == "/" for op in spec.operations.values())
