"""A reset after nothing but reads keeps the state in place, and only then.

Keeping it is what makes a fresh sandbox per test cheap, and it is safe only while the state
is still the scenario's first moment: a reader that changed anything would leak into the next
test. So every reader is held to it, request by request, on every shipped scenario, against a
snapshot of a sandbox that served nothing.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.delivery.faults import parse_delivery_faults
from pleo_export_mock.faults import parse_rules
from pleo_export_mock.http import create_app
from pleo_export_mock.http.handlers import READERS
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.scenarios.loader import scenario_names
from pleo_export_mock.server import SandboxServer
from pleo_export_mock.snapshot import restore_snapshot, take_snapshot

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def first_moment(sandbox: Sandbox) -> dict[str, Any]:
    """The whole state but the record of requests (a reset clears that, kept or not)."""
    document = take_snapshot(sandbox)
    del document["journal"]
    return document


def reads(sandbox: Sandbox) -> list[str]:
    """Every reader, on every job, item and company the scenario has, well and badly asked."""
    state = sandbox.read_state()
    store = state.store
    urls = [
        "/v3/export-jobs",
        "/v3/export-jobs?statuses=pending&statuses=in_progress&limit=1",
        "/v3/export-jobs?limit=0",
        "/v3/export-jobs?sorting_keys=createdAt&sorting_order=desc&offset=1",
        f"/v3/export-jobs/{UNKNOWN_ID}",
        f"/v3/export-jobs/{UNKNOWN_ID}/items",
        "/v3/export-jobs/not-a-uuid/items?status=failed",
        "/v3/export-job-items",
        f"/v3/export-job-items?accounting_entry_id={UNKNOWN_ID}",
    ]
    for company_id in state.company_ids.values():
        urls.append(f"/v3/export-jobs?company_id={company_id}&statuses=failed")
    for job in store.jobs():
        urls += [
            f"/v3/export-jobs/{job.id}",
            f"/v3/export-jobs/{job.id}/items",
            f"/v3/export-jobs/{job.id}/items?status=failed&limit=2&offset=1",
            f"/v3/export-jobs/{job.id}/items?status=successful&sorting_order=desc",
        ]
        entries = [item.accounting_entry_id for item in job.items[:3]]
        urls += [f"/v3/export-job-items?accounting_entry_id={entry}" for entry in entries]
    return urls


def read_everything(sandbox: Sandbox, app: Any = None) -> list[int]:
    client = Client(app or create_app(sandbox))
    statuses = []
    for credential in sandbox.read_state().credentials:
        headers = {"Authorization": authorization_header(credential)}
        statuses += [client.get(url, headers=headers).status_code for url in reads(sandbox)]
    statuses.append(client.get("/v3/export-jobs").status_code)  # no credential at all
    return statuses


@pytest.mark.parametrize("name", scenario_names())
def test_the_readers_leave_every_scenario_at_its_first_moment(name: str) -> None:
    expected = first_moment(Sandbox(name))
    sandbox = Sandbox(name)
    read = sandbox.read_state()
    statuses = read_everything(sandbox)
    sandbox.reset()
    assert sandbox.read_state() is read, "a reset after reads only copied the state again"
    assert first_moment(sandbox) == expected
    assert {200, 400, 404} <= set(statuses)  # the readers ran, and refused


def test_the_readers_are_the_v3_get_operations_named() -> None:
    """What a new reader must be added to the list above for."""
    assert set(READERS) == {
        "getExportJobsListV3",
        "getExportJobByIdV3",
        "getExportJobItemsV3",
        "getExportJobItemByAccountingEntryIdV3",
    }


def test_anything_else_makes_the_next_reset_copy_the_first_moment() -> None:
    """A request of any other operation, and any hand on `state` or `store` in Python."""
    sandbox = Sandbox("pending")
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.read_state().credentials[0])}
    job_id = sandbox.read_state().store.jobs()[0].id
    started = {"event": "started", "jobId": job_id}

    def changes(action: Any) -> bool:
        before = sandbox.read_state()
        action()
        sandbox.reset()
        return sandbox.read_state() is not before

    assert changes(lambda: client.post("/v3/export-job-events", headers=auth, json=started))
    assert changes(lambda: client.post("/_mock/clock/advance", json={"seconds": 1}))
    assert changes(lambda: client.get("/_mock/state"))
    assert changes(lambda: sandbox.store)
    assert changes(lambda: sandbox.state)
    assert changes(lambda: sandbox.add_entries("acme", 1))
    assert not changes(lambda: client.get("/v3/export-jobs", headers=auth))


def test_fault_rules_added_in_python_go_with_a_reset_that_keeps_the_state() -> None:
    """The state is kept, and the plans beside it are the scenario's again."""
    sandbox = Sandbox("pending")
    kept = sandbox.read_state()
    sandbox.faults.add(
        parse_rules([{"operation": "*", "every": 1, "kind": "status", "status": 503}])
    )
    sandbox.outbox.faults.add(parse_delivery_faults([{"kind": "lost"}]))
    sandbox.reset()
    assert sandbox.read_state() is kept
    assert not sandbox.faults.active and not sandbox.outbox.faults.active


