"""Fault rules: which calls (operation, event, job; nth, first n, every nth, or a seeded chance)
get which fault (an HTTP error, latency, a dropped connection, a cut or malformed body, or the
ambiguous commit: the write is applied, then the answer is lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from ..errors import ToolError, did_you_mean
from ..spec import export_api_operation_ids

# kind -> does the request reach the sandbox's state?
FAULT_KINDS = {
    "status": False,  # an HTTP error answered in its place (429, 500, 502, 503, 504)
    "latency": True,  # the answer comes, late
    "drop": False,  # the connection is closed before any answer
    "truncate": True,  # the answer starts, then the connection closes mid-body
    "malformed": True,  # a complete answer whose body is not valid JSON
    "ambiguous_commit": True,  # applied, then the connection closes before any answer
}
ERROR_STATUSES = (429, 500, 502, 503, 504)
# The authorization server's operations a connector calls itself, over the back channel: a rule
# that names one faults it; `*` does not reach them (docs/decisions.md, "Faults").
OAUTH_FAULT_OPERATIONS = frozenset({"token", "introspectToken", "revokeToken"})
# A receipt download (openapi/receipts.yaml): faulted, like those, only by a rule naming it.
RECEIPT_FAULT_OPERATIONS = frozenset({"getReceiptFile"})
# The operations a rule reaches only by naming them: `*` means the Export API's.
_NAMED_ONLY = OAUTH_FAULT_OPERATIONS | RECEIPT_FAULT_OPERATIONS
# The authorization server's operations that take no faults, and why a rule naming one is
# refused.
NO_FAULT_OPERATIONS = {
    "authorize": "the authorization page is the admin's browser's, not the connector's",
    "approve": "the consent page's answer is the admin's browser's, not the connector's",
    "getAuthorizationServerMetadata": "the discovery document is a sandbox addition",
}
SELECTORS = ("nth", "first", "every", "probability")
# Rules in one list, and in force at once. Every request is matched against each rule in
# force, so rules added in a loop would slow every answer and grow the server without end.
MAX_RULES = 1_000


class FaultSpecError(ToolError):
    """A fault rule that cannot be used; says where and why."""


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    status: int | None = None
    retry_after: int | None = None
    seconds: float = 0.0  # latency

    @property
    def applies_request(self) -> bool:
        return FAULT_KINDS[self.kind]

    def describe(self) -> str:
        if self.kind == "status":
            wait = f" (Retry-After {self.retry_after:g})" if self.retry_after is not None else ""
            return f"status {self.status}{wait}"
        if self.kind == "latency":
            return f"latency {self.seconds:g}s"
        if self.kind == "ambiguous_commit":
            return "ambiguous_commit (applied, answer lost)"
        return self.kind


@dataclass(frozen=True, slots=True)
class FaultRule:
    fault: Fault
    # an operationId (the Export API's, OAUTH_ or RECEIPT_FAULT_OPERATIONS); * for the Export API
    operation: str = "*"
    event: str | None = None  # only job events of this type
    job: str | None = None  # only calls about this job (a scenario job key or a job id)
    nth: int | None = None  # the nth matching call (1 = the first)
    first: int | None = None  # the first n matching calls
    every: int | None = None  # every nth matching call
    probability: float | None = None  # each matching call with this seeded chance
    times: int | None = None  # at most this many times in all


def parse_rules(raw: Any, where: str = "faults") -> tuple[FaultRule, ...]:
    if not isinstance(raw, list):
        raise FaultSpecError(f"{where}: expected a list of fault rules")
    check_room(0, len(raw), where)
    return tuple(parse_rule(item, f"{where}[{i}]") for i, item in enumerate(raw))


class FaultLimit(FaultSpecError):
    """Rules that fit the bound alone, but not beside those in force: the state's, not theirs."""


def check_room(in_force: int, adding: int, where: str) -> None:
    """Refuse rules that would take those in force past MAX_RULES."""
    if adding > MAX_RULES:
        raise FaultSpecError(f"{where}: at most {MAX_RULES:,} rules at once, not {adding:,}")
    if in_force + adding > MAX_RULES:
        raise FaultLimit(
            f"{where}: at most {MAX_RULES:,} rules at once, not {in_force:,} in force and "
            f"{adding:,} more; replace them, or clear them first"
        )


