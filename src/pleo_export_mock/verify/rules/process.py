"""The connector as a process under `verify`: it must run to its end."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..model import Finding
from ..registry import rule


@rule(
    "connector-exits",
    "The connector finishes its run and exits 0",
    guidance="A run of the connector processes what is eligible and ends; it does not hang "
    "or crash.",
    source="pleo-export-mock verify",
)
def connector_exits(ctx: Context) -> Iterator[Finding]:
    run = ctx.run
    if run is None or run.exit_code == 0:
        return
    tail = (run.stderr.strip().splitlines() or ["(no output)"])[-1][:200]
    what = (
        f"did not exit within {run.duration:.0f} s and was killed"
        if run.timed_out
        else f"exited with status {run.exit_code}"
    )
    yield connector_exits.finding(
        f"The connector {what}; its last words: {tail}",
        "Exit 0 after processing every eligible job; report failures through the API.",
    )
