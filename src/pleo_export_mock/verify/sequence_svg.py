"""A run as a sequence diagram, in inline SVG: the connector, the sandbox, webhook deliveries.

One row per exchange, in journal order: the connector's requests go right to the sandbox (the
status comes back on the same row), the sandbox's deliveries go right to the connector's
webhook endpoint. Injected faults and refused calls are marked; each row links to its place in
the report's journal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..journal import JournalEntry
from .html_text import esc

ROW = 22  # pixels per exchange
TOP = 44  # room for the lifelines' names
WIDTH = 1060
LANES = {"connector": 80, "sandbox": 560, "webhook endpoint": 900}
MAX_ROWS = 400  # a long run's diagram shows its first exchanges; the journal lists them all


def sequence_diagram(entries: Sequence[JournalEntry], cited: Collection[int], anchor: str) -> str:
    """The diagram of `entries`; `cited` (sequence numbers) are highlighted as evidence, and
    `anchor` prefixes each row's link target (`{anchor}-{seq}`)."""
    shown = entries[:MAX_ROWS]
    height = TOP + ROW * len(shown) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="Sequence diagram of {len(entries)} exchanges">',
        *_lanes(height),
        *(_row(entry, index, entry.seq in cited, anchor) for index, entry in enumerate(shown)),
        "</svg>",
    ]
    if len(entries) > len(shown):
        parts.append(
            f"<p>The diagram shows the first {len(shown)} of {len(entries)} exchanges.</p>"
        )
    return "".join(parts)


def _lanes(height: int) -> list[str]:
    return [
        f'<text x="{x}" y="18" text-anchor="middle" class="lane">{esc(name)}</text>'
        f'<line x1="{x}" y1="26" x2="{x}" y2="{height - 6}" class="lifeline"/>'
        for name, x in LANES.items()
    ]


def _row(entry: JournalEntry, index: int, cited: bool, anchor: str) -> str:
    y = TOP + ROW * index + ROW // 2
    outbound = entry.direction == "outbound"
    start = LANES["sandbox"] if outbound else LANES["connector"]
    end = LANES["webhook endpoint"] if outbound else LANES["sandbox"]
    kind = "fault" if entry.fault else ("ok" if entry.ok else "refused")
    label = f"#{entry.seq} {entry.method} {_short(entry)}"
    answer = f"{entry.status or 'no answer'}" + (f" (fault: {entry.fault})" if entry.fault else "")
    mark = " cited" if cited else ""
    return (
        f'<a href="#{esc(anchor)}-{entry.seq}"><g class="row {kind}{mark}">'
        f"<title>{esc(entry.describe())}</title>"
        f'<line x1="{start}" y1="{y}" x2="{end - 6}" y2="{y}" class="arrow"/>'
        f'<path d="M{end - 8},{y - 4} L{end},{y} L{end - 8},{y + 4} Z" class="head"/>'
        f'<text x="{start + 6}" y="{y - 4}" class="label">{esc(label)}</text>'
        f'<text x="{end + 8}" y="{y + 4}" class="answer">{esc(answer)}</text>'
        "</g></a>"
    )


def _short(entry: JournalEntry) -> str:
    """The path, or for a delivery its event type (its path is the endpoint's whole URL)."""
    text = (entry.operation_id or entry.path) if entry.direction == "outbound" else entry.path
    return text if len(text) <= 60 else text[:57] + "..."
