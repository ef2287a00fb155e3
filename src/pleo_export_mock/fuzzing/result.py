"""What a fuzz run found, independent of Schemathesis' own types (reports read only these)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Finding:
    """One kind of failure on one operation; `count` cases showed it, `reproduce` is the first."""

    operation: str  # "GET /v3/export-jobs/{jobId}", or a run-level label
    check: str  # Schemathesis check name, or "error" for a run that could not check
    title: str
    message: str
    phase: str
    reproduce: str
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.operation, self.check, self.title)


@dataclass(slots=True)
class FuzzResult:
    seed: int
    max_examples: int
    operations: list[str]  # every operation of the spec, in spec order
    cases: int = 0  # test cases sent, checks' own probes included
    duration_s: float = 0.0
    phases: dict[str, str] = field(default_factory=dict)  # phase -> final status
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, finding: Finding) -> None:
        """Count a repeat of a known kind of failure instead of listing it again."""
        for known in self.findings:
            if known.key == finding.key:
                known.count += finding.count
                return
        self.findings.append(finding)

    def for_operation(self, operation: str) -> list[Finding]:
        return [f for f in self.findings if f.operation == operation]
