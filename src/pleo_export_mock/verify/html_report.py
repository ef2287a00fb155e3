"""`verify --report-html`: one self-contained page for one run or many.

The verdict, each finding with its evidence (the cited requests and responses themselves), a
sequence diagram of the run, every exchange, and each job's final state with its items. Inline
CSS and SVG, no script and no fetch: the page opens from a CI artifact, offline. Its policy
forbids scripts outright, and every value passes `esc`: bodies are whatever a connector sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..journal import JournalEntry
from .evidence import cited
from .html_text import body_text, esc, headers_text
from .model import Finding
from .registry import RULES
from .report import Outcome, verdict_line
from .sequence_svg import sequence_diagram

MAX_ITEMS = 500  # items listed per job; the counts cover them all
# A body longer than this is cut in the list of every exchange (evidence keeps its bodies
# whole), so a run that read 12,000 export items makes a page a browser still opens.
MAX_BODY = 20_000
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def to_html(outcomes: Sequence[Outcome]) -> str:
    """The report of `outcomes` (one per scenario and seed), as one HTML document."""
    ok = all(outcome.verdict.ok for outcome in outcomes)
    word = "PASS" if ok else "FAIL"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"/>'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}"/>'
        f"<title>pleo-export-mock verify: {word}</title><style>{_style()}</style></head><body>"
        f'<h1>pleo-export-mock verify: <span class="{word.lower()}">{word}</span></h1>'
        + _summary(outcomes)
        + "".join(_run(outcome, f"run{number}") for number, outcome in enumerate(outcomes, 1))
        + "</body></html>\n"
    )


@cache
def _style() -> str:
    """The report's style sheet, shipped beside this module and inlined into every report."""
    return resources.files(__package__).joinpath("report.css").read_text("utf-8")