def test_a_scenario_with_faults_gets_its_rules_unused_at_every_reset() -> None:
    sandbox = Sandbox("outage")
    app = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.read_state().credentials[0])}
    assert app.get("/v3/export-items", headers=auth).status_code == 503
    fresh = Sandbox("outage").faults.counts()
    assert sandbox.faults.counts() != fresh
    sandbox.reset()
    assert sandbox.faults.counts() == fresh


def test_a_job_changed_by_hand_is_fresh_again_after_a_reset() -> None:
    sandbox = Sandbox("pending")
    job = sandbox.store.jobs()[0]
    status, items = job.status, len(job.items)
    job.items.clear()  # what a test may do to the objects `store` hands out
    sandbox.reset()
    again = sandbox.read_state().store.jobs()[0]
    assert (again.status, len(again.items)) == (status, items)


def test_a_reader_patched_in_by_a_test_is_not_trusted() -> None:
    sandbox = Sandbox("pending")
    app = create_app(sandbox)
    shipped = app.api.handlers["getExportJobsListV3"]

    def and_more(call: Any) -> Any:
        call.store.companies()[0].contra_accounts_configured = False
        return shipped(call)

    app.api.handlers["getExportJobsListV3"] = and_more
    before = sandbox.read_state()
    read_everything(sandbox, app)
    sandbox.reset()
    assert sandbox.read_state() is not before
    assert sandbox.read_state().store.companies()[0].contra_accounts_configured


def test_only_a_reset_to_the_same_first_moment_keeps_the_state() -> None:
    sandbox = Sandbox("pending")
    first = sandbox.read_state()
    sandbox.load_scenario("pending", seed=7)
    assert sandbox.read_state() is not first
    seeded_again = sandbox.read_state()
    sandbox.load_scenario(sandbox.scenario, seed=7)
    assert sandbox.read_state() is seeded_again
    sandbox.load_scenario("partial_errors")
    assert sandbox.read_state() is not seeded_again


def test_a_reset_after_a_snapshot_is_restored_goes_back_to_the_first_moment() -> None:
    """A restored snapshot may hold any moment: the reset after it copies the first again."""
    sandbox = Sandbox("pending")
    start = sandbox.now()
    sandbox.advance_clock(60)
    later = take_snapshot(sandbox)
    sandbox.reset()
    restore_snapshot(sandbox, later)
    sandbox.reset()
    assert sandbox.now() == start


def test_resets_among_racing_readers_and_writers_leave_the_first_moment() -> None:
    """Over a real socket: resets while readers, and in every other round a writer, are in
    flight. Whatever a reset kept or copied, once the requests are done the next reset is at
    the first moment, and after reads alone it kept the state."""
    expected = first_moment(Sandbox("partial_errors"))
    sandbox = Sandbox("partial_errors")
    auth = {"Authorization": authorization_header(sandbox.read_state().credentials[0])}
    with SandboxServer(create_app(sandbox)) as server:

        def call(method: str, path: str, body: Any = None) -> Any:
            request = urllib.request.Request(
                server.url + path,
                data=None if body is None else json.dumps(body).encode(),
                method=method,
                headers={**auth, "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request) as response:
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError:
                return None

        served: list[bool] = []

        def read(stop: threading.Event) -> None:
            while not stop.is_set():
                jobs = call("GET", "/v3/export-jobs")
                served.append(jobs is not None)
                for job in (jobs or {"data": []})["data"][:2]:
                    call("GET", f"/v3/export-jobs/{job['id']}/items")

        def write() -> None:
            for job in (call("GET", "/v3/export-jobs?statuses=pending") or {"data": []})["data"]:
                call("POST", "/v3/export-job-events", {"event": "started", "jobId": job["id"]})

        for number in range(8):
            stop = threading.Event()
            racers = [threading.Thread(target=read, args=(stop,)) for _ in range(3)]
            racers += [threading.Thread(target=write)] if number % 2 else []
            for racer in racers:
                racer.start()
            for _ in range(5):
                time.sleep(0.005)  # requests in flight, between the resets
                sandbox.reset()
            stop.set()
            for racer in racers:
                racer.join()
            before = sandbox.read_state()
            sandbox.reset()
            if not number % 2:
                assert sandbox.read_state() is before, f"round {number}: reads only, yet copied"
            assert first_moment(sandbox) == expected, f"round {number}"
            sandbox.reset()  # the snapshot handed the state out
        assert any(served)


def test_a_running_clock_is_seeded_again_at_every_reset() -> None:
    sandbox = Sandbox("pending", SandboxConfig(clock="running"))
    first = sandbox.read_state()
    sandbox.reset()
    assert sandbox.read_state() is not first
