"""Our deliberate differences from Pleo's specs: not drift, shown only when asked (`--all`).

Each is listed, with its reason, in `x-deviations-from-pleo` of the spec it belongs to; the
spec comparison tests hold the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

EVERY_OPERATION = "*"


@dataclass(frozen=True)
class Allowances:
    """The deviations from Pleo one of our specs makes.

    - `picture_patterns`: Pleo's date pictures, which we drop;
    - `nullable_added`: "<Pleo schema>.<property>" made nullable;
    - `response_enums_added`: response strings narrowed to the values of the named Pleo enum;
    - `required_params_added`: (operation label, parameter) made required;
    - `statuses_added`: status -> the operationIds (or `*`) we add it to;
    - `error_types_added`: error codes our examples add to a status Pleo has;
    - `content_added`: statuses whose body we describe where Pleo's has none;
    - `constraints_added`: ("<Pleo schema>.<property>", keyword) we add, such as a pattern.
    """

    picture_patterns: frozenset[str] = frozenset()
    nullable_added: frozenset[str] = frozenset()
    response_enums_added: Mapping[str, str] = field(default_factory=dict)
    required_params_added: frozenset[tuple[str, str]] = frozenset()
    statuses_added: Mapping[str, frozenset[str]] = field(default_factory=dict)
    error_types_added: frozenset[str] = frozenset()
    content_added: frozenset[str] = frozenset()
    constraints_added: frozenset[tuple[str, str]] = frozenset()

    def adds_status(self, status: str, operation: str | None) -> bool:
        operations = self.statuses_added.get(status, frozenset())
        return EVERY_OPERATION in operations or operation in operations


# Why each kind of allowance exists, as `--all` shows it beside the change.
WHY = {
    "picture_patterns": "date pictures dropped: they are not regular expressions",
    "nullable_added": "nullable added: Pleo's own examples send null here",
    "response_enums_added": "response string narrowed to the enum its description names",
    "required_params_added": "parameter made required by the sandbox",
    "statuses_added": "error response the sandbox documents beside Pleo's",
    "error_types_added": "error code the sandbox documents beside Pleo's",
    "content_added": "error body described where Pleo's has none",
    "constraints_added": "constraint the sandbox adds to refuse unusable input",
    "request_body_required": "request body made required: nothing works without it",
}

PICTURE_PATTERNS = frozenset({"YYYY-MM-DDTHH:mi:ssZ", "YYYY-MM-DD", "yyyy-MM-dd'T'HH:mm:ss'Z'"})
EVERY = frozenset({EVERY_OPERATION})
V3_BODIES = frozenset(
    {
        "createExportJobV3",
        "createExportJobEventV3",
        "updateExportJobItemsV3",
        "searchExportJobItemsV3",
    }
)

# openapi/export-api.yaml against Pleo's Export API v3 (32.1.0).
NULLABLE_ADDED = frozenset(
    {"ExportJobV3.failureReasonType", "ExportJobItemV3.failureReasonType", "ExportItemV3.subType"}
)
# Response-only plain strings that Pleo describes as "one of <Enum> values": we add that enum.
RESPONSE_ENUMS_ADDED = {
    "ExportJobV3.status": "ExportJobStatus",
    "ExportJobV3.failureReasonType": "ExportJobFailureReasonType",
    "ExportJobItemV3.status": "ExportJobItemStatus",
    "ExportJobItemV3.failureReasonType": "ExportJobItemFailureReasonType",
    "ExportJobItemUpdateErrorV3.type": "ExportJobItemUpdateErrorType",
}
V3 = Allowances(
    picture_patterns=PICTURE_PATTERNS,
    nullable_added=NULLABLE_ADDED,
    response_enums_added=RESPONSE_ENUMS_ADDED,
    statuses_added={
        "400": EVERY,
        "401": EVERY,
        "403": EVERY,
        "404": frozenset({"createExportJobEventV3", "getExportItemsV3"}),
        "413": V3_BODIES,
        "415": V3_BODIES,
    },
    error_types_added=frozenset(
        {"INVALID_REQUEST", "ACCOUNTING_ENTRY_DOES_NOT_EXIST", "PAYLOAD_TOO_LARGE"}
    ),
)


def _versions(*names: str, versions: tuple[str, ...] = ("", "V1")) -> frozenset[str]:
    """v0's operationIds carry no suffix, v1's and v2's `V1`/`V2`."""
    return frozenset(f"{name}{version}" for name in names for version in versions)


_LEGACY_BODIES = ("createExportJob", "createExportJobEvent", "updateExportJobItems")
# openapi/export-api-v0-v2.yaml against the /v0, /v1 and /v2 paths of Pleo's spec 32.1.0.
V0_V2 = Allowances(
    picture_patterns=PICTURE_PATTERNS,
    statuses_added={
        "400": EVERY,
        "401": EVERY,
        "403": EVERY,
        "404": _versions(
            "getExportItems",
            "createExportJobEvent",
            "getExportJobById",
            "getExportJobItems",
            "updateExportJobItems",
        )
        | {"getExportItemsV2", "createExportJobEventV2"},
        "409": _versions("createExportJob"),
        "413": _versions(*_LEGACY_BODIES)
        | _versions("createExportJob", "createExportJobEvent", versions=("V2",)),
        "415": _versions(*_LEGACY_BODIES, versions=("", "V1", "V2")),
        "422": _versions("getExportItems", "createExportJobEvent", "updateExportJobItems"),
    },
)

# openapi/webhook-subscriptions.yaml against Pleo's Webhook Subscriptions API (11.6.2).
SUBSCRIPTIONS = Allowances(
    statuses_added={status: EVERY for status in ("400", "401", "403", "413", "415")},
    content_added=frozenset({"404"}),
    error_types_added=frozenset({"SUBSCRIPTION_NOT_FOUND"}),  # in the 404 body we describe
    constraints_added=frozenset(
        {
            ("SubscriptionRequest.endpointUrl", "pattern"),
            ("SubscriptionRequest.endpointUrl", "maxLength"),
        }
    ),
)
