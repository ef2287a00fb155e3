"""`verify --report-html`: one well-formed, self-contained page in which no body is markup."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pleo_export_mock.cli import main
from pleo_export_mock.verify import html_report
from pleo_export_mock.verify.html_report import to_html

from .report_fixture import HOSTILE, failing_outcome

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _tree(page: str) -> ET.Element:
    """The page as XML: it is written well-formed, so a strict parser reads it whole."""
    assert page.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(page.removeprefix("<!DOCTYPE html>\n"))


def _text(element: ET.Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


def test_the_page_is_well_formed_and_no_body_becomes_markup() -> None:
    page = to_html([failing_outcome()])
    tree = _tree(page)
    tags = {element.tag for element in tree.iter()}
    assert not tags & {"script", "img", "iframe", "object", "link"}, tags
    assert HOSTILE in _text(tree)  # shown, as text
    assert "\x00" not in page and "\ud800" not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # fetches nothing
    policy = tree.find("./head/meta[@http-equiv='Content-Security-Policy']")
    assert policy is not None and "default-src 'none'" in policy.get("content", "")


def test_each_finding_shows_its_evidence_itself() -> None:
    tree = _tree(to_html([failing_outcome()]))
    findings = [d for d in tree.iter("div") if "finding" in d.get("class", "")]
    invalid = next(f for f in findings if "valid-requests" in _text(f))
    exchange = invalid.find("details")
    assert exchange is not None and exchange.get("open") == ""
    shown = _text(exchange)
    assert "#3 PUT /v3/export-jobs/" in shown and "-> 400" in shown
    assert '"INVALID_REQUEST"' in shown and "Authorization: Basic ***" in shown
    retried = next(f for f in findings if "retries-transient-failures" in _text(f))
    assert "fault: status 503" in _text(retried)  # the injected fault, marked on its evidence


def test_the_sequence_diagram_marks_faults_and_evidence() -> None:
    tree = _tree(to_html([failing_outcome()]))
    svg = tree.find(f".//{SVG}svg")
    assert svg is not None
    rows = [g for g in svg.iter(f"{SVG}g") if "row" in g.get("class", "").split()]
    assert len(rows) == 3
    assert "fault" in rows[0].get("class", "") and "503" in _text(rows[0])
    assert "cited" in rows[2].get("class", "") and "refused" in rows[2].get("class", "")
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["#run1-1", "#run1-2", "#run1-3"]
    assert tree.find(".//details[@id='run1-3']") is not None  # where the row leads


def test_jobs_show_their_final_state_and_items() -> None:
    outcome = failing_outcome()
    tree = _tree(to_html([outcome]))
    job = outcome.jobs[0]["data"]
    text = _text(tree)
    assert job["id"] in text and f"{len(outcome.jobs[0]['items'])} item(s)" in text


def test_many_runs_are_one_page() -> None:
    first, second = failing_outcome(), failing_outcome()
    tree = _tree(to_html([first, second]))
    assert [s.get("id") for s in tree.iter("section")] == ["run1", "run2"]
    assert len(tree.findall(".//tbody/tr")) >= 2 and "FAIL" in _text(tree.find(".//h1"))


def test_verify_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.html"
    connector = [sys.executable, str(EXAMPLES / "reference_connector.py")]
    code = main(
        [
            "verify",
            "--scenario",
            "pending",
            "--quiet",
            "--report-html",
            str(report),
            "--",
            *connector,
        ]
    )
    assert code == 0, capsys.readouterr()
    tree = _tree(report.read_text(encoding="utf-8"))
    assert "PASS" in _text(tree.find(".//h1"))
    assert "completed" in _text(tree)


def test_an_unwritable_report_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "report.html"
    connector = [sys.executable, str(EXAMPLES / "reference_connector.py")]
    code = main(
        [
            "verify",
            "--scenario",
            "pending",
            "--quiet",
            "--report-html",
            str(target),
            "--",
            *connector,
        ]
    )
    assert code == 2 and f"cannot write {target}" in capsys.readouterr().err


def test_long_bodies_are_cut_in_the_list_but_whole_as_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_report, "MAX_BODY", 50)
    tree = _tree(to_html([failing_outcome()]))
    listed = _text(tree.find(".//details[@id='run1-2']"))
    assert "more characters; --journal keeps all" in listed
    retried = next(d for d in tree.iter("div") if "retries-transient-failures" in _text(d))
    cited = [d for d in retried.iter("details") if "#2 GET" in _text(d.find("summary"))]
    assert cited and "more characters" not in _text(cited[0])
    assert '"vendorBasedBookkeeping": true' in _text(cited[0])
