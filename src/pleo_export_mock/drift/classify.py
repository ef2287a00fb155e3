"""Whether a change breaks a connector, and why: the reasoning of docs/decisions.md ("Drift").

The rule behind the table: a connector breaks when it may now *receive* something it was not
written for (a new status, error code or enum value; a property that may be missing or null),
or may no longer *send* what it sends (a removed parameter, property or enum value; a new
requirement). What it will no longer receive, and what it may now send, are additive. A new
property in an answer is additive: JSON objects grow, and a connector ignores what it does not
read.
"""

from __future__ import annotations

from .model import Delta, Direction, Impact, Kind

BREAKING, ADDITIVE = Impact.BREAKING, Impact.ADDITIVE

# (kind, delta, direction or None for either) -> (impact, reason)
_TABLE: dict[tuple[Kind, Delta, Direction | None], tuple[Impact, str]] = {
    (Kind.OPERATION, Delta.ADDED, None): (ADDITIVE, "a new operation changes no call"),
    (Kind.OPERATION, Delta.REMOVED, None): (BREAKING, "a connector calling it is refused"),
    (Kind.DEPRECATED, Delta.CHANGED, None): (ADDITIVE, "still served; plan the move"),
    (Kind.SECURITY, Delta.CHANGED, None): (BREAKING, "a credential that worked may not"),
    (Kind.PARAMETER, Delta.ADDED, None): (ADDITIVE, "a new optional parameter"),
    (Kind.PARAMETER, Delta.REMOVED, None): (
        BREAKING,
        "a connector sending it is refused or silently unfiltered",
    ),
    (Kind.REQUEST_BODY, Delta.ADDED, None): (ADDITIVE, "a new optional body"),
    (Kind.REQUEST_BODY, Delta.REMOVED, None): (BREAKING, "the body a connector sends is unread"),
    (Kind.MEDIA_TYPE, Delta.CHANGED, None): (BREAKING, "the body is sent or read as another type"),
    (Kind.STATUS, Delta.ADDED, None): (BREAKING, "an answer the connector was not written for"),
    (Kind.STATUS, Delta.REMOVED, None): (ADDITIVE, "an answer the connector will not meet again"),
    (Kind.ERROR_CODE, Delta.ADDED, None): (BREAKING, "an error a connector may not handle"),
    (Kind.ERROR_CODE, Delta.REMOVED, None): (ADDITIVE, "an error the connector will not meet"),
    (Kind.HEADER, Delta.ADDED, None): (ADDITIVE, "a new response header"),
    (Kind.PROPERTY, Delta.ADDED, Direction.REQUEST): (ADDITIVE, "a new property it may send"),
    (Kind.PROPERTY, Delta.ADDED, Direction.RESPONSE): (ADDITIVE, "a new property it may ignore"),
    (Kind.PROPERTY, Delta.REMOVED, Direction.REQUEST): (
        BREAKING,
        "a connector sending it is refused or ignored",
    ),
    (Kind.PROPERTY, Delta.REMOVED, Direction.RESPONSE): (BREAKING, "a connector reading it fails"),
    (Kind.REQUIRED, Delta.ADDED, Direction.REQUEST): (
        BREAKING,
        "a connector leaving it out is refused",
    ),
    (Kind.REQUIRED, Delta.REMOVED, Direction.REQUEST): (ADDITIVE, "it may now be left out"),
    (Kind.REQUIRED, Delta.ADDED, Direction.RESPONSE): (ADDITIVE, "it is now always present"),
    (Kind.REQUIRED, Delta.REMOVED, Direction.RESPONSE): (
        BREAKING,
        "a connector reading it may find it missing",
    ),
    (Kind.NULLABLE, Delta.ADDED, Direction.REQUEST): (ADDITIVE, "null may now be sent"),
    (Kind.NULLABLE, Delta.REMOVED, Direction.REQUEST): (
        BREAKING,
        "a connector sending null is refused",
    ),
    (Kind.NULLABLE, Delta.ADDED, Direction.RESPONSE): (
        BREAKING,
        "a connector reading it may get null",
    ),
    (Kind.NULLABLE, Delta.REMOVED, Direction.RESPONSE): (ADDITIVE, "it is never null now"),
    (Kind.ENUM_VALUE, Delta.ADDED, Direction.REQUEST): (ADDITIVE, "a new value it may send"),
    (Kind.ENUM_VALUE, Delta.REMOVED, Direction.REQUEST): (
        BREAKING,
        "a connector sending it is refused",
    ),
    (Kind.ENUM_VALUE, Delta.ADDED, Direction.RESPONSE): (
        BREAKING,
        "a connector switching on the value meets one it does not know",
    ),
    (Kind.ENUM_VALUE, Delta.REMOVED, Direction.RESPONSE): (ADDITIVE, "a value it will not meet"),
    (Kind.ENUM, Delta.ADDED, Direction.REQUEST): (BREAKING, "values outside the enum are refused"),
    (Kind.ENUM, Delta.ADDED, Direction.RESPONSE): (ADDITIVE, "the answer is narrowed"),
    (Kind.ENUM, Delta.REMOVED, Direction.REQUEST): (ADDITIVE, "any string may now be sent"),
    (Kind.ENUM, Delta.REMOVED, Direction.RESPONSE): (BREAKING, "any string may now come back"),
}

# Everything else (a type, format or pattern changed, a style, a named schema) is breaking:
# a value valid on one side may not be on the other, and the spec does not say which way.
_OTHERWISE = (BREAKING, "a value valid before may not be now")


def classify(
    kind: Kind, delta: Delta, direction: Direction, *, required: bool = False
) -> tuple[Impact, str]:
    if required and delta is Delta.ADDED and kind in (Kind.PARAMETER, Kind.REQUEST_BODY):
        return BREAKING, f"a new required {kind}: a connector not sending it is refused"
    for key in ((kind, delta, direction), (kind, delta, None)):
        if key in _TABLE:
            return _TABLE[key]
    return _OTHERWISE
