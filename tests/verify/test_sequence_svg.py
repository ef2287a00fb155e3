"""The run's sequence diagram: who called whom, in order, deliveries on their own lane."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from pleo_export_mock.journal import JournalEntry
from pleo_export_mock.verify import sequence_svg
from pleo_export_mock.verify.sequence_svg import LANES, sequence_diagram

SVG = "{http://www.w3.org/2000/svg}"
AT = datetime(2026, 1, 15, 9, tzinfo=UTC)


def _entry(seq: int, direction: str, path: str, status: int, op: str | None = None) -> JournalEntry:
    return JournalEntry(
        seq, 0.0, AT, op, "POST", path, {}, {}, {}, None, status, {}, None, direction=direction
    )


def _arrows(svg: str) -> list[tuple[float, float]]:
    tree = ET.fromstring(svg)
    return [
        (float(line.get("x1", "0")), float(line.get("x2", "0")))
        for line in tree.iter(f"{SVG}line")
        if line.get("class") == "arrow"
    ]


def test_deliveries_go_from_the_sandbox_to_the_webhook_endpoint() -> None:
    entries = [
        _entry(1, "inbound", "/v1/subscriptions", 201),
        _entry(2, "outbound", "http://127.0.0.1:9/hook", 500, "v1.export-job.created"),
    ]
    svg = sequence_diagram(entries, cited={2}, anchor="run1")
    (call_from, call_to), (send_from, send_to) = _arrows(svg)
    assert call_from == LANES["connector"] and call_to < LANES["sandbox"]
    assert send_from == LANES["sandbox"] and send_to < LANES["webhook endpoint"]
    assert "#2 POST v1.export-job.created" in svg  # a delivery is named by its event
    rows = [g.get("class") for g in ET.fromstring(svg).iter(f"{SVG}g")]
    assert rows == ["row ok", "row refused cited"]


def test_a_long_run_shows_its_first_rows_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [_entry(seq, "inbound", "/v3/export-jobs", 200) for seq in range(1, 8)]
    monkeypatch.setattr(sequence_svg, "MAX_ROWS", 5)
    svg = sequence_diagram(entries, cited=(), anchor="run1")
    assert len(_arrows(svg.split("<p>")[0])) == 5
    assert "The diagram shows the first 5 of 7 exchanges." in svg
