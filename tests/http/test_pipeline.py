"""One pipeline for the Export API and the control plane: the same reading, checks and errors."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, ResponseContractError, create_app
from pleo_export_mock.http.call import Call, Reply
from pleo_export_mock.journal import job_id_of
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api

EVENTS = "/v3/export-job-events"


def broken_clock(call: Call) -> Reply:
    return Reply(200, {"now": 42})  # the spec says a date-time string


def test_the_control_plane_raises_its_own_broken_answer_in_tests(sandbox: Sandbox) -> None:
    app = create_app(sandbox, HttpSettings(response_violations="raise"))
    app.control.handlers["getClock"] = broken_clock
    with pytest.raises(ResponseContractError, match="getClock answered 200"):
        Client(app).get("/_mock/clock")


def test_the_control_plane_logs_its_own_broken_answer_when_serving(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    app.control.handlers["getClock"] = broken_clock
    with caplog.at_level(logging.ERROR, "pleo_export_mock.http"):
        response = Client(app).get("/_mock/clock")
    assert response.status_code == 200 and response.json == {"now": 42}
    assert "getClock answered 200 against the spec" in caplog.text


def test_apps_share_the_compiled_operations_but_not_their_handlers(sandbox: Sandbox) -> None:
    first, second = create_app(sandbox), create_app(Sandbox("failed"))
    assert first.api.table is second.api.table
    assert first.control.table is second.control.table
    first.handlers["getExportJobByIdV3"] = broken_clock
    assert second.handlers["getExportJobByIdV3"] is not broken_clock


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"event": "started", "jobId": NaN}', "NaN is not a JSON value"),
        (json.dumps({"event": "started"}).encode("utf-16"), "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"event": ', "Expecting value"),
    ],
    ids=["nan", "utf-16", "deeply-nested", "cut-short"],
)
def test_a_body_that_is_not_json_is_refused_and_journaled(
    api: Api, sandbox: Sandbox, client: Client, body: bytes, reason: str
) -> None:
    response = api("POST", EVENTS, data=body, content_type="application/json")
    assert response.status_code == 400, response.text
    assert response.json["type"] == "INVALID_REQUEST" and reason in response.json["message"]
    assert sandbox.journal.last is not None and sandbox.journal.last.status == 400
    exported = client.get("/_mock/journal?format=ndjson").text
    assert [json.loads(line)["status"] for line in exported.splitlines()] == [400]


def test_a_control_plane_body_over_the_limit_is_413_and_changes_nothing(
    sandbox: Sandbox, client: Client
) -> None:
    before = client.get("/_mock/clock").json
    too_big = b'{"seconds": 1' + b" " * (1024 * 1024) + b"}"
    response = client.post("/_mock/clock/advance", data=too_big, content_type="application/json")
    assert (response.status_code, response.json["type"]) == (413, "PAYLOAD_TOO_LARGE")
    assert client.get("/_mock/clock").json == before


def test_a_body_sent_where_none_is_taken_is_ignored_whatever_its_size(api: Api) -> None:
    response = api("GET", "/v3/export-jobs", data=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 200


def test_a_deeply_nested_control_plane_body_is_a_clear_400(client: Client) -> None:
    body = b'{"seconds": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = client.post("/_mock/clock/advance", data=body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json["message"]


def test_a_bad_fault_rule_is_a_pleo_shaped_400(client: Client) -> None:
    response = client.post("/_mock/faults", json={"faults": [{"kind": "meteor"}]})
    assert (response.status_code, response.json["type"]) == (400, "INVALID_FAULT")
    assert client.get("/_mock/faults").json == {"data": []}


@pytest.mark.parametrize("media_type", ["application/yaml", "application/x-yaml", "text/yaml"])
def test_a_scenario_file_comes_as_any_yaml_media_type_the_spec_lists(
    client: Client, media_type: str
) -> None:
    text = "name: tiny\ndescription: One company.\nseed: 3\ncompanies:\n- {key: a, name: A}\n"
    response = client.post("/_mock/scenario", data=text, headers={"Content-Type": media_type})
    assert response.status_code == 200 and response.json["scenario"] == "tiny"


def test_an_ndjson_journal_is_sent_as_ndjson(api: Api, client: Client) -> None:
    api("GET", "/v3/export-jobs")
    response = client.get("/_mock/journal?format=ndjson")
    assert response.mimetype == "application/x-ndjson"
    assert json.loads(response.text)["path"] == "/v3/export-jobs"


@pytest.mark.parametrize(
    ("path_params", "query", "body", "expected"),
    [
        ({"jobId": "path"}, {"job_id": ["query"]}, {"jobId": "body"}, "path"),
        ({}, {"job_id": ["query"]}, {"jobId": "body"}, "body"),
        ({}, {"job_id": ["query", "second"]}, [{"jobId": "not-a-job-key"}], "query"),
        ({}, {}, {"jobId": 7}, None),
    ],
)
def test_one_rule_names_the_job_a_request_is_about(
    path_params: dict[str, str], query: dict[str, list[str]], body: Any, expected: str | None
) -> None:
    assert job_id_of(path_params, query, body) == expected


def test_faults_and_journal_name_the_same_job(api: Api, sandbox: Sandbox, client: Client) -> None:
    job_id = sandbox.state.job_ids["export"]
    rule = {"kind": "status", "status": 503, "job": job_id, "first": 1}
    client.post("/_mock/faults", json={"faults": [rule]})
    assert api("GET", f"/v3/export-items?job_id={job_id}").status_code == 503
    last = sandbox.journal.last
    assert last is not None and (last.job_id, last.fault_kind) == (job_id, "status")


def test_a_request_records_its_headers_as_werkzeug_reads_them() -> None:
    from werkzeug.test import EnvironBuilder

    from pleo_export_mock.http.request import read_request

    environ = EnvironBuilder(
        "/v3/export-jobs", headers={"Authorization": "Bearer t", "X-Trace_Id": "a"}
    ).get_environ()
    headers = read_request(environ, 1024).headers
    assert headers.get("authorization") == "Bearer t"
    assert headers.get("X-Trace-Id") == "a"
    copied = headers.copy()
    copied.add("X-Extra", "b")
    assert "X-Extra" not in headers and len(copied) == len(headers) + 1


def test_queries_read_again_answer_alike_and_their_memory_is_bounded() -> None:
    from werkzeug.test import EnvironBuilder

    from pleo_export_mock.http import request as reading

    def query(text: str) -> dict[str, list[str]]:
        environ = EnvironBuilder("/v3/export-jobs", query_string=text).get_environ()
        return reading.read_request(environ, 1024).query.to_dict(flat=False)

    assert query("statuses=pending&statuses=failed") == {"statuses": ["pending", "failed"]}
    assert query("statuses=pending&statuses=failed") == {"statuses": ["pending", "failed"]}
    assert query("note=%C3%B8") == {"note": ["ø"]}  # UTF-8, decoded
    for n in range(reading.MAX_QUERIES + 5):
        query(f"limit={n}")
    assert len(reading._QUERIES) <= reading.MAX_QUERIES
