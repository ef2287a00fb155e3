"""A fuzz run for people (a summary with every failure) and for CI (JUnit XML)."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from .. import junit
from .result import Finding, FuzzResult

_INDENT = "    "


def format_summary(result: FuzzResult, target: str) -> str:
    lines = [
        f"pleo-export-mock fuzz: {target}",
        f"  {result.cases} cases in {result.duration_s:.1f} s "
        f"(seed {result.seed}, at most {result.max_examples} examples per operation and phase)",
        "  phases: " + ", ".join(f"{name} {status}" for name, status in result.phases.items()),
    ]
    for finding in result.findings:
        lines.extend(["", *_describe(finding)])
    lines.extend(["", _verdict(result)])
    return "\n".join(lines) + "\n"


def format_findings(findings: list[Finding]) -> str:
    """Every finding in full, e.g. for an assertion message."""
    return "\n\n".join("\n".join(_describe(f)) for f in findings)


def _describe(finding: Finding) -> list[str]:
    times = f" ({finding.count} cases)" if finding.count > 1 else ""
    lines = [
        f"FAIL  {finding.operation}: {finding.title}{times}",
        f"  check {finding.check}, phase {finding.phase}",
    ]
    if finding.message:
        lines.append(textwrap.indent(finding.message.strip(), _INDENT))
    if finding.reproduce:
        lines.append("  reproduce:")
        lines.append(textwrap.indent(finding.reproduce.strip(), _INDENT))
    return lines


def _verdict(result: FuzzResult) -> str:
    if result.ok:
        return f"verdict: PASS: no failures in {len(result.operations)} operations"
    failing = {f.operation for f in result.findings}
    return f"verdict: FAIL: {len(result.findings)} unique failure(s) in {len(failing)} operation(s)"


def to_junit(result: FuzzResult, target: str) -> str:
    """One testcase per operation of the spec (plus any run-level label that failed)."""
    labels = result.operations + sorted(
        {f.operation for f in result.findings} - set(result.operations)
    )
    suites = junit.testsuites("pleo-export-mock fuzz")
    suite = junit.testsuite(
        suites,
        f"fuzz {target}",
        tests=len(labels),
        failures=sum(1 for label in labels if result.for_operation(label)),
        seconds=result.duration_s,
    )
    junit.properties(
        suite, {"seed": result.seed, "max-examples": result.max_examples, "cases": result.cases}
    )
    for label in labels:
        _testcase(suite, label, result.for_operation(label))
    return junit.to_xml(suites)


def _testcase(suite: ET.Element, label: str, findings: list[Finding]) -> None:
    case = junit.testcase(suite, "fuzz", label)
    if not findings:
        return
    summary = "; ".join(f"{f.check}: {f.title}" for f in findings)
    junit.failure(case, message=summary, kind="ContractViolation", text=format_findings(findings))
