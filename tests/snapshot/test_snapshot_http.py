"""GET and PUT /_mock/snapshot: the whole state out, and back exactly; bad documents refused."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import orjson
import pytest
from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.scenarios.loader import load_named, scenario_names
from pleo_export_mock.snapshot import restore_snapshot

from ..conftest import Api, start

BIG = HttpSettings(max_body_bytes=256 * 1024 * 1024)  # `large` is tens of megabytes
JSON = "application/json"


def _mutate(client: Client, sandbox: Sandbox) -> None:
    """Change every part a snapshot holds: clock, entries, jobs, faults, journal."""
    company = sandbox.store.companies()[0].id
    assert client.post("/_mock/clock/advance", json={"seconds": 90}).status_code == 200
    assert client.post(f"/_mock/companies/{company}/entries", json={"count": 2}).status_code == 201
    client.post(f"/_mock/companies/{company}/export", json={})  # may be refused: a job is open
    fault = {"operation": "getExportJobsListV3", "kind": "status", "status": 503, "nth": 2}
    assert client.post("/_mock/faults", json={"faults": [fault]}).status_code == 200
    client.get("/v3/export-jobs")  # unauthenticated: journaled all the same


@pytest.mark.parametrize("name", scenario_names())
def test_put_back_gives_the_same_snapshot(name: str) -> None:
    sandbox = Sandbox(name)
    client = Client(create_app(sandbox, BIG))
    taken = client.get("/_mock/snapshot")
    assert taken.status_code == 200
    saved = taken.get_data()  # what a user's file holds; `large`'s is tens of megabytes
    first = orjson.loads(saved)
    assert (first["format"], first["version"]) == ("pleo-export-mock/snapshot", 1)
    _mutate(client, sandbox)
    # The same state gives the same bytes, so bytes compare states here without decoding.
    assert client.get("/_mock/snapshot").get_data() != saved
    restored = client.put("/_mock/snapshot", data=saved, content_type=JSON)
    assert restored.status_code == 200, restored.json
    assert restored.json["scenario"] == name
    assert client.get("/_mock/snapshot").get_data() == saved


def test_a_restored_sandbox_goes_on_exactly_like_the_original(
    client: Client, api: Api, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    start(api, pending_job["id"])
    document = client.get("/_mock/snapshot").json
    twin = Sandbox("backlog")  # another scenario: all of it is replaced
    twin_client = Client(create_app(twin))
    assert twin_client.put("/_mock/snapshot", json=document).status_code == 200
    for each in (client, twin_client):
        each.post("/_mock/clock/advance", json={"seconds": 30})
    company = pending_job["companyId"]
    made = [
        c.post(f"/_mock/companies/{company}/entries", json={"count": 3})
        for c in (client, twin_client)
    ]
    assert made[0].json == made[1].json  # the same new ids: the id streams went on alike
    listed = [c.get("/_mock/state").json for c in (client, twin_client)]
    assert listed[0] == listed[1]
    assert client.get("/_mock/journal").json == twin_client.get("/_mock/journal").json


def _refusal(client: Client, document: Any) -> dict[str, str]:
    before = client.get("/_mock/snapshot").json
    response = client.put("/_mock/snapshot", json=document)
    assert response.status_code == 400, response.json
    assert client.get("/_mock/snapshot").json == before  # nothing changed
    body: dict[str, str] = response.json
    return body


def test_another_tools_document_is_refused_by_its_format(client: Client) -> None:
    body = _refusal(client, {"format": "har", "version": 1})
    assert body == {
        "type": "INVALID_SNAPSHOT",
        "message": "snapshot format: 'har' is not 'pleo-export-mock/snapshot': "
        "not a snapshot of this tool",
    }


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        ("9999-12-31T23:59:59+00:00", "is past the sandbox clock's end, 9998-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59+00:00", "is before the sandbox's calendar"),
        ("0001-01-01T00:00:00+05:00", "is outside the years 1 to 9999 in UTC"),
    ],
)
def test_a_clock_outside_the_calendar_is_refused(client: Client, moment: str, said: str) -> None:
    """Restored, it would answer 500s: an hour's expiry from there is no date."""
    document = client.get("/_mock/snapshot").json
    document["clock"]["now"] = moment
    body = _refusal(client, document)
    assert body["type"] == "INVALID_SNAPSHOT" and said in body["message"]
    assert body["message"].startswith("snapshot clock.now: ")


