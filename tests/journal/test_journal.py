"""The journal records every exchange, masks secrets, and exports NDJSON and HAR."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.test import Client

from pleo_export_mock.http.app import SandboxApp
from pleo_export_mock.http.pipeline import Exchange
from pleo_export_mock.journal.export import to_har, to_ndjson
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.validation import Violation

from ..conftest import Api


def test_every_exchange_is_recorded_in_order(
    api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    api("POST", "/v3/export-job-events", json={"event": "started", "jobId": pending_job["id"]})
    api("GET", "/v3/export-jobs?limit=nope")
    api("GET", "/v3/nowhere")
    journal = sandbox.journal
    assert journal.call_count == 4 and journal.called
    assert [e.seq for e in journal] == [1, 2, 3, 4]
    event = journal.for_operation("createExportJobEventV3").last
    assert event is not None and event.status == 202 and event.job_id == pending_job["id"]
    assert event.request_body == {"event": "started", "jobId": pending_job["id"]}
    invalid = journal[2]
    assert invalid.status == 400 and invalid.violations == (
        "query parameter 'limit': 'nope' is not a valid integer",
    )
    assert journal.last is not None and journal.last.operation_id is None
    assert journal.for_job(pending_job["id"]).call_count == 1


def test_secrets_are_masked(api: Api, sandbox: Sandbox) -> None:
    api("GET", "/v3/export-jobs")
    header = sandbox.journal[0].request_headers["Authorization"]
    secret = sandbox.state.credentials[0].secret
    assert header.startswith("Basic ***") and secret not in header
    assert sandbox.journal[0].credential == sandbox.state.credentials[0].label


def test_reset_clears_the_journal(api: Api, sandbox: Sandbox) -> None:
    api("GET", "/v3/export-jobs")
    sandbox.reset()
    assert not sandbox.journal.called


def test_exports(api: Api, sandbox: Sandbox, client: Client) -> None:
    api("GET", "/v3/export-jobs?statuses=pending")
    api("PUT", "/v3/export-jobs/00000000-0000-4000-8000-000000000000/items", json=[])
    lines = to_ndjson(sandbox.journal).splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    har = to_har(sandbox.journal)["log"]
    assert har["version"] == "1.2" and len(har["entries"]) == 2
    put = har["entries"][1]["request"]
    assert put["method"] == "PUT" and put["postData"]["text"] == "[]"
    over_http = client.get("/_mock/journal?format=har").json["log"]["entries"]
    assert [e["request"]["method"] for e in over_http] == ["GET", "PUT"]
    ndjson = client.get("/_mock/journal?format=ndjson")
    assert ndjson.content_type == "application/x-ndjson" and len(ndjson.data.splitlines()) == 2
    assert len(client.get("/_mock/journal").json["data"]) == 2
    assert sandbox.journal.call_count == 2  # the control plane is not journaled


def test_a_bounded_journal_keeps_the_latest_entries(api: Api, sandbox: Sandbox) -> None:
    sandbox.journal.max_entries = 3
    for _ in range(5):
        api("GET", "/v3/export-jobs")
    assert [entry.seq for entry in sandbox.journal] == [3, 4, 5]


def test_a_journal_bounded_by_bytes_keeps_the_latest_it_can_hold(
    api: Api, sandbox: Sandbox
) -> None:
    api("GET", "/v3/export-jobs")
    one = sandbox.journal.size_bytes
    sandbox.journal.reset()
    sandbox.journal.max_bytes = 3 * one + one // 2
    for _ in range(6):
        api("GET", "/v3/export-jobs")
    assert [entry.seq for entry in sandbox.journal] == [4, 5, 6]
    assert sandbox.journal.size_bytes <= sandbox.journal.max_bytes


def test_a_bounded_journal_does_not_grow_when_read(api: Api, sandbox: Sandbox) -> None:
    sandbox.journal.max_bytes = 10 * 1024 * 1024
    api("GET", "/v3/export-jobs")
    first, second = sandbox.journal[0], sandbox.journal[0]
    assert first == second and first is not second  # built afresh, not kept


def test_the_journal_weighs_bodies_as_sent(api: Api, sandbox: Sandbox) -> None:
    response = api("GET", "/v3/export-jobs")
    assert sandbox.journal.size_bytes >= len(response.get_data())
    assert sandbox.journal.last is not None
    assert sandbox.journal.last.response_body == response.json


def test_an_observer_after_the_journal_cannot_change_what_it_recorded(
    api: Api, sandbox: Sandbox, client: Client, pending_job: dict[str, Any]
) -> None:
    def meddle(exchange: Exchange) -> None:
        exchange.headers["X-Meddled"] = "yes"
        exchange.request.headers["X-Meddled"] = "yes"
        exchange.request_violations.append(Violation("body", "body", "made up"))

    app = client.application
    assert isinstance(app, SandboxApp)
    app.observers.append(meddle)
    api("GET", f"/v3/export-jobs/{pending_job['id']}")
    entry = sandbox.journal.last
    assert entry is not None and entry.status == 200 and entry.job_id == pending_job["id"]
    assert "X-Meddled" not in entry.response_headers
    assert "X-Meddled" not in entry.request_headers
    assert entry.violations == ()
