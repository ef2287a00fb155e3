"""Organisation credentials: one key, token or grant for several companies, so name the one."""

from __future__ import annotations

from collections.abc import Iterator

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
