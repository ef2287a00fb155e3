"""Judge what a connector did: run every rule over the journal and the sandbox's state."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import TYPE_CHECKING

from ..http.app import FILES_PREFIX
from . import rules as _rules  # noqa: F401  (registers the catalogue)
from .context import Context
from .model import ConnectorRun, Finding, Severity, Verdict
from .registry import RULES
from .versions import as_current, on_pin

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def evaluate(
    sandbox: Sandbox,
    companies: Collection[str] | None = None,
    rule_ids: Collection[str] | None = None,
    run: ConnectorRun | None = None,
    as_errors: Collection[str] = (),
) -> Verdict:
    """The verdict on everything in the sandbox's journal since its last reset.

    `companies` are the ones the connector works for; by default those of the credentials it
    used (every company, if it sent nothing). Findings of the rules in `as_errors` count as
    errors whatever their usual severity (`verify --no-deprecated`).
    """
    context = build_context(sandbox, companies)
    context.run = run
    selected = [RULES[i] for i in rule_ids] if rule_ids is not None else list(RULES.values())
    findings: list[Finding] = []
    for rule in selected:
        for finding in rule.check(context):
            if rule.id in as_errors:
                finding = dataclasses.replace(finding, severity=Severity.ERROR)
            findings.append(finding)
    return Verdict(tuple(findings), tuple(r.id for r in selected))


def build_context(sandbox: Sandbox, companies: Collection[str] | None = None) -> Context:
    pinned = sandbox.scenario.api_versions
    # The connector's requests; webhook deliveries the sandbox sent are not its doing.
    journal = sandbox.journal.snapshot()
    # Receipt downloads are journaled for people to read; no rule judges them yet.
    inbound = journal.filter(
        lambda entry: entry.direction == "inbound" and not entry.path.startswith(FILES_PREFIX)
    )
    off_pin = [e for e in inbound if not on_pin(e, pinned)]
    entries, called_older = as_current(e for e in inbound if on_pin(e, pinned))
    if companies is None:
        used = {c for entry in entries for c in entry.company_ids}
        companies = used or {c.id for c in sandbox.store.companies()}
    state = sandbox.state
    return Context(
        entries=entries,
        at_start=sandbox.at_start,
        at_end={job.id: job for job in sandbox.store.jobs()},
        companies=frozenset(companies),
        expectations=sandbox.scenario.expect,
        job_keys=dict(state.job_ids),
        called_older=called_older,
        scenario=sandbox.scenario,
        entry_ids=dict(state.entry_ids),
        api_versions=pinned,
        off_pin=off_pin,
        deliveries=list(journal.filter(lambda entry: entry.direction == "outbound")),
    )
