"""Organisation credentials: one key, token or grant for several companies, so name the one."""

from __future__ import annotations

from collections.abc import Iterator

from ...journal import JournalEntry
from ..context import Context
from ..model import Finding
from ..registry import rule


@rule(
    "names-company",
    "A credential of several companies names the company on every call that needs it",
    guidance="For an organisation with a multi-entity setup you must use the company_id in the "
    "request parameters; the sandbox answers 400 COMPANY_ID_REQUIRED without it.",
    source="partner access facts §5 (S7)",
)
def names_company(ctx: Context) -> Iterator[Finding]:
    unnamed = [
        e
        for e in ctx.entries
        if e.status == 400
        and isinstance(e.response_body, dict)
        and e.response_body.get("type") == "COMPANY_ID_REQUIRED"
    ]
    if unnamed:
        yield names_company.finding(
            f"{len(unnamed)} call(s) without company_id on a credential of several companies, "
            f"first {unnamed[0].describe()}.",
            "Pass company_id (the company this connector exports) on every such call.",
            (e.seq for e in unnamed),
        )


@rule(
    "own-company-only",
    "No job is touched through the wrong company",
    guidance="An organisation credential reaches every company of the organisation, and an "
    "organisation's webhook subscription announces all of their jobs: work only on the jobs "
    "of the company the connector exports, and name that company on each call.",
    source="partner access facts §3 (subscriptions for an organisation), §5 (S7)",
)
def own_company_only(ctx: Context) -> Iterator[Finding]:
    owners = {job_id: job.company_id for job_id, job in ctx.at_end.items()}
    strays = [e for e in ctx.entries if _stray(e, owners, ctx.companies)]
    if strays:
        first = strays[0]
        yield own_company_only.finding(
            f"{len(strays)} call(s) about a job through the wrong company, first "
            f"{first.describe()}: job {first.job_id} belongs to company "
            f"{owners[str(first.job_id)]}.",
            f"Touch only the jobs of {', '.join(sorted(ctx.companies))}, each with its own "
            "company_id; acknowledge and ignore deliveries of other companies' jobs.",
            (e.seq for e in strays),
        )


def _stray(entry: JournalEntry, owners: dict[str, str], mine: frozenset[str]) -> bool:
    """A call about a job of another company than the connector's, or naming another one."""
    owner = owners.get(entry.job_id or "")
    if owner is None or entry.direction != "inbound":
        return False
    named = set(entry.query.get("company_id", []))
    if isinstance(entry.request_body, dict) and isinstance(
        entry.request_body.get("companyId"), str
    ):
        named.add(entry.request_body["companyId"])
    return owner not in mine or bool(named - {owner})
