"""No input gives a 500, a crash or an answer against the spec: every route, with and without
credentials, gets a precise Pleo-shaped 4xx for whatever a hostile client sends."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from werkzeug.test import Client, EnvironBuilder, run_wsgi_app

from pleo_export_mock.http import create_app
from pleo_export_mock.http.app import control_plane_spec
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.spec import load_spec

from ..conftest import Api

DEEP = b"[" * 100_000 + b"]" * 100_000
HOSTILE_BODIES = {
    "deeply-nested": DEEP,
    "deeply-nested-in-an-object": b'{"jobId": ' + DEEP + b"}",
    "nan": b'{"seconds": NaN, "event": "started", "jobId": Infinity}',
    "utf-16": json.dumps({"event": "started"}).encode("utf-16"),
    "utf-32": json.dumps({"name": "pending"}).encode("utf-32"),
    "bom": b'\xef\xbb\xbf{"name": "pending"}',
    "not-json": b"\x00\x01\x02",
}
HUGE = "9" * 5000


def operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path with every path parameter filled) for both specs."""
    filled = {"jobId": "00000000-0000-4000-8000-000000000000", "company": "acme"}
    found = []
    for spec in (load_spec(), control_plane_spec()):
        for operation in spec.operations.values():
            path = operation.path
            for name, value in filled.items():
                path = path.replace("{" + name + "}", value)
            found.append((operation.operation_id, operation.method, path))
    return found


OPERATIONS = operations()
IDS = [operation_id for operation_id, _method, _path in OPERATIONS]


def assert_refused_cleanly(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data()[:300])
    body = response.json
    assert set(body) == {"type", "message"} and body["type"] and body["message"]


@pytest.mark.parametrize("kind", HOSTILE_BODIES)
@pytest.mark.parametrize("authenticated", [True, False], ids=["auth", "no-auth"])
@pytest.mark.parametrize(("operation_id", "method", "path"), OPERATIONS, ids=IDS)
def test_a_hostile_body_is_refused_cleanly_on_every_route(
    sandbox: Sandbox, operation_id: str, method: str, path: str, kind: str, authenticated: bool
) -> None:
    client = Client(create_app(sandbox))  # raises if an answer breaks the spec
    headers = {"Content-Type": "application/json"}
    if authenticated:
        headers["Authorization"] = authorization_header(sandbox.state.credentials[0])
    before = client.get("/_mock/state").json
    response = client.open(path, method=method, data=HOSTILE_BODIES[kind], headers=headers)
    if response.status_code < 400:  # operations that take no body ignore it
        spec_operation = {**load_spec().operations, **control_plane_spec().operations}
        assert not spec_operation[operation_id].takes_body, response.get_data()[:300]
        return
    assert_refused_cleanly(response)
    assert client.get("/_mock/state").json == before  # nothing changed


@pytest.mark.parametrize(
    "query",
    [f"limit={HUGE}", f"offset={HUGE}", "limit=-" + HUGE, "after=" + "W" * 5000],
    ids=["huge-limit", "huge-offset", "huge-negative", "long-cursor"],
)
def test_huge_numbers_and_long_cursors_are_clear_400s(api: Api, query: str) -> None:
    response = api("GET", f"/v3/export-jobs?{query}")
    assert_refused_cleanly(response)
    assert len(response.json["message"]) < 300  # the value is quoted, not echoed whole


def test_an_int64_offset_is_taken_whole_and_one_past_it_refused(api: Api) -> None:
    """Pleo's `offset` is an int64: its 19 digits are read, a 20th is not."""
    largest = str(2**63 - 1)
    page = api("GET", f"/v3/export-jobs?offset={largest}")
    assert page.status_code == 200, page.json
    assert page.json["pagination"]["currentRequestPagination"]["offset"] == 2**63 - 1
    past = api("GET", f"/v3/export-jobs?offset={2**63}")
    assert past.status_code == 400 and "greater than the maximum" in past.json["message"]
    long = api("GET", "/v3/export-jobs?offset=" + "1" * 20)
    assert long.status_code == 400 and "has over 19 digits" in long.json["message"]


def test_a_cursor_that_decodes_to_deeply_nested_json_is_a_clear_400(api: Api) -> None:
    cursor = base64.b32encode(DEEP).decode()
    response = api("GET", f"/v3/export-jobs?after={cursor}")
    assert (response.status_code, response.json["type"]) == (400, "INVALID_PAGINATION")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic \u00e9\u00e9\u00e9",
        "Basic " + base64.b64encode(b"\xff\xfe:").decode(),
        "Bearer \u2603",
    ],
    ids=["non-ascii", "not-utf8", "snowman-token"],
)
def test_odd_credentials_are_401_not_500(client: Client, authorization: str) -> None:
    response = client.get("/v3/export-jobs", headers={"Authorization": authorization})
    assert response.status_code == 401 and response.json["type"] == "UNAUTHORIZED"


def test_an_http_1_1_request_without_host_is_400(sandbox: Sandbox) -> None:
    environ = EnvironBuilder(path="/v3/export-jobs").get_environ()
    del environ["HTTP_HOST"]
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    body, status, _headers = run_wsgi_app(create_app(sandbox), environ)
    assert status.startswith("400") and b"Host header" in b"".join(body)


@pytest.mark.parametrize("path", ["//_mock/reset", "///_mock/reset", "/%2F_mock/reset"])
def test_extra_slashes_do_not_reach_the_control_plane(sandbox: Sandbox, path: str) -> None:
    moved = sandbox.advance_clock(60)  # a reset would bring the clock back
    environ = EnvironBuilder(path="/", method="POST").get_environ()
    environ["PATH_INFO"] = path
    body, status, _headers = run_wsgi_app(create_app(sandbox), environ)
    assert status.startswith("404"), (status, b"".join(body))
    assert sandbox.now() == moved
    assert sandbox.journal.last is not None and sandbox.journal.last.status == 404


def test_an_answer_without_a_body_has_no_media_type(api: Api, pending_job: dict[str, Any]) -> None:
    response = api(
        "POST", "/v3/export-job-events", json={"event": "started", "jobId": pending_job["id"]}
    )
    assert response.status_code == 202 and response.get_data() == b""
    assert "Content-Type" not in response.headers
