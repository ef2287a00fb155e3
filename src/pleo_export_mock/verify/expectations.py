"""Why a scenario expects the end it does: what in the file makes a job end that way.

A developer told only "expected completed_with_errors" must go and read the scenario; the
reason is in it: entries served with odd data, a company without contra accounts, faults on
the wire. Those are named, with the scenario's own one-line description as the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..scenarios.model import CompanySpec, EntrySpec, JobSpec, Scenario


def expectation_reason(scenario: Scenario, job_key: str, entry_ids: Mapping[str, list[str]]) -> str:
    """One sentence on what makes the scenario expect its end for `job_key`."""
    found = next(((c, j) for c, j in scenario.jobs() if j.key == job_key), None)
    if found is None:
        return scenario.description
    company, job = found
    reasons = [
        *_company_reasons(company),
        *(_entry_reason(e, entry_ids) for e in _odd_entries(company, job)),
        *_fault_reasons(scenario, job_key),
    ]
    return "; ".join(reasons) if reasons else scenario.description


def _company_reasons(company: CompanySpec) -> list[str]:
    if company.contra_accounts_configured:
        return []
    return [
        f"company {company.key!r} has no contra accounts configured, so its export items "
        "answer 400 MISSING_CONTRA_ACCOUNTS"
    ]


def _odd_entries(company: CompanySpec, job: JobSpec) -> list[EntrySpec]:
    """The job's entries whose data the scenario set by hand: the ones meant to trip an ERP."""
    in_job = {item.entry for item in job.items}
    return [e for e in company.entries if e.key in in_job and (e.overrides or e.hostile)]


def _entry_reason(entry: EntrySpec, entry_ids: Mapping[str, list[str]]) -> str:
    ids = entry_ids.get(entry.key, [])
    which = f"{len(ids)} entries" if len(ids) != 1 else "1 entry"
    shown = f" ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''})" if ids else ""
    what = "hostile data" if entry.hostile else _overrides(entry.overrides)
    return f"entry {entry.key!r}: {which}{shown} served with {what}"


def _overrides(overrides: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}: {_yaml(value)}" for name, value in overrides.items())


def _yaml(value: Any) -> str:
    return "null" if value is None else repr(value) if isinstance(value, str) else str(value)


def _fault_reasons(scenario: Scenario, job_key: str) -> list[str]:
    rules = [r for r in scenario.faults if r.job in (None, job_key)]
    return [f"the scenario injects {r.fault.describe()} on {r.operation}" for r in rules[:3]]
