"""Delivery faults: what a connector's webhook endpoint must survive.

Each rule spoils the deliveries of the next `times` events (of one company, or any):

- `bad_signature`: every attempt is signed with another key, as a forger would;
- `stale_timestamp`: every attempt is correctly signed, with a `webhook-timestamp` `seconds`
  (default 600) in the past, beyond Standard Webhooks' 5 minutes' tolerance;
- `duplicate`: once delivered, the same message (same `webhook-id`) is sent again;
- `out_of_order`: held back `seconds` (default 30) on the sandbox clock, so an event made
  meanwhile overtakes it;
- `lost`: never sent at all (journaled, so a report can say so).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..faults.model import FaultSpecError, check_room

DEFAULT_SECONDS = {"stale_timestamp": 600.0, "out_of_order": 30.0}
DELIVERY_FAULT_KINDS = ("bad_signature", "stale_timestamp", "duplicate", "out_of_order", "lost")
_KEYS = {"kind", "company", "times", "seconds"}


@dataclass(frozen=True, slots=True)
class DeliveryFault:
    """The fault one event's deliveries get."""

    kind: str
    seconds: float = 0.0

    def describe(self) -> str:
        if self.kind in DEFAULT_SECONDS:
            return f"{self.kind} {self.seconds:g}s"
        return self.kind


@dataclass(frozen=True, slots=True)
class DeliveryFaultRule:
    kind: str
    company: str | None = None  # a company's id or scenario key; None: any company
    times: int = 1  # how many events it spoils
    seconds: float | None = None  # stale_timestamp: how old; out_of_order: how long held

    @property
    def fault(self) -> DeliveryFault:
        seconds = self.seconds if self.seconds is not None else DEFAULT_SECONDS.get(self.kind, 0)
        return DeliveryFault(self.kind, seconds)

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"kind": self.kind, "times": self.times}
        if self.company is not None:
            shown["company"] = self.company
        if self.kind in DEFAULT_SECONDS:
            shown["seconds"] = self.fault.seconds
        return shown


def parse_delivery_faults(raw: Any, where: str = "webhook_faults") -> tuple[DeliveryFaultRule, ...]:
    """Rules from a scenario's `webhook_faults:` or the control plane; refuses saying where."""
    if not isinstance(raw, list):
        raise FaultSpecError(f"{where}: expected a list of webhook fault rules")
    check_room(0, len(raw), where)
    return tuple(_rule(item, f"{where}[{i}]") for i, item in enumerate(raw))


def _rule(raw: Any, where: str) -> DeliveryFaultRule:
    if not isinstance(raw, Mapping):
        raise FaultSpecError(f"{where}: expected a mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FaultSpecError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")
    kind = raw.get("kind")
    if kind not in DELIVERY_FAULT_KINDS:
        raise FaultSpecError(
            f"{where}.kind: {kind!r} is not one of {', '.join(DELIVERY_FAULT_KINDS)}"
        )
    times = raw.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise FaultSpecError(f"{where}.times: {times!r} is not a whole number of at least 1")
    company = raw.get("company")
    if company is not None and (not isinstance(company, str) or not company):
        raise FaultSpecError(f"{where}.company: expected a company id or scenario key")
    seconds = raw.get("seconds")
    if seconds is not None:
        if kind not in DEFAULT_SECONDS:
            raise FaultSpecError(f"{where}.seconds: only stale_timestamp and out_of_order take it")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise FaultSpecError(f"{where}.seconds: {seconds!r} is not a positive number")
    return DeliveryFaultRule(kind, company, times, None if seconds is None else float(seconds))


class DeliveryFaultPlan:
    """The rules in force, in order; the first with events left that matches decides."""

    def __init__(self, company_id: Callable[[str], str] = lambda ref: ref) -> None:
        self._company_id = company_id  # a scenario key to the company's id
        self._lock = threading.Lock()
        self._rules: list[list[Any]] = []  # [rule, events spoiled so far]

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def add(self, rules: tuple[DeliveryFaultRule, ...], *, replace: bool = False) -> None:
        """Put `rules` in force after those already (instead of them, with `replace`); more
        than MAX_RULES in force at once are refused, and the plan stays as it was."""
        with self._lock:
            check_room(0 if replace else len(self._rules), len(rules), "faults")
            if replace:
                self._rules.clear()
            self._rules.extend([rule, 0] for rule in rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def counts(self) -> list[tuple[DeliveryFaultRule, int]]:
        """Each rule with the events it spoiled so far (for a snapshot)."""
        with self._lock:
            return [(rule, used) for rule, used in self._rules]

    def resume(self, counts: list[tuple[DeliveryFaultRule, int]]) -> None:
        """Take over a snapshot's rules and counts, all at once."""
        with self._lock:
            self._rules = [[rule, used] for rule, used in counts]

    def choose(self, company_id: str) -> DeliveryFault | None:
        """The fault of a new event of this company, counting it against its rule."""
        with self._lock:
            for entry in self._rules:
                rule, used = entry
                wanted = rule.company is None or self._company_id(rule.company) == company_id
                if wanted and used < rule.times:
                    entry[1] += 1
                    fault: DeliveryFault = rule.fault
                    return fault
        return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**rule.to_dict(), "used": used} for rule, used in self._rules]


def signing(fault: DeliveryFault | None, secret: str, wall: datetime) -> tuple[str, datetime]:
    """The key and moment an attempt is signed with: the subscription's and now, unless spoilt."""
    if fault is not None and fault.kind == "bad_signature":
        digest = hashlib.sha256(b"forged:" + secret.encode()).digest()[:24]
        return "whsec_" + base64.b64encode(digest).decode(), wall
    if fault is not None and fault.kind == "stale_timestamp":
        return secret, wall - timedelta(seconds=fault.seconds)
    return secret, wall
