"""A reset restores the scenario's first moment exactly, however much happened since."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.domain.policy import Policy
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header, state
from pleo_export_mock.sandbox import (
    DEFAULT_START,
    FirstMoment,
    FirstMoments,
    Sandbox,
    SandboxConfig,
)
from pleo_export_mock.scenarios.loader import load_scenario_text, resolve
from pleo_export_mock.snapshot import restore_snapshot, take_snapshot


def play(sandbox: Sandbox) -> None:
    """A connector's worth of changes, plus Pleo's: claims, reports, new entries, a new job."""
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    for job in client.get("/v3/export-jobs?statuses=pending", headers=auth).json["data"]:
        client.post(
            "/v3/export-job-events", headers=auth, json={"event": "started", "jobId": job["id"]}
        )
        items = client.get(f"/v3/export-jobs/{job['id']}/items", headers=auth).json["data"]
        update = [{"accountingEntryId": i["accountingEntryId"], "status": "failed"} for i in items]
        client.put(f"/v3/export-jobs/{job['id']}/items", headers=auth, json=update[:100])
        client.post(
            "/v3/export-job-events", headers=auth, json={"event": "failed", "jobId": job["id"]}
        )
    company = next(iter(sandbox.state.company_ids))
    sandbox.add_entries(company, 3)
    sandbox.press_export(company)
    sandbox.advance_clock(7200)


def fingerprint(sandbox: Sandbox) -> dict[str, Any]:
    company = next(iter(sandbox.state.company_ids))
    added = sandbox.add_entries(company, 2)  # ids and data continue from the first moment
    payloads = [sandbox.store.entries(sandbox.company_id(company))[-1].payload]
    return {"state": state(sandbox), "added": added, "payloads": payloads, "now": sandbox.now()}


@pytest.mark.parametrize("name", ["pending", "partial_errors", "multi_company", "fuzz"])
def test_a_reset_after_a_whole_run_equals_a_fresh_sandbox(name: str) -> None:
    fresh = fingerprint(Sandbox(name))
    used = Sandbox(name)
    play(used)
    used.reset()
    assert fingerprint(used) == fresh
    assert used.journal.call_count == 0


def test_reloading_a_scenario_restores_it_and_keeps_resets_apart() -> None:
    scenario = resolve("pending")
    sandbox = Sandbox(scenario)
    expected = fingerprint(Sandbox(scenario))
    for _ in range(3):
        play(sandbox)
        sandbox.load_scenario(scenario)
        assert fingerprint(sandbox) == expected
    sandbox.load_scenario(scenario, seed=7)
    assert fingerprint(sandbox) == fingerprint(Sandbox(scenario, SandboxConfig(seed=7)))


def test_a_running_clock_seeds_again_from_now() -> None:
    sandbox = Sandbox("pending", SandboxConfig(clock="running"))
    first = sandbox.state.store
    sandbox.reset()
    assert sandbox.state.store is not first and state(sandbox)["companies"]


def test_a_reset_copies_every_part_of_the_seeded_state() -> None:
    """SeededSandbox.copy and Store.copy build their copies field by field (for speed): a
    field added later must be added there too, and this names the fields they copy."""
    import dataclasses

    from pleo_export_mock.domain.models import Company
    from pleo_export_mock.domain.oauth import Lifetimes
    from pleo_export_mock.scenarios.seed import SeededSandbox

    assert [f.name for f in dataclasses.fields(SeededSandbox)] == [
        "store",
        "credentials",
        "company_ids",
        "scenario",
        "organisation_ids",
        "oauth",
        "job_ids",
        "entry_ids",
        "generators",
    ]
    assert [f.name for f in dataclasses.fields(Company)] == [
        "id",
        "name",
        "contra_accounts_configured",
        "multi_currency_wallets",
    ]
    assert [f.name for f in dataclasses.fields(Lifetimes)] == [
        "access_token",
        "code",
        "refresh_token",
    ]


def test_sandboxes_of_one_scenario_share_its_first_moment_and_nothing_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new sandbox of a scenario already seeded in this process copies that seeding, and
    reads the payloads made for it; what one sandbox does, the other does not see."""
    from pleo_export_mock import sandbox as sandbox_module
    from pleo_export_mock.scenarios.lazy import PAYLOADS

    first = Sandbox("partial_errors")
    payloads = [entry.payload for entry in first.store.entries(first.company_id("fjord"))]
    seedings: list[str] = []
    real = sandbox_module.build_store
    monkeypatch.setattr(
        sandbox_module, "build_store", lambda s, **kw: seedings.append(s.name) or real(s, **kw)
    )
    made = PAYLOADS.made
    second = Sandbox("partial_errors")
    again = [entry.payload for entry in second.store.entries(second.company_id("fjord"))]
    assert (seedings, PAYLOADS.made - made, again) == ([], 0, payloads)
    play(first)
    credentials = list(second.state.credentials)
    first.state.credentials.append(credentials[0])  # as tests/http/test_auth.py does
    assert fingerprint(second) == fingerprint(Sandbox("partial_errors"))
    assert second.state.credentials == Sandbox("partial_errors").state.credentials == credentials
    first.reset()
    assert first.state.credentials == credentials