def parse_rule(raw: Any, where: str) -> FaultRule:
    if not isinstance(raw, Mapping):
        raise FaultSpecError(f"{where}: expected a mapping")
    known = {
        "operation",
        "event",
        "job",
        "times",
        "kind",
        "status",
        "retry_after",
        "seconds",
        *SELECTORS,
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FaultSpecError(f"{where}: unknown key(s) {', '.join(unknown)}")
    chosen = [name for name in SELECTORS if raw.get(name) is not None]
    if len(chosen) != 1:
        raise FaultSpecError(f"{where}: give exactly one of {', '.join(SELECTORS)}")
    _check_selector(raw, chosen[0], where)
    return FaultRule(
        fault=_fault(raw, where),
        operation=_operation(raw, where),
        event=_text(raw, "event", where),
        job=_text(raw, "job", where),
        times=_positive(raw, "times", where),
        **{chosen[0]: raw[chosen[0]]},
    )


def _operation(raw: Mapping[str, Any], where: str) -> str:
    operation = _text(raw, "operation", where) or "*"
    if operation in NO_FAULT_OPERATIONS:
        why = NO_FAULT_OPERATIONS[operation]
        faulted = ", ".join(sorted(OAUTH_FAULT_OPERATIONS))
        raise FaultSpecError(
            f"{where}.operation: {operation!r} takes no faults ({why}); of the authorization "
            f"server only {faulted} do"
        )
    if not _reachable(operation):
        hint = did_you_mean(operation, _NAMED_ONLY | export_api_operation_ids())
        raise FaultSpecError(
            f"{where}.operation: {operation!r} is no operation a fault reaches{hint}: name "
            f"an operationId of the Export API (any version), one of "
            f"{', '.join(sorted(_NAMED_ONLY))}, or * for every Export API operation"
        )
    return operation


def _reachable(operation: str) -> bool:
    """A rule naming any other operation would never fire: a typo, found when it is read.
    v3's spec first (every sandbox loads it); v0-v2's only for a name v3 lacks."""
    if operation == "*" or operation in _NAMED_ONLY:
        return True
    return any(operation in export_api_operation_ids(older=older) for older in (False, True))


def _fault(raw: Mapping[str, Any], where: str) -> Fault:
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in FAULT_KINDS:  # a list or mapping: no hash
        raise FaultSpecError(f"{where}.kind: {kind!r} is not one of {', '.join(FAULT_KINDS)}")
    if kind == "status":
        status = raw.get("status")
        if not _whole(status) or status not in ERROR_STATUSES:  # 500.0 equals 500
            shown = ", ".join(map(str, ERROR_STATUSES))
            raise FaultSpecError(f"{where}.status: {status!r} is not one of {shown}")
        retry_after = raw.get("retry_after")
        # RFC 9110 §10.2.3: Retry-After is a whole number of seconds (or a date).
        if retry_after is not None and not (_whole(retry_after) and retry_after >= 0):
            raise FaultSpecError(f"{where}.retry_after: give whole seconds, 0 or more")
        return Fault(kind, status=status, retry_after=retry_after)
    if kind == "latency":
        seconds = raw.get("seconds")
        if not (_number(seconds) and 0 < seconds <= 30):
            raise FaultSpecError(f"{where}.seconds: give the added latency, up to 30 seconds")
        return Fault(kind, seconds=float(seconds))
    for name in ("status", "retry_after", "seconds"):
        if name in raw:
            raise FaultSpecError(f"{where}.{name}: only for kind status or latency")
    return Fault(kind)


def _check_selector(raw: Mapping[str, Any], name: str, where: str) -> None:
    value = raw[name]
    if name == "probability":
        if not _number(value) or not 0 < value <= 1:
            raise FaultSpecError(f"{where}.probability: give a chance above 0 and at most 1")
    elif not (_whole(value) and value >= 1):
        raise FaultSpecError(f"{where}.{name}: give a whole number, 1 or more")


def _positive(raw: Mapping[str, Any], name: str, where: str) -> int | None:
    value = raw.get(name)
    if value is not None and not (_whole(value) and value >= 1):
        raise FaultSpecError(f"{where}.{name}: give a whole number, 1 or more")
    return value


def _text(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        raise FaultSpecError(f"{where}.{name}: give a string")
    return value


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
