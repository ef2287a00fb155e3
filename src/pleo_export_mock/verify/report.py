"""A verdict for people (text), for programs (JSON) and for CI dashboards (JUnit XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import junit
from ..journal import CallList
from .evidence import body_lines, cited, exchange_json, stderr_tail
from .model import ConnectorRun, Finding, Severity, Verdict
from .registry import RULES


@dataclass(frozen=True, slots=True)
class Judged:
    """How the verdict was reached: for which companies, with which rules made errors."""

    companies: tuple[str, ...]
    as_errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Snapshots:
    """The sandbox's whole state when the connector started, and when it was judged."""

    start: dict[str, Any]
    final: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scenario's run: the sandbox, the connector, the verdict."""

    scenario: str
    seed: int
    verdict: Verdict
    journal: CallList
    run: ConnectorRun | None = None
    # Every job as the run left it, with its items: {"data": job, "items": [...]}, as
    # GET /_mock/jobs/{jobId} shows them (the HTML report's final state).
    jobs: tuple[dict[str, Any], ...] = ()
    judged: Judged | None = None  # None: judged by hand (a test's sandbox)
    snapshots: Snapshots | None = None  # kept when a run bundle is asked for


def format_text(
    verdict: Verdict, journal: CallList, *, evidence_lines: int = 4, bodies: bool = False
) -> str:
    """Findings grouped by rule, each with its evidence, then a one-line verdict.

    `bodies` adds the request and response bodies under each cited request.
    """
    lines: list[str] = []
    for rule_id, findings in verdict.by_rule().items():
        rule = RULES.get(rule_id)
        title = rule.title if rule else rule_id
        lines.append(f"{findings[0].severity.value.upper():7} {rule_id}: {title}")
        for finding in findings:
            lines.append(f"  - {finding.message}")
            lines.append(f"    expected: {finding.expected}")
            shown = cited(journal, finding.evidence)
            for entry in shown[:evidence_lines]:
                lines.append(f"    evidence: {entry.describe()}")
                lines.extend(body_lines(entry, " " * 6) if bodies else [])
            if len(shown) > evidence_lines:
                lines.append(f"    evidence: ... and {len(shown) - evidence_lines} more")
        if rule:
            lines.append(f"    Pleo: {rule.guidance} ({rule.source})")
        lines.append("")
    lines.append(verdict_line(verdict))
    return "\n".join(lines)


def verdict_line(verdict: Verdict) -> str:
    word = "PASS" if verdict.ok else "FAIL"
    return (
        f"verdict: {word}: {len(verdict.errors)} error(s), {len(verdict.warnings)} "
        f"warning(s), {len(verdict.rules_checked)} rules checked"
    )


def format_outcome(outcome: Outcome, *, bodies: bool = False) -> str:
    """The run's heading, the findings, the connector's last words when it failed, the verdict."""
    head = [
        f"scenario {outcome.scenario} (seed {outcome.seed}): "
        f"{len(outcome.journal)} request(s) to the sandbox"
    ]
    run = outcome.run
    if run is not None:
        status = "timed out" if run.timed_out else f"exited {run.exit_code}"
        head.append(f"connector `{' '.join(run.command)}` {status} after {run.duration:.2f} s")
        if run.exit_code != 0 or not outcome.verdict.ok:
            head.extend(stderr_tail(run))
    text = format_text(outcome.verdict, outcome.journal, bodies=bodies)
    return "\n".join([*head, "", text])


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "message": finding.message,
        "expected": finding.expected,
        "evidence": list(finding.evidence),
    }


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    run = outcome.run
    return {
        "scenario": outcome.scenario,
        "seed": outcome.seed,
        "ok": outcome.verdict.ok,
        "rulesChecked": list(outcome.verdict.rules_checked),
        "findings": [
            {
                **finding_json(f),
                "requests": [e.describe() for e in cited(outcome.journal, f.evidence)],
                "exchanges": [exchange_json(e) for e in cited(outcome.journal, f.evidence)],
            }
            for f in outcome.verdict.findings
        ],
        "requests": len(outcome.journal),
        "connector": None
        if run is None
        else {
            **run.summary(),
            "durationSeconds": round(run.duration, 3),
            "stdout": run.stdout,
            "stderr": run.stderr,
        },
    }


def to_junit(outcomes: Sequence[Outcome]) -> str:
    """One testsuite per scenario, one testcase per rule; error findings are failures."""
    suites = junit.testsuites("pleo-export-mock verify")
    for outcome in outcomes:
        _junit_suite(suites, outcome)
    return junit.to_xml(suites)


def _junit_suite(suites: ET.Element, outcome: Outcome) -> None:
    grouped = outcome.verdict.by_rule()
    rules = outcome.verdict.rules_checked
    suite = junit.testsuite(
        suites,
        f"verify {outcome.scenario}",
        tests=len(rules),
        failures=sum(1 for rule_id in rules if _has_error(grouped.get(rule_id, []))),
        seconds=outcome.run.duration if outcome.run else None,
    )
    for rule_id in rules:
        _junit_case(suite, outcome.scenario, rule_id, grouped.get(rule_id, []))
    if outcome.run is not None:
        junit.output(suite, "system-out", outcome.run.stdout)
        junit.output(suite, "system-err", outcome.run.stderr)


def _junit_case(suite: ET.Element, scenario: str, rule_id: str, findings: list[Finding]) -> None:
    case = junit.testcase(suite, f"verify.{scenario}", rule_id)
    text = "\n\n".join(f"{f.message}\nexpected: {f.expected}" for f in findings)
    if _has_error(findings):
        junit.failure(case, message=findings[0].message, kind="ConnectorRuleViolation", text=text)
    elif findings:  # warnings only: the rule passes, and says why it nearly did not
        junit.output(case, "system-out", f"warning: {text}")


def _has_error(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