def test_a_newer_format_is_refused_asking_for_an_upgrade(client: Client) -> None:
    document = client.get("/_mock/snapshot").json
    document["version"] = 2
    body = _refusal(client, document)
    assert body["type"] == "INVALID_SNAPSHOT"
    assert body["message"].startswith("snapshot version: format version 2 is newer")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda d: d["store"]["jobs"][0]["items"][0].update(status="lost"),
            "snapshot store.jobs[0].items[0].status: 'lost' is not a known item status",
        ),
        (
            lambda d: d["store"]["jobs"][0].update(companyId="elsewhere"),
            "snapshot store.jobs[0].companyId: no company elsewhere in the snapshot's store",
        ),
        (
            lambda d: d["clock"].update(now="yesterday"),
            "snapshot clock.now: 'yesterday' is not an ISO 8601 time",
        ),
        (
            lambda d: d["journal"].pop("nextSeq"),
            "snapshot journal.nextSeq: missing",
        ),
        (
            lambda d: d["store"]["ids"]["state"].pop(),
            "snapshot store.ids.state: expected the 625 words of a Mersenne Twister",
        ),
        (
            lambda d: d["store"]["ids"]["state"].__setitem__(624, 625),
            "snapshot store.ids.state[624]: position 625 is beyond 624",
        ),
        (
            lambda d: d["atStart"][0].update(appearedAt="soon"),
            "snapshot atStart[0].appearedAt: expected a number, found a string",
        ),
        (
            lambda d: d["scenario"]["policy"].update(lenient=True),
            "snapshot scenario.policy.lenient: not a policy switch of this tool",
        ),
        (
            lambda d: d["faults"]["rules"].append(
                {"rule": {"operation": "*", "kind": "boom"}, "matched": 0, "fired": 0}
            ),
            "snapshot faults.rules[0].rule",
        ),
    ],
)
def test_a_spoilt_member_is_refused_naming_its_place(
    client: Client, spoil: Any, message: str
) -> None:
    document = copy.deepcopy(client.get("/_mock/snapshot").json)
    spoil(document)
    body = _refusal(client, document)
    assert body["type"] == "INVALID_SNAPSHOT"
    assert body["message"].startswith(message)


def test_when_a_timeline_job_appeared_is_kept_and_an_older_snapshot_still_reads() -> None:
    sandbox = Sandbox("webhooks", SandboxConfig(clock="frozen"))
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    (first,) = sandbox.at_start  # the open job holds the timeline back: fail it
    for event in (
        {"event": "started"},
        {"event": "failed", "failureReasonType": "service_unreachable"},
    ):
        sent = client.post("/v3/export-job-events", json={**event, "jobId": first}, headers=auth)
        assert sent.status_code == 202, sent.json
    sandbox.advance_clock(2)  # the timeline's first step makes a job
    document = client.get("/_mock/snapshot").json
    appeared = [job.get("appearedAt") for job in document["atStart"]]
    assert appeared[0] is None and isinstance(appeared[1], float)
    assert client.put("/_mock/snapshot", json=document).status_code == 200
    assert sandbox.at_start[document["atStart"][1]["id"]].appeared_at == appeared[1]
    for job in document["atStart"]:  # as written before the moment was kept
        del job["appearedAt"]
    assert client.put("/_mock/snapshot", json=document).status_code == 200
    assert all(job.appeared_at is None for job in sandbox.at_start.values())


def test_a_broken_scenario_text_is_refused_naming_the_yaml(client: Client) -> None:
    document = client.get("/_mock/snapshot").json
    document["scenario"]["yaml"] = "name: [unclosed"
    body = _refusal(client, document)
    assert body["message"].startswith("snapshot scenario.yaml: the scenario does not load: ")


def test_a_body_that_is_not_a_snapshot_is_refused_by_the_spec(client: Client) -> None:
    response = client.put("/_mock/snapshot", json=[1, 2])
    assert response.status_code == 400 and set(response.json) == {"type", "message"}


def test_a_scenario_built_in_python_cannot_be_snapshotted() -> None:
    scenario = dataclasses.replace(load_named("pending"), text="")
    client = Client(create_app(Sandbox(scenario)))
    response = client.get("/_mock/snapshot")
    assert response.status_code == 409
    assert response.json["type"] == "SNAPSHOT_UNAVAILABLE"
    assert "built in Python" in response.json["message"]


def test_a_bounded_journal_keeps_its_bounds_through_a_restore(client: Client, api: Api) -> None:
    for _ in range(5):
        api("GET", "/v3/export-jobs")
    document = client.get("/_mock/snapshot").json
    bounded = Sandbox("pending")
    bounded.journal.max_entries = 3  # as `serve` bounds it
    restore_snapshot(bounded, document)
    assert [entry.seq for entry in bounded.journal] == [3, 4, 5]
    assert bounded.journal.next_seq == 6


def test_a_reference_to_a_job_the_store_lacks_is_refused(client: Client) -> None:
    document = client.get("/_mock/snapshot").json
    document["atStart"][0]["id"] = "00000000-0000-4000-8000-000000000000"
    body = _refusal(client, document)
    assert body["message"].startswith(
        "snapshot atStart[0]: no export job 00000000-0000-4000-8000-000000000000 of company"
    )
