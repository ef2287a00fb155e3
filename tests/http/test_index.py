"""`/` and `/_mock/` say where to start instead of answering 404."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from pleo_export_mock.http.index import control_plane_spec

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/", "/_mock/"])
def test_index_links_both_specs_and_lists_the_control_plane(client: Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    page = answer.json
    assert page["scenario"]["scenario"] == "pending" and page["scenario"]["credentials"]
    assert page["links"]["exportApiSpec"] == "http://localhost/openapi.json"
    assert client.get(page["links"]["controlPlaneSpec"]).status_code == 200
    listed = {(op["method"], op["path"]) for op in page["operations"]}
    control = {
        (op.method, op.path)
        for op in control_plane_spec().operations.values()
        if op.path.startswith("/_mock/") and op.path != "/_mock/"
    }
    assert listed == control and ("POST", "/_mock/reset") in listed


def test_a_browser_gets_a_page(client: Client) -> None:
    answer = client.get("/_mock/", headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    text = answer.get_data(as_text=True)
    assert "<h1>pleo-export-mock" in text and "/_mock/clock/advance" in text


@pytest.mark.parametrize("accept", ["*/*", "application/json", ""])
def test_a_program_gets_json(client: Client, accept: str) -> None:
    assert client.get("/", headers={"Accept": accept}).mimetype == "application/json"


def test_a_path_a_slash_away_is_a_plain_404(client: Client) -> None:
    answer = client.get("/_mock")
    assert answer.status_code == 404 and answer.json["type"] == "NOT_FOUND"
