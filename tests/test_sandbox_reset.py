"""A reset restores the scenario's first moment exactly, however much happened since."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header, state
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.scenarios.loader import resolve


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
