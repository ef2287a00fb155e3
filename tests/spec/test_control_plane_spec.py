"""The control plane's own spec is a valid OpenAPI document, and every operation is served."""

from __future__ import annotations

from typing import Any

import yaml
from openapi_spec_validator import validate
from werkzeug.test import Client

from pleo_export_mock.delivery.faults import DEFAULT_SECONDS, DELIVERY_FAULT_KINDS
from pleo_export_mock.faults.model import (
    ERROR_STATUSES,
    FAULT_KINDS,
    OAUTH_FAULT_OPERATIONS,
    RECEIPT_FAULT_OPERATIONS,
    SELECTORS,
)
from pleo_export_mock.http import create_app
from pleo_export_mock.http.control import CONTROL_HANDLERS
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios import scenario_names
from pleo_export_mock.spec import export_api_operation_ids, load_spec
from pleo_export_mock.spec.loader import default_spec_path

CONTROL_SPEC = default_spec_path().with_name("control-plane.yaml")


def test_control_plane_spec_is_valid_openapi() -> None:
    validate(yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8")))


def test_every_control_operation_has_a_handler_and_lives_under_mock() -> None:
    spec = load_spec(CONTROL_SPEC)
    assert set(spec.operations) == set(CONTROL_HANDLERS)
    assert all(op.path.startswith("/_mock/") or op.path == "/" for op in spec.operations.values())


def _schemas() -> dict[str, Any]:
    document = yaml.safe_load(CONTROL_SPEC.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = document["components"]["schemas"]
    body = document["paths"]["/_mock/scenario"]["post"]["requestBody"]["content"]
    schemas["scenario name"] = body["application/json"]["schema"]["properties"]["name"]
    return schemas


def test_the_rule_schemas_name_what_the_rule_readers_take() -> None:
    """The schemas and the readers must agree, or Schemathesis finds valid bodies refused."""
    schemas = _schemas()
    common = schemas["FaultRuleCommon"]["properties"]
    reachable = OAUTH_FAULT_OPERATIONS | RECEIPT_FAULT_OPERATIONS
    for older in (False, True):
        reachable |= export_api_operation_ids(older=older)
    assert set(common["operation"]["enum"]) == {"*"} | reachable
    branches = [branch["properties"] for branch in schemas["FaultRule"]["oneOf"]]
    kinds = {kind for branch in branches for kind in branch["kind"]["enum"]}
    assert kinds == set(FAULT_KINDS)
    statuses = {tuple(branch["status"]["enum"]) for branch in branches if "status" in branch}
    assert statuses == {ERROR_STATUSES}
    chosen = {
        (sel, *branch["kind"]["enum"]) for branch in branches for sel in SELECTORS if sel in branch
    }
    assert len(chosen) == len(branches) == 4 * 3  # one branch per selector and kind group
    webhook = [
        branch["properties"]["kind"]["enum"] for branch in schemas["WebhookFaultRule"]["oneOf"]
    ]
    assert sorted(kind for kinds in webhook for kind in kinds) == sorted(DELIVERY_FAULT_KINDS)
    assert set(webhook[1]) == set(DEFAULT_SECONDS)  # the branch that takes `seconds`
    assert schemas["scenario name"]["enum"] == scenario_names()


def test_a_refused_body_is_explained_by_the_sandbox_reader() -> None:
    client = Client(create_app(Sandbox("pending")))
    cases = [
        ("/_mock/faults", {"faults": [{"kind": "drop"}]}, "give exactly one of nth, first"),
        (
            "/_mock/faults",
            {"faults": [{"kind": "drop", "nth": 1, "operation": "getExportJobV3"}]},
            "(did you mean 'getExportJobByIdV3'?)",
        ),
        ("/_mock/webhooks/faults", {"faults": [{}]}, "faults[0].kind: None is not one of"),
        ("/_mock/scenario", {"name": "pendng"}, "(did you mean 'pending'?)"),
    ]
    for path, body, words in cases:
        refused = client.post(path, json=body)
        assert refused.status_code == 400 and words in refused.json["message"], refused.json
    # Where the reader has nothing to say, the spec speaks.
    envelope = client.post("/_mock/faults", json={"faults": [], "replac": True})
    assert envelope.json == {
        "type": "INVALID_REQUEST",
        "message": "body: Additional properties are not allowed ('replac' was unexpected)",
    }
