"""The faults in force in one sandbox: counts matching calls and picks the fault for each."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..domain.streams import Stream
from .model import (
    OAUTH_FAULT_OPERATIONS,
    RECEIPT_FAULT_OPERATIONS,
    Fault,
    FaultRule,
    check_room,
)


@dataclass(frozen=True, slots=True)
class CallInfo:
    """What a rule can match on, known before the request is handled."""

    operation_id: str
    event: str | None = None
    job_id: str | None = None
    wildcard: bool = True  # whether a rule for `*` reaches the call


@dataclass(frozen=True, slots=True)
class FaultScope:
    """Which calls of one API injected faults may reach."""

    operations: frozenset[str] | None = None  # None: every operation of the API
    wildcard: bool = True  # whether rules for `*` reach them, or only rules that name them

    def covers(self, operation_id: str) -> bool:
        return self.operations is None or operation_id in self.operations


EVERY_OPERATION = FaultScope()  # the Export API, every version
OAUTH_OPERATIONS = FaultScope(OAUTH_FAULT_OPERATIONS, wildcard=False)  # the authorization server
RECEIPT_DOWNLOADS = FaultScope(RECEIPT_FAULT_OPERATIONS, wildcard=False)  # /files/...


class FaultPlan:
    def __init__(
        self,
        rules: Iterable[FaultRule] = (),
        seed: int = 0,
        job_ids: Mapping[str, str] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._draws = Stream(f"faults:{seed}")  # seeded at its first draw: most plans draw none
        self._job_ids = dict(job_ids or {})  # scenario job key -> id
        self._rules: list[FaultRule] = []
        self._matched: list[int] = []
        self._fired: list[int] = []
        self.add(rules)

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def add(self, rules: Iterable[FaultRule], *, replace: bool = False) -> None:
        """Put `rules` in force after those already (instead of them, with `replace`); more
        than MAX_RULES in force at once are refused, and the plan stays as it was."""
        rules = list(rules)
        with self._lock:
            check_room(0 if replace else len(self._rules), len(rules), "faults")
            if replace:
                self._rules, self._matched, self._fired = [], [], []
            for rule in rules:
                self._rules.append(rule)
                self._matched.append(0)
                self._fired.append(0)

    def clear(self) -> None:
        with self._lock:
            self._rules, self._matched, self._fired = [], [], []

    def counts(self) -> list[tuple[FaultRule, int, int]]:
        """Each rule with the calls it matched and the faults it fired (for a snapshot)."""
        with self._lock:
            return list(zip(self._rules, self._matched, self._fired, strict=True))

    def draws(self) -> tuple[object, ...]:
        """Where the stream deciding `probability` rules stands (random.getstate())."""
        with self._lock:
            return self._draws.position()

    def resume(self, counts: list[tuple[FaultRule, int, int]], draws: tuple[object, ...]) -> None:
        """Take over the rules, counts and draws of a snapshot, all at once."""
        with self._lock:
            self._rules = [rule for rule, _, _ in counts]
            self._matched = [matched for _, matched, _ in counts]
            self._fired = [fired for _, _, fired in counts]
            self._draws = Stream(position=draws)

    def choose(self, call: CallInfo) -> Fault | None:
        """The fault for this call (the first rule that fires), counting every match."""
        with self._lock:
            chosen: Fault | None = None
            for index, rule in enumerate(self._rules):
                if not self._matches(rule, call):
                    continue
                self._matched[index] += 1
                if chosen is None and self._fires(rule, index):
                    self._fired[index] += 1
                    chosen = rule.fault
            return chosen

    def describe(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {"rule": rule_dict(rule), "matched": matched, "fired": fired}
                for rule, matched, fired in zip(
                    self._rules, self._matched, self._fired, strict=True
                )
            ]

    def _matches(self, rule: FaultRule, call: CallInfo) -> bool:
        if rule.operation != call.operation_id and not (rule.operation == "*" and call.wildcard):
            return False
        if rule.event is not None and rule.event != call.event:
            return False
        return rule.job is None or self._job_ids.get(rule.job, rule.job) == call.job_id

    def _fires(self, rule: FaultRule, index: int) -> bool:
        if rule.times is not None and self._fired[index] >= rule.times:
            return False
        count = self._matched[index]
        if rule.nth is not None:
            return count == rule.nth
        if rule.first is not None:
            return count <= rule.first
        if rule.every is not None:
            return count % rule.every == 0
        return self._draws.live().random() < (rule.probability or 0)


def rule_dict(rule: FaultRule) -> dict[str, object]:
    fault = rule.fault
    raw: dict[str, object] = {"operation": rule.operation, "kind": fault.kind}
    optional = {
        "event": rule.event,
        "job": rule.job,
        "nth": rule.nth,
        "first": rule.first,
        "every": rule.every,
        "probability": rule.probability,
        "times": rule.times,
        "status": fault.status,
        "retry_after": fault.retry_after,
        "seconds": fault.seconds if fault.kind == "latency" else None,
    }
    raw.update({key: value for key, value in optional.items() if value is not None})
    return raw
