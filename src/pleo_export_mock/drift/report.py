"""`drift`'s output: readable text by default, JSON for machines."""

from __future__ import annotations

import textwrap
from typing import Any

from .model import Impact
from .run import DriftReport, FileReport, Found, SpecReport

WIDTH, INDENT = 100, " " * 13
READING = "Each line reads our spec against Pleo's: `lacks` means Pleo's spec has it and ours not."


def render_text(report: DriftReport, *, show_all: bool = False) -> str:
    lines: list[str] = [READING] if report.has_drift or show_all else []
    for file_report in report.files:
        lines.extend(_file_lines(file_report, show_all))
    return "\n".join(lines) + "\n"


def _file_lines(report: FileReport, show_all: bool) -> list[str]:
    lines = []
    for spec in report.specs:
        drift = spec.drift
        counts = (
            f"{spec.count(Impact.BREAKING)} breaking, {spec.count(Impact.ADDITIVE)} additive"
            if drift
            else "no drift"
        )
        lines.append(f"{report.path}: {spec.ours.title} (openapi/{spec.ours.file}): {counts}")
        shown = spec.found if show_all else drift
        for found in sorted(shown, key=_order):
            lines.extend(_change_lines(found))
        hidden = len(spec.found) - len(drift)
        if hidden and not show_all:
            lines.append(f"  ({hidden} documented differences of ours not shown; --all shows them)")
    if report.unmatched:
        lines.append(
            f"{report.path}: paths of no spec of ours, not compared: {', '.join(report.unmatched)}"
        )
    return lines


def _order(found: Found) -> tuple[int, str]:
    change = found.change
    return (0 if change.impact is Impact.BREAKING else 1, change.line)


def _change_lines(found: Found) -> list[str]:
    change = found.change
    label = "documented" if change.documented else str(change.impact)
    why = change.documented or change.reason
    touched = found.touches
    rules = ", ".join(touched.rules) or "none in particular"
    if touched.general:
        rules += f" (and the {len(touched.general)} that judge every call)"
    scenarios = ", ".join(touched.scenarios) or "none name it"
    return [
        f"  {label:<10} {change.line}",
        *_wrapped(f"{change.kind} {change.delta} in Pleo's spec: {why}"),
        *_wrapped(f"rules: {rules}"),
        *_wrapped(f"scenarios: {scenarios}"),
    ]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT + "  ", break_on_hyphens=False
    )


def render_json(report: DriftReport, *, show_all: bool = False) -> dict[str, Any]:
    return {
        "drift": report.has_drift,
        "files": [
            {
                "file": str(file_report.path),
                "specs": [_spec_json(spec, show_all) for spec in file_report.specs],
                "unmatched_paths": list(file_report.unmatched),
            }
            for file_report in report.files
        ],
    }


def _spec_json(spec: SpecReport, show_all: bool) -> dict[str, Any]:
    shown = spec.found if show_all else spec.drift
    return {
        "ours": f"openapi/{spec.ours.file}",
        "title": spec.ours.title,
        "breaking": spec.count(Impact.BREAKING),
        "additive": spec.count(Impact.ADDITIVE),
        "changes": [_change_json(found) for found in sorted(shown, key=_order)],
    }


def _change_json(found: Found) -> dict[str, Any]:
    change = found.change
    return {
        "where": change.where,
        "what": change.text,
        "kind": str(change.kind),
        "change": str(change.delta),
        "side": str(change.direction),
        "operation": change.operation,
        "subject": change.subject,
        "impact": str(change.impact),
        "reason": change.reason,
        "documented": change.documented,
        "rules": list(found.touches.rules),
        "rules_judging_every_call": list(found.touches.general),
        "scenarios": list(found.touches.scenarios),
    }