TIMELINE = """
name: timeline
description: One company, nothing open, an export on the way.
seed: 5
companies:
  - key: acme
    name: Acme Nordic ApS
    entries:
      - {key: waiting, count: 2}
timeline:
  - {at: +1s, company: acme, export: 1}
"""


def test_jobs_a_timeline_made_are_not_at_the_start_of_the_next_state() -> None:
    scenario = load_scenario_text(TIMELINE)
    sandbox = Sandbox(scenario)
    assert sandbox.at_start == {}
    sandbox.advance_clock(2)  # the step plays
    [made] = sandbox.store.jobs()
    assert set(sandbox.at_start) == {made.id}
    sandbox.reset()
    assert sandbox.at_start == {} and Sandbox(scenario).at_start == {}


def test_first_moments_keep_a_few_and_a_bounded_number_of_entries() -> None:
    """Kept for the whole process, so bounded: by count, and by the entries they hold (a
    million-entry scenario weighs about 500 MB); the latest is kept whatever it weighs."""
    moments = FirstMoments(keep=2, keep_entries=12_000)

    def restore(name: str) -> None:
        moments.restore(FirstMoment(resolve(name), 1, Policy(), DEFAULT_START))

    restore("pending")
    restore("partial_errors")
    restore("fuzz")
    assert len(moments) == 2
    restore("large")  # 12,000 entries: with any other, over the bound
    assert len(moments) == 1
    tiny = FirstMoments(keep=8, keep_entries=10)
    tiny.restore(FirstMoment(resolve("large"), 1, Policy(), DEFAULT_START))
    assert len(tiny) == 1


@pytest.mark.parametrize("leave", ["reset", "load", "restore"])
def test_the_state_left_goes_at_once_not_at_the_collectors_next_pass(leave: str) -> None:
    """A suite resets per test, and a big scenario's state weighs megabytes: none may wait
    for a full garbage collection to be freed."""
    sandbox = Sandbox("pending")
    play(sandbox)  # every listener a state gets has run
    document = take_snapshot(sandbox)
    left = weakref.ref(sandbox.state.store)
    gc.disable()
    try:
        if leave == "reset":
            sandbox.reset()
        elif leave == "load":
            sandbox.load_scenario("multi_company")
        else:
            restore_snapshot(sandbox, document)
        assert left() is None
    finally:
        gc.enable()
    heard: list[str] = []
    sandbox.job_watchers.append(lambda job, before: heard.append(job.status.value))
    play(sandbox)  # the state entered still tells of the jobs it makes and moves
    assert {"failed", "pending"} <= set(heard)  # jobs failed, and the job pressed anew