def _summary(outcomes: Sequence[Outcome]) -> str:
    rows = "".join(
        f'<tr><td><a href="#run{n}">{esc(o.scenario)}</a></td><td>{o.seed}</td>'
        f"<td>{_word(o.verdict.ok)}</td><td>{len(o.verdict.errors)}</td>"
        f"<td>{len(o.verdict.warnings)}</td><td>{len(o.journal)}</td></tr>"
        for n, o in enumerate(outcomes, 1)
    )
    return (
        "<table><thead><tr><th>scenario</th><th>seed</th><th>verdict</th><th>errors</th>"
        f"<th>warnings</th><th>exchanges</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _word(ok: bool) -> str:
    return '<span class="pass">PASS</span>' if ok else '<span class="fail">FAIL</span>'


def _run(outcome: Outcome, anchor: str) -> str:
    evidence = {seq for finding in outcome.verdict.findings for seq in finding.evidence}
    return (
        f'<section id="{anchor}"><h2>{esc(outcome.scenario)} (seed {outcome.seed}): '
        f"{_word(outcome.verdict.ok)}</h2>"
        f"<p>{esc(verdict_line(outcome.verdict))}</p>"
        + _connector(outcome)
        + "<h3>Findings</h3>"
        + (
            "".join(_finding(f, outcome, anchor) for f in outcome.verdict.findings)
            or "<p>None.</p>"
        )
        + "<h3>Sequence of the run</h3>"
        + sequence_diagram(outcome.journal, evidence, anchor)
        + "<h3>Jobs as the run left them</h3>"
        + ("".join(_job(job) for job in outcome.jobs) or "<p>No jobs.</p>")
        + f"<h3>Every exchange ({len(outcome.journal)})</h3>"
        + _journal(outcome.journal, anchor)
        + "</section>"
    )


def _connector(outcome: Outcome) -> str:
    run = outcome.run
    if run is None:
        return ""
    status = "timed out" if run.timed_out else f"exited {run.exit_code}"
    return (
        f"<p>Connector <code>{esc(' '.join(run.command))}</code> {esc(status)} after "
        f"{run.duration:.2f} s.</p>"
        f"<details><summary>Its output</summary><h4>stdout</h4><pre>{esc(run.stdout)}</pre>"
        f"<h4>stderr</h4><pre>{esc(run.stderr)}</pre></details>"
    )


def _finding(finding: Finding, outcome: Outcome, anchor: str) -> str:
    rule = RULES.get(finding.rule_id)
    severity = finding.severity.value
    guidance = f"<p>Pleo: {esc(rule.guidance)} ({esc(rule.source)})</p>" if rule else ""
    shown = cited(outcome.journal, finding.evidence)
    label = f'<span class="sev-{severity}">{severity.upper()}</span>'
    return (
        f'<div class="finding {severity}"><p>{label} '
        f"<code>{esc(finding.rule_id)}</code>: {esc(rule.title if rule else '')}</p>"
        f"<p>{esc(finding.message)}</p><p>Expected: {esc(finding.expected)}</p>{guidance}"
        + "".join(_exchange(entry, anchor, evidence=True) for entry in shown)
        + "</div>"
    )


def _exchange(entry: JournalEntry, anchor: str, *, evidence: bool) -> str:
    """One exchange opening to its request and response; evidence carries no id (the journal
    below has the link target) and is open from the start."""
    fault = f' <span class="fault-mark">fault: {esc(entry.fault)}</span>' if entry.fault else ""
    ident = "" if evidence else f' id="{esc(anchor)}-{entry.seq}"'
    opened = ' open=""' if evidence else ""
    cut = None if evidence else MAX_BODY
    violations = f"<p>Spec: {esc('; '.join(entry.violations))}</p>" if entry.violations else ""
    return (
        f"<details{ident}{opened}><summary>{esc(entry.describe())}{fault}</summary>{violations}"
        f"<h4>Request</h4><pre>{_message(entry.request_headers, entry.request_body, cut)}</pre>"
        f"<h4>Response</h4><pre>{_message(entry.response_headers, entry.response_body, cut)}</pre>"
        "</details>"
    )


def _message(headers: dict[str, str], body: Any, cut: int | None) -> str:
    head, text = headers_text(headers), body_text(body)
    if cut is not None and len(text) > cut:
        text = f"{text[:cut]}\n... ({len(text) - cut} more characters; --journal keeps all)"
    return esc((head + "\n\n" if head else "") + text)


def _journal(entries: Sequence[JournalEntry], anchor: str) -> str:
    return "".join(_exchange(entry, anchor, evidence=False) for entry in entries)


def _job(found: dict[str, Any]) -> str:
    job, items = found["data"], found["items"]
    times = ", ".join(
        f"{label} {esc(job[key])}"
        for label, key in (
            ("created", "createdAt"),
            ("started", "startedAt"),
            ("finished", "completedAt"),
            ("expired", "expiredAt"),
        )
        if job.get(key)
    )
    reason = (
        f"; {esc(job['failureReasonType'])}: {esc(job['failureReason'])}"
        if job.get("failureReason")
        else ""
    )
    return (
        f"<p><code>{esc(job['id'])}</code> <b>{esc(job['status'])}</b>{reason} ({times}), "
        f"{len(items)} item(s)</p>" + _items(items)
    )


def _items(items: list[dict[str, Any]]) -> str:
    if not items:
        return ""
    rows = "".join(
        f"<tr><td><code>{esc(item['accountingEntryId'])}</code></td><td>{esc(item['status'])}</td>"
        f"<td>{esc(item.get('externalId') or '')}</td>"
        f"<td>{esc(item.get('failureReason') or '')}</td></tr>"
        for item in items[:MAX_ITEMS]
    )
    more = f"<p>... and {len(items) - MAX_ITEMS} more.</p>" if len(items) > MAX_ITEMS else ""
    return (
        "<details><summary>Items</summary><table><thead><tr><th>accounting entry</th>"
        "<th>status</th><th>external id</th><th>failure reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{more}</details>"
    )
