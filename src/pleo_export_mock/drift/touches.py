"""Which verifier rules and shipped scenarios touch a changed operation or value.

Rules: `RULE_OPERATIONS` names, per rule id, the operations whose exchanges the rule judges.
tests/drift/test_touches.py holds it to the rule registry (every rule, no other) and to the
shipped specs (every operationId exists), so a new rule or a renamed operation fails a test
instead of leaving the table behind. An older version's operation touches the rules of the
v3 operation its `x-superseded-by` names.

Scenarios are read from their files: a scenario touches an operation its faults name (`*`
names every Export API operation), the Webhook Subscriptions API when it sends webhooks, and
an enum value it writes down (a job `status: failed` touches a change to `failed`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from ..scenarios import load_named, scenario_names
from ..spec.loader import shipped_spec
from .model import Change, Kind

EVERY = "*"  # every operation of the Export API (any version) and of Webhook Subscriptions
OLDER = "older"  # every v0-v2 operation
LIST_JOBS, GET_JOB, CREATE_JOB = "getExportJobsListV3", "getExportJobByIdV3", "createExportJobV3"
EVENT, LIST_ITEMS, PUT_ITEMS = (
    "createExportJobEventV3",
    "getExportJobItemsV3",
    "updateExportJobItemsV3",
)
EXPORT_ITEMS = "getExportItemsV3"
AUTHORIZE, TOKEN = ("authorize", "approve"), "token"

RULE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "no-job-creation": (CREATE_JOB,),
    "eligible-jobs-only": (LIST_JOBS, GET_JOB, EVENT),
    "oldest-first": (LIST_JOBS, EVENT),
    "one-job-at-a-time": (EVENT,),
    "no-hot-polling": (LIST_JOBS,),
    "polls-gently": (LIST_JOBS,),
    "started-before-updates": (EVENT, PUT_ITEMS),
    "started-once": (EVENT,),
    "read-all-item-pages": (LIST_ITEMS,),
    "books-what-it-read": (EXPORT_ITEMS, PUT_ITEMS),
    "batch-limit": (PUT_ITEMS,),
    "success-has-external-id": (PUT_ITEMS,),
    "success-has-external-url": (PUT_ITEMS,),
    "failure-has-reason": (PUT_ITEMS,),
    "exported-at-plausible": (PUT_ITEMS,),
    "no-duplicate-success": (PUT_ITEMS,),
    "all-items-reported": (LIST_ITEMS, PUT_ITEMS, EVENT),
    "one-final-event": (EVENT, PUT_ITEMS),
    "final-event-agrees": (EVENT, PUT_ITEMS),
    "failed-event-has-reason": (EVENT,),
    "all-eligible-jobs-finished": (LIST_JOBS, EVENT),
    "finishes-before-expiry": (EVENT,),
    "scenario-expectations": (EVENT,),
    "retries-transient-failures": (EVERY,),
    "honours-retry-after": (EVERY,),
    "gives-up-with-reason": (EXPORT_ITEMS, EVENT),
    "no-retry-loop": (EVERY,),
    "valid-requests": (EVERY,),
    "no-deprecated-status": (LIST_JOBS,),
    "uses-job-id-key": (EVENT,),
    "authenticates": (EVERY,),
    "uses-current-api": (OLDER,),
    "pinned-api-versions": (OLDER,),
    "connector-exits": (),
    "acts-only-on-verified-deliveries": (
        "createSubscription",
        "updateSubscription",
        "getSubscriptionSecret",
        LIST_JOBS,
        EXPORT_ITEMS,
    ),
    "processes-each-delivery-once": (LIST_JOBS, EVENT, PUT_ITEMS),
    "answers-deliveries-promptly": (EVENT,),
    "reconciles-by-polling": ("createSubscription", "updateSubscription", LIST_JOBS),
    "oauth-pkce-state": (*AUTHORIZE, TOKEN),
    "oauth-refreshes": (TOKEN, EVERY),
    "oauth-no-refresh-replay": (TOKEN,),
    "oauth-no-401-loop": (TOKEN, EVERY),
    "names-company": (EVERY,),
    "own-company-only": (EVERY,),
}

EXPORT_SPECS = ("export-api.yaml", "export-api-v0-v2.yaml")
SUBSCRIPTIONS_SPEC = "webhook-subscriptions.yaml"


@dataclass(frozen=True, slots=True)
class Touches:
    rules: tuple[str, ...]  # the rules that judge this operation in particular
    general: tuple[str, ...]  # the rules that judge every call, this one too
    scenarios: tuple[str, ...]


def touches(change: Change) -> Touches:
    operation = change.operation or ""
    rules = sorted(rule for rule, ops in RULE_OPERATIONS.items() if _judges(ops, operation))
    general = [
        rule for rule in rules if EVERY in RULE_OPERATIONS[rule] and not _names_it(rule, operation)
    ]
    by_value = change.subject if change.kind is Kind.ENUM_VALUE else None
    scenarios = sorted(
        name for name, seen in _scenario_index().items() if _names(seen, operation, by_value)
    )
    specific = tuple(rule for rule in rules if rule not in general)
    return Touches(specific, tuple(general), tuple(scenarios))


def _names_it(rule: str, operation: str) -> bool:
    """Whether the rule names the operation (or its v3 successor) beside judging every call."""
    named = set(RULE_OPERATIONS[rule]) - {EVERY}
    return operation in named or _successors().get(operation) in named


def _judges(operations: tuple[str, ...], operation: str) -> bool:
    if not operation:
        return False
    older = _successors()
    if operation in older:  # a v0-v2 operation: the rules of its v3 successor, and OLDER's
        return OLDER in operations or older[operation] in operations or EVERY in operations
    return operation in operations or (EVERY in operations and operation in _api_operations())


@dataclass(frozen=True, slots=True)
class _Seen:
    operations: frozenset[str]  # what its faults name, and Webhook Subscriptions if it sends
    values: frozenset[str]  # every string it writes down


def _names(seen: _Seen, operation: str, value: str | None) -> bool:
    return operation in seen.operations or (value is not None and value in seen.values)


@functools.cache
def _scenario_index() -> dict[str, _Seen]:
    index = {}
    for name in scenario_names():
        scenario = load_named(name)
        operations: set[str] = set()
        for fault in scenario.faults:
            operations |= _export_operations() if fault.operation == EVERY else {fault.operation}
        if scenario.timeline or scenario.webhook_faults:
            operations |= _operations_of(SUBSCRIPTIONS_SPEC)
        raw = yaml.safe_load(scenario.path.read_text(encoding="utf-8")) if scenario.path else None
        values = frozenset(_strings(raw))
        index[name] = _Seen(frozenset(operations), values)
    return index


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@functools.cache
def _operations_of(file_name: str) -> frozenset[str]:
    return frozenset(shipped_spec(file_name).operations)


@functools.cache
def _export_operations() -> frozenset[str]:
    return frozenset().union(*(_operations_of(name) for name in EXPORT_SPECS))


@functools.cache
def _api_operations() -> frozenset[str]:
    return _export_operations() | _operations_of(SUBSCRIPTIONS_SPEC)


@functools.cache
def _successors() -> dict[str, str]:
    """v0-v2 operationId -> the v3 operationId that replaces it (`x-superseded-by`)."""
    older = shipped_spec("export-api-v0-v2.yaml").operations
    return {op_id: str(op.extensions["x-superseded-by"]) for op_id, op in older.items()}
