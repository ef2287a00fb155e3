"""A verdict for people (text), for programs (JSON) and for CI dashboards (JUnit XML)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..journal import CallList
from .model import ConnectorRun, Finding, Severity, Verdict
from .registry import RULES


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scenario's run: the sandbox, the connector, the verdict."""

    scenario: str
    seed: int
    verdict: Verdict
    journal: CallList
    run: ConnectorRun | None = None


def format_text(verdict: Verdict, journal: CallList, *, evidence_lines: int = 4) -> str:
    """Findings grouped by rule, each with its evidence, then a one-line verdict."""
    by_seq = {entry.seq: entry for entry in journal}
    lines: list[str] = []
    for rule_id, findings in verdict.by_rule().items():
        rule = RULES.get(rule_id)
        title = rule.title if rule else rule_id
        lines.append(f"{findings[0].severity.value.upper():7} {rule_id}: {title}")
        for finding in findings:
            lines.append(f"  - {finding.message}")
            lines.append(f"    expected: {finding.expected}")
            shown = [by_seq[s].describe() for s in finding.evidence if s in by_seq]
            for line in shown[:evidence_lines]:
                lines.append(f"    evidence: {line}")
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


def format_outcome(outcome: Outcome) -> str:
    head = [
        f"scenario {outcome.scenario} (seed {outcome.seed}): "
        f"{len(outcome.journal)} request(s) to the sandbox"
    ]
    run = outcome.run
    if run is not None:
        status = "timed out" if run.timed_out else f"exited {run.exit_code}"
        head.append(f"connector `{' '.join(run.command)}` {status} after {run.duration:.2f} s")
    return "\n".join([*head, "", format_text(outcome.verdict, outcome.journal)])


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
    by_seq = {entry.seq: entry for entry in outcome.journal}
    return {
        "scenario": outcome.scenario,
        "seed": outcome.seed,
        "ok": outcome.verdict.ok,
        "rulesChecked": list(outcome.verdict.rules_checked),
        "findings": [
            {
                **finding_json(f),
                "requests": [by_seq[s].describe() for s in f.evidence if s in by_seq],
            }
            for f in outcome.verdict.findings
        ],
        "requests": len(outcome.journal),
        "connector": None
        if run is None
        else {
            "command": list(run.command),
            "exitCode": run.exit_code,
            "timedOut": run.timed_out,
            "durationSeconds": round(run.duration, 3),
            "stdout": run.stdout,
            "stderr": run.stderr,
        },
    }


# Characters XML 1.0 cannot carry at all; connector output and fuzz data may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def to_junit(outcomes: Sequence[Outcome]) -> str:
    """One testsuite per scenario, one testcase per rule; error findings are failures."""
    suites = ET.Element("testsuites", name="pleo-export-mock verify")
    for outcome in outcomes:
        grouped = outcome.verdict.by_rule()
        errors = sum(
            1
            for rule_id in outcome.verdict.rules_checked
            if any(f.severity is Severity.ERROR for f in grouped.get(rule_id, []))
        )
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"verify {outcome.scenario}",
            tests=str(len(outcome.verdict.rules_checked)),
            failures=str(errors),
            errors="0",
            skipped="0",
            time=f"{outcome.run.duration:.3f}" if outcome.run else "0",
        )
        for rule_id in outcome.verdict.rules_checked:
            case = ET.SubElement(
                suite, "testcase", classname=f"verify.{outcome.scenario}", name=rule_id
            )
            findings = grouped.get(rule_id, [])
            text = "\n\n".join(f"{f.message}\nexpected: {f.expected}" for f in findings)
            if any(f.severity is Severity.ERROR for f in findings):
                ET.SubElement(
                    case,
                    "failure",
                    message=_xml_text(findings[0].message),
                    type="ConnectorRuleViolation",
                ).text = _xml_text(text)
            elif findings:
                ET.SubElement(case, "system-out").text = _xml_text(f"warning: {text}")
        if outcome.run is not None:
            ET.SubElement(suite, "system-out").text = _xml_text(outcome.run.stdout)
            ET.SubElement(suite, "system-err").text = _xml_text(outcome.run.stderr)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
