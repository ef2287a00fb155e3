"""Every exchange of a `verify` invocation as one HAR 1.2 file: a page per run.

Browser developer tools and HAR viewers open it as is; each run (scenario and seed) is a page,
so the exchanges of `--scenario all --seeds 3` stay apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..domain.clock import format_timestamp_ms
from ..journal.export import to_har
from .report import Outcome


def outcomes_har(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One HAR log holding every run's exchanges, each entry on its run's page."""
    pages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for number, outcome in enumerate(outcomes, start=1):
        page_id = f"run{number}"
        har = to_har(outcome.journal)["log"]
        first = outcome.journal[0].wall_time if len(outcome.journal) else 0.0
        pages.append(
            {
                "startedDateTime": format_timestamp_ms(datetime.fromtimestamp(first, UTC)),
                "id": page_id,
                "title": f"verify {outcome.scenario} (seed {outcome.seed})",
                "pageTimings": {},
            }
        )
        entries.extend({**entry, "pageref": page_id} for entry in har["entries"])
    log = to_har([])["log"]
    return {"log": {**log, "pages": pages, "entries": entries}}
