"""The catalogue of connector rules: each registers itself with a stable id."""

from __future__ import annotations

from collections.abc import Callable

from .model import Check, Rule, Severity

RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, title: str, *, severity: Severity = Severity.ERROR, guidance: str, source: str
) -> Callable[[Check], Rule]:
    def register(check: Check) -> Rule:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES[rule_id] = Rule(rule_id, title, severity, guidance, source, check)
        return RULES[rule_id]

    return register
