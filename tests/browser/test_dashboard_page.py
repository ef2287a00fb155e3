"""The dashboard in a real browser: it loads cleanly, and shows what happens as it happens."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

import pytest

from pleo_export_mock.domain.clock import format_timestamp
from pleo_export_mock.http.state_view import authorization_header

from .conftest import Served, Watched, require_playwright

pytestmark = pytest.mark.server

expect = require_playwright().expect


def _call(url: str, method: str = "GET", body: Any = None, **headers: str) -> Any:
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data, headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _open(watched: Watched, served: Served) -> None:
    watched.page.goto(served.url + "/_mock/")
    expect(watched.page.locator("#live")).to_have_text("live")


def test_the_page_loads_with_no_console_error(watched: Watched, served: Served) -> None:
    _open(watched, served)
    page = watched.page
    expect(page.locator("h1")).to_contain_text("pleo-export-mock")
    expect(page.locator("#companies")).to_contain_text("Acme Nordic ApS")
    expect(page.locator("#companies")).to_contain_text("2 entries")
    expect(page.locator("#scenario-name")).to_have_text("browser")
    watched.screenshot("dashboard-loaded.png")


def test_a_job_pressed_through_the_api_appears_without_a_reload(
    watched: Watched, served: Served
) -> None:
    _open(watched, served)
    company = served.sandbox.store.companies()[0].id
    job = _call(f"{served.url}/_mock/companies/{company}/export", "POST", {})["data"]
    jobs = watched.page.locator("#jobs")
    expect(jobs).to_contain_text(job["id"][:8])
    expect(jobs).to_contain_text("pending")
    watched.page.get_by_role("button", name="Items and timeline").click()
    detail = watched.page.locator("#job-detail")
    expect(detail).to_contain_text(f"Job {job['id']}: pending")
    expect(detail).to_contain_text("Items (2)")
    expect(detail).to_contain_text("created (pending)")
    watched.screenshot("dashboard-job.png")


def test_the_clock_control_moves_the_sandbox_clock_and_the_page_shows_it(
    watched: Watched, served: Served
) -> None:
    _open(watched, served)
    page = watched.page
    before = served.sandbox.now()
    page.fill("#advance-seconds", "5400")
    page.focus("#advance-seconds")
    page.keyboard.press("Enter")  # a real form: the keyboard alone works it
    later = format_timestamp(before + timedelta(seconds=5400))
    expect(page.locator("#now")).to_have_text(later)
    expect(page.locator("#message")).to_contain_text(later)
    assert format_timestamp(served.sandbox.now()) == later


def test_the_journal_shows_a_new_exchange_and_opens_to_it(watched: Watched, served: Served) -> None:
    _open(watched, served)
    credential = served.sandbox.state.credentials[0]
    _call(
        f"{served.url}/v3/export-jobs?statuses=pending",
        Authorization=authorization_header(credential),
    )
    entry = watched.page.locator("#journal li").first
    expect(entry).to_contain_text(re.compile(r"#1 GET /v3/export-jobs 200"))
    entry.locator("summary").click()
    expect(entry.locator("pre").nth(1)).to_contain_text('"data"')
    expect(entry.locator("pre").first).to_contain_text("Authorization: Basic ***")
    watched.page.select_option("#filter-status", "4")  # no 4xx yet: the filter hides it
    expect(watched.page.locator("#journal li")).to_have_count(0)
    watched.page.select_option("#filter-status", "")
    watched.screenshot("dashboard-journal.png")


def test_the_live_verdict_cites_the_journal(watched: Watched, served: Served) -> None:
    _open(watched, served)
    page = watched.page
    page.get_by_role("button", name="Press Export for Acme Nordic ApS").click()
    expect(page.locator("#message")).to_contain_text("is pending")
    expect(page.locator("#jobs")).to_contain_text("pending")
    with pytest.raises(urllib.error.HTTPError):
        _call(f"{served.url}/v3/export-jobs")  # no credentials: refused
    expect(page.locator("#journal")).to_contain_text("401")
    page.get_by_role("button", name="Judge now").click()
    expect(page.locator("#verdict-line")).to_contain_text("FAIL")
    finding = page.locator("#findings li", has_text="authenticates")
    finding.get_by_role("link", name="#1").click()
    expect(page.locator("#entry-1 details")).to_have_attribute("open", "")
    expect(page.locator("#entry-1")).to_contain_text("UNAUTHORIZED")
    watched.screenshot("dashboard-verdict.png")


def test_faults_and_scenarios_are_set_from_the_page(watched: Watched, served: Served) -> None:
    _open(watched, served)
    page = watched.page
    page.get_by_label("Load scenario").fill("pending")
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator("#scenario-name")).to_have_text("pending")
    expect(page.locator("#jobs")).to_contain_text("5 pending")
    page.get_by_role("button", name="Add faults").click()  # the example rule: one 503
    expect(page.locator("#faults")).to_contain_text('"status":503')
    credential = served.sandbox.state.credentials[0]
    with pytest.raises(urllib.error.HTTPError):
        _call(f"{served.url}/v3/export-jobs", Authorization=authorization_header(credential))
    expect(page.locator("#journal")).to_contain_text("fault: status 503")
    page.get_by_role("button", name="Clear faults").click()
    expect(page.locator("#faults")).not_to_contain_text("503")
    watched.screenshot("dashboard-faults.png")
