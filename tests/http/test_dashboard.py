"""The dashboard's server side: the page and its files, the journal by pages, the live verdict."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify.live import live_verdict

from .test_index import BROWSER_ACCEPT

HOSTILE = "<script>alert(1)</script> {{links}}"


def _page(client: Client) -> str:
    answer = client.get("/_mock/", headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    return answer.get_data(as_text=True)


class _Scripts(HTMLParser):
    """Every <script> of a page: its src, and whether it has inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str | None] = []
        self.inline = ""
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.sources.append(dict(attrs).get("src"))
            self._inside = True

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.inline += data


def test_the_page_loads_only_its_own_files_and_they_are_served(client: Client) -> None:
    scripts = _Scripts()
    scripts.feed(_page(client))
    assert scripts.sources == ["/_mock/dashboard/dashboard.js"] and not scripts.inline.strip()
    script = client.get("/_mock/dashboard/dashboard.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert "/_mock/journal?since=" in script.get_data(as_text=True)
    assert client.get("/_mock/dashboard/dashboard.css").mimetype == "text/css"


def test_an_unknown_asset_is_refused_in_pleo_form(client: Client) -> None:
    for name in ("evil.js", "..%2Fcli.py", "index.html"):
        answer = client.get(f"/_mock/dashboard/{name}")
        assert answer.status_code in (400, 404) and answer.json["type"], name


def test_a_hostile_scenario_description_stays_text(client: Client) -> None:
    loaded = client.post(
        "/_mock/scenario",
        data=f"name: x\ndescription: '{HOSTILE}'\nseed: 1\ncompanies:\n  - key: a\n    name: A\n",
        headers={"Content-Type": "application/yaml"},
    )
    assert loaded.status_code == 200, loaded.json
    page = _page(client)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{links}}" in page
    assert "<script>alert" not in page


def test_the_journal_pages_by_sequence_number(client: Client, sandbox: Sandbox) -> None:
    for _ in range(5):
        client.get("/v3/export-jobs")  # refused (no credentials), journaled all the same
    page = client.get("/_mock/journal?since=2&limit=2").json
    assert [e["seq"] for e in page["data"]] == [3, 4] and page["latest"] == 5
    assert client.get("/_mock/journal?since=5").json == {"data": [], "latest": 5}
    assert len(client.get("/_mock/journal").json["data"]) == 5  # unchanged without paging
    ndjson = client.get("/_mock/journal?format=ndjson&since=4").get_data(as_text=True)
    assert ndjson.count("\n") == 1 and '"seq": 5' in ndjson
    sandbox.reset()
    assert client.get("/_mock/journal?since=5").json == {"data": [], "latest": 0}


def test_bad_journal_pages_are_refused(client: Client) -> None:
    for query in ("since=-1", "limit=0", "limit=10001", "since=x"):
        answer = client.get(f"/_mock/journal?{query}")
        assert answer.status_code == 400 and answer.json["type"] == "INVALID_REQUEST", query


def test_the_live_verdict_needs_a_judge(client: Client) -> None:
    answer = client.get("/_mock/verdict")
    assert answer.status_code == 404 and answer.json["type"] == "VERDICT_NOT_AVAILABLE"


def test_the_live_verdict_judges_what_happened_so_far() -> None:
    sandbox = Sandbox("pending")
    client = Client(create_app(sandbox, HttpSettings(judge=live_verdict)))
    client.get("/v3/export-jobs")  # no credentials: the connector is refused
    verdict = client.get("/_mock/verdict").json
    assert verdict["ok"] is False and "authenticates" in verdict["rulesChecked"]
    refused = next(f for f in verdict["findings"] if f["rule"] == "authenticates")
    assert refused["evidence"] == [1] and refused["title"]
