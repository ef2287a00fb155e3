"""What the verifier says: rules, their findings, and the verdict."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context


class Severity(StrEnum):
    ERROR = "error"  # the connector did something Pleo's guides forbid: the verdict fails
    WARNING = "warning"  # a recommendation was not followed: reported, the verdict still passes


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str  # what happened, naming the job and the requests
    expected: str  # what Pleo's integration guide expects instead
    evidence: tuple[int, ...] = ()  # journal sequence numbers of the requests that show it


@dataclass(frozen=True, slots=True)
class ConnectorRun:
    """What happened to the connector process under `verify`."""

    command: tuple[str, ...]
    exit_code: int | None  # None: killed at the timeout
    duration: float
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None

    def summary(self) -> dict[str, object]:
        """How the run went, as the JSON report and a run bundle show it (output aside). The
        duration is whole: a bundle judged again must print the very figure `verify` did."""
        return {
            "command": list(self.command),
            "exitCode": self.exit_code,
            "timedOut": self.timed_out,
            "durationSeconds": self.duration,
        }


Check = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # stable; never renamed once published
    title: str
    severity: Severity
    guidance: str  # the Pleo guidance the rule comes from, in a sentence
    source: str  # where Pleo says so (facts file section and source ids)
    check: Check = field(repr=False)

    def finding(self, message: str, expected: str, evidence: Iterable[int] = ()) -> Finding:
        return Finding(self.id, self.severity, message, expected, tuple(sorted(set(evidence))))


@dataclass(frozen=True, slots=True)
class Verdict:
    findings: tuple[Finding, ...]
    rules_checked: tuple[str, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_rule(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.rule_id, []).append(finding)
        return grouped
