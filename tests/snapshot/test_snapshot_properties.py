"""Whatever happened before, a restored sandbox is the one it was taken from, and goes on so."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.snapshot import restore_snapshot, take_snapshot

from ..conftest import credential_of

SCENARIOS = ("pending", "in_progress_recovery", "webhooks", "partial_errors", "expiring")

Step = tuple[str, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(["advance", "add", "press", "start", "finish", "items"]), st.integers(1, 5)
    ),
    max_size=8,
)


def _play(sandbox: Sandbox, client: Client, step: Step) -> Any:
    """One thing a user or a connector does; returns what the sandbox answered."""
    kind, number = step
    company = sandbox.store.companies()[0].id
    auth = {"Authorization": authorization_header(credential_of(sandbox))}
    open_jobs = [job.id for job in sandbox.store.jobs(company) if job.status.is_open]
    if kind == "advance":
        return client.post("/_mock/clock/advance", json={"seconds": number * 600}).json
    if kind == "add":
        return client.post(f"/_mock/companies/{company}/entries", json={"count": number}).json
    if kind == "press":
        return client.post(f"/_mock/companies/{company}/export", json={}).json
    if not open_jobs:
        return None
    job_id = open_jobs[number % len(open_jobs)]
    if kind in ("start", "finish"):
        event = "started" if kind == "start" else "completed"
        body = {"event": event, "jobId": job_id}
        return client.post("/v3/export-job-events", json=body, headers=auth).json
    items = sandbox.store.job(job_id).items[:number]
    update = [
        {"accountingEntryId": item.accounting_entry_id, "status": "successful", "externalId": "V"}
        for item in items
    ]
    return client.put(f"/v3/export-jobs/{job_id}/items", json=update, headers=auth).json


def _without_wall_time(document: dict[str, Any]) -> dict[str, Any]:
    """The journal's wall times and durations are the machine's, not the sandbox's; so is
    the moment a job the timeline made appeared."""
    plain = json.loads(json.dumps(document))
    for entry in plain["journal"]["entries"]:
        entry.pop("wallTime"), entry.pop("durationMs")
    for job in plain["atStart"]:
        job.pop("appearedAt")
    return plain


@seed(20260115)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SCENARIOS), before=steps, after=steps)
def test_restored_state_answers_as_the_original_would(
    name: str, before: list[Step], after: list[Step]
) -> None:
    original = Sandbox(name)
    client = Client(create_app(original))
    for step in before:
        _play(original, client, step)
    document = json.loads(json.dumps(take_snapshot(original)))  # through JSON, as over HTTP
    twin = Sandbox("pending")
    restore_snapshot(twin, document)
    assert take_snapshot(twin) == document
    twin_client = Client(create_app(twin))
    for step in after:
        assert _play(original, client, step) == _play(twin, twin_client, step)
    assert _without_wall_time(take_snapshot(original)) == _without_wall_time(take_snapshot(twin))


@seed(7)
@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(SCENARIOS), before=steps)
def test_a_reset_after_a_restore_brings_back_the_scenarios_first_moment(
    name: str, before: list[Step]
) -> None:
    original = Sandbox(name)
    client = Client(create_app(original))
    for step in before:
        _play(original, client, step)
    twin = Sandbox("backlog")
    restore_snapshot(twin, take_snapshot(original))
    twin.reset()
    assert take_snapshot(twin) == take_snapshot(Sandbox(name))


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the document's own root left out."""
    found: list[tuple[Any, ...]] = [here] if here else []
    if isinstance(value, dict):
        for key, member in value.items():
            found += _paths(member, (*here, key))
    elif isinstance(value, list):
        for index, member in enumerate(value[:3]):  # a few of each list are enough
            found += _paths(member, (*here, index))
    return found


FEW_SNAPSHOTS = {name: take_snapshot(Sandbox(name)) for name in ("pending", "webhooks")}
PLACES = {name: _paths(doc) for name, doc in FEW_SNAPSHOTS.items()}
json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@seed(1)
@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(FEW_SNAPSHOTS)), data=st.data(), value=json_values)
def test_any_spoilt_member_restores_or_is_refused_never_crashes(
    name: str, data: st.DataObject, value: Any
) -> None:
    from pleo_export_mock.snapshot import SnapshotError

    document = json.loads(json.dumps(FEW_SNAPSHOTS[name]))
    place = data.draw(st.sampled_from(PLACES[name]))
    parent = document
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = value
    sandbox = Sandbox("backlog")
    before = take_snapshot(sandbox)
    try:
        restore_snapshot(sandbox, document)
    except SnapshotError:
        assert take_snapshot(sandbox) == before  # refused whole
