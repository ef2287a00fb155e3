"""The HTML report in a real browser: it opens from a file, cleanly, and no body runs as code."""

from __future__ import annotations

from pathlib import Path

from pleo_export_mock.verify.html_report import to_html

from ..verify.report_fixture import HOSTILE, failing_outcome
from .conftest import Watched, require_playwright

expect = require_playwright().expect


def test_the_report_shows_a_failing_finding_with_its_evidence(
    watched: Watched, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    report.write_text(to_html([failing_outcome()]), encoding="utf-8")
    page = watched.page
    page.goto(report.as_uri())
    expect(page.locator("h1")).to_have_text("pleo-export-mock verify: FAIL")
    finding = page.locator("div.finding", has_text="valid-requests")
    evidence = finding.locator("details").first
    expect(evidence).to_be_visible()
    expect(evidence.locator("pre").nth(1)).to_contain_text("INVALID_REQUEST")
    shown_as_text = HOSTILE.split("<img")[0]  # the body is JSON: its quotes come escaped
    expect(evidence.locator("pre").first).to_contain_text(shown_as_text)
    assert page.title() == "pleo-export-mock verify: FAIL"  # the hostile script never ran
    expect(page.locator("svg.sequence g.fault")).to_have_count(1)
    page.locator("svg.sequence a").nth(2).click()  # a diagram row leads to its exchange
    expect(page.locator("details#run1-3")).to_be_in_viewport()
    watched.screenshot("report.png")
