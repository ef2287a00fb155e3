"""Our Webhook Subscriptions spec holds to Pleo's 11.6.2, operation by operation.

There is no copy of Pleo's subscriptions document to compare against, so Pleo's facts are
written here as a table: paths, methods, parameters, bodies, required fields, enums and the
status codes Pleo documents. Our spec must have every one of them exactly; what it adds is
limited to the refusals named in its `x-deviations-from-pleo` (400, 401, 403, 413, 415).

The document is read with the same code as `pleo-export-mock drift`, and the deviations that
command allows for this spec (`drift.allowances.SUBSCRIPTIONS`) are held to be exactly ours:
our spec with them undone compares to ours with no drift, and with every one of them used.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from pleo_export_mock.drift.allowances import SUBSCRIPTIONS, WHY
from pleo_export_mock.drift.compare import compare
from pleo_export_mock.drift.document import operations_by_id, parameters_by_key, resolve
from pleo_export_mock.http.webhooks import SUBSCRIPTION_HANDLERS, subscriptions_spec
from pleo_export_mock.spec.loader import default_spec_path

SPEC_PATH = default_spec_path().with_name("webhook-subscriptions.yaml")
PAGING = {"before", "after", "offset", "limit", "sorting_keys", "sorting_order"}
ADDED_STATUSES = {"400", "401", "403", "413", "415"}  # each one in x-deviations-from-pleo

# operationId: (method, path, query parameters, request body schema, Pleo's status codes)
PLEO_OPERATIONS: dict[str, tuple[str, str, set[str], str | None, set[str]]] = {
    "getSubscriptions": (
        "get", "/v1/subscriptions", {"status", "event_types", *PAGING}, None,
        {"200", "400", "500"},
    ),
    "createSubscription": (
        "post", "/v1/subscriptions", set(), "SubscriptionRequest", {"200", "400", "500"},
    ),
    "getSubscriptionById": ("get", "/v1/subscriptions/{id}", set(), None, {"200", "404"}),
    "updateSubscription": (
        "put", "/v1/subscriptions/{id}", set(), "SubscriptionRequest",
        {"200", "400", "404", "500"},
    ),
    "deleteSubscription": (
        "delete", "/v1/subscriptions/{id}", set(), None, {"204", "404", "500"},
    ),
    "getSubscriptionActivities": (
        "get", "/v1/subscriptions/{id}/activities", {"operation_types", *PAGING}, None,
        {"200", "404"},
    ),
    "getSubscriptionSecret": (
        "get", "/v1/subscriptions/{id}/secret", set(), None, {"200", "404"},
    ),
}  # fmt: skip

# schema: (required properties, every property Pleo lists)
PLEO_SCHEMAS: dict[str, tuple[set[str], set[str]]] = {
    "SubscriptionRequest": (
        {"endpointUrl", "eventTypes"},
        {"endpointUrl", "eventTypes", "customHeaders", "endpointAuth", "status"},
    ),
    "SubscriptionModel": (
        {"id", "endpointUrl", "eventTypes", "status", "createdAt", "updatedAt"},
        {"id", "endpointUrl", "eventTypes", "status", "createdAt", "updatedAt",
         "customHeaders", "endpointAuth", "deletedAt", "deletedBy"},
    ),
    "SubscriptionActivityModel": (
        {"id", "subscriptionId", "operationType", "description", "actorUrn", "createdAt"},
        {"id", "subscriptionId", "operationType", "description", "actorUrn", "createdAt"},
    ),
    "SubscriptionSecretModel": ({"secretKey"}, {"secretKey"}),
    "EndpointAuth": (set(), {"type", "credentials"}),
    "EndpointAuthCredentials": (set(), {"username", "password", "token"}),
}  # fmt: skip
PLEO_ENUMS = {
    "SubscriptionStatus": ["ACTIVE", "INACTIVE"],
    "EndpointAuthType": ["NONE", "BASIC"],
    "OperationType": ["CREATE", "UPDATE", "DELETE"],
}
# The answer's data, per operation that answers with one
PLEO_ANSWERS = {
    "getSubscriptions": "CursorPaginatedResponseSubscriptionModel",
    "createSubscription": "DataResponseSubscriptionModel",
    "getSubscriptionById": "DataResponseSubscriptionModel",
    "updateSubscription": "DataResponseSubscriptionModel",
    "getSubscriptionActivities": "CursorPaginatedResponseSubscriptionActivityModel",
    "getSubscriptionSecret": "DataResponseSubscriptionSecretModel",
}
JSON = "application/json;charset=UTF-8"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return operations_by_id(document)


def _schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _query_names(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    return {name for name, where in parameters_by_key(document, operation) if where == "query"}


def test_the_spec_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_exactly_pleos_seven_operations_each_with_a_handler(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == set(PLEO_OPERATIONS) == set(SUBSCRIPTION_HANDLERS)


@pytest.mark.parametrize("operation_id", sorted(PLEO_OPERATIONS))
def test_each_operation_is_pleos(document: dict[str, Any], operation_id: str) -> None:
    method, path, query, body, statuses = PLEO_OPERATIONS[operation_id]
    ours_method, ours_path, operation = _operations(document)[operation_id]
    assert (ours_method, ours_path) == (method, path)
    assert _query_names(document, operation) == query
    ours_body = operation.get("requestBody", {}).get("content", {}).get(JSON, {}).get("schema")
    assert (None if ours_body is None else _schema_name(ours_body["$ref"])) == body
    responses = set(operation["responses"])
    assert statuses <= responses, f"Pleo's {sorted(statuses - responses)} missing"
    assert responses - statuses <= ADDED_STATUSES, "a status neither Pleo's nor a listed addition"
    answer = operation["responses"][min(statuses)].get("content", {}).get(JSON, {}).get("schema")
    expected = PLEO_ANSWERS.get(operation_id)
    assert (None if answer is None else _schema_name(answer["$ref"])) == expected


@pytest.mark.parametrize("name", sorted(PLEO_SCHEMAS))
def test_each_schema_has_pleos_fields(document: dict[str, Any], name: str) -> None:
    required, properties = PLEO_SCHEMAS[name]
    schema = document["components"]["schemas"][name]
    assert set(schema.get("required", [])) == required
    assert set(schema["properties"]) == properties


@pytest.mark.parametrize("name", sorted(PLEO_ENUMS))
def test_each_enum_is_pleos(document: dict[str, Any], name: str) -> None:
    assert document["components"]["schemas"][name]["enum"] == PLEO_ENUMS[name]


def test_event_types_are_a_set_of_strings_as_pleo_has_them(document: dict[str, Any]) -> None:
    event_types = document["components"]["schemas"]["SubscriptionRequest"]["properties"][
        "eventTypes"
    ]
    assert event_types == {
        "description": event_types["description"],
        "type": "array",
        "uniqueItems": True,
        "items": {"type": "string"},
    }


def test_every_addition_is_listed_as_a_deviation(document: dict[str, Any]) -> None:
    listed = " ".join(d["what"] for d in document["x-deviations-from-pleo"])
    for status in sorted(ADDED_STATUSES):
        assert f"`{status}`" in listed
    assert "x-required-scopes" in listed and "pattern" in listed


def test_the_sandbox_loads_it() -> None:
    assert set(subscriptions_spec().operations) == set(PLEO_OPERATIONS)


# --- The deviations drift allows are exactly ours -------------------------------------------------


def as_pleo_has_it(document: dict[str, Any]) -> dict[str, Any]:
    """Our spec with each listed deviation undone: what Pleo's document says, as far as we know."""
    pleo = copy.deepcopy(document)
    for _, _, operation in _operations(pleo).values():
        responses = operation["responses"]
        for status in ADDED_STATUSES & set(responses):
            del responses[status]
        if "404" in responses:  # Pleo lists the status without a body
            responses["404"] = {"description": resolve(pleo, responses["404"])[0]["description"]}
        if "requestBody" in operation:
            body = resolve(pleo, operation["requestBody"])[0]
            operation["requestBody"] = {k: v for k, v in body.items() if k != "required"}
    endpoint = pleo["components"]["schemas"]["SubscriptionRequest"]["properties"]["endpointUrl"]
    del endpoint["pattern"], endpoint["maxLength"]
    return pleo


def test_our_deviations_are_what_drift_allows(document: dict[str, Any]) -> None:
    changes = compare(as_pleo_has_it(document), document, SUBSCRIPTIONS).changes
    assert [c.line for c in changes if c.is_drift] == []
    used = {c.documented for c in changes}
    expected = {
        "statuses_added",
        "content_added",
        "error_types_added",
        "constraints_added",
        "request_body_required",
    }
    assert used == {WHY[name] for name in expected}


def test_drift_sees_a_change_of_pleos(document: dict[str, Any]) -> None:
    pleo = as_pleo_has_it(document)
    pleo["components"]["schemas"]["SubscriptionStatus"]["enum"].append("PAUSED")
    drift = [c for c in compare(pleo, document, SUBSCRIPTIONS).changes if c.is_drift]
    read = [c for c in drift if c.where == "GET /v1/subscriptions/{id} response 200 body"]
    assert [(c.text, c.impact) for c in read] == [("data.status enum lacks 'PAUSED'", "breaking")]
