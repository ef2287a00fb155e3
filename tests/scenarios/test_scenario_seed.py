"""Seeding a store: deterministic ids, payloads and secrets; times relative to the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scenario_helpers import MINIMAL, START, clock

from pleo_export_mock.domain.clock import FrozenClock
from pleo_export_mock.domain.models import EntryState, ItemStatus, JobStatus
from pleo_export_mock.scenarios import SeededSandbox, build_store, load_named, load_scenario_text


def fingerprint(sandbox: SeededSandbox) -> dict[str, Any]:
    """Everything a connector could observe, in comparable form."""
    store = sandbox.store
    return {
        "companies": sandbox.company_ids,
        "jobs": sandbox.job_ids,
        "entries": {
            company_id: [(e.id, e.payload, e.state) for e in store.entries(company_id)]
            for company_id in sandbox.company_ids.values()
        },
        "items": [
            [
                (
                    i.accounting_entry_id,
                    i.outcome.status,
                    i.outcome.external_id,
                    i.outcome.exported_at,
                )
                for i in job.items
            ]
            for job in store.jobs()
        ],
        "secrets": [(c.kind, c.secret, c.company_ids) for c in sandbox.credentials],
    }


def test_same_scenario_and_seed_give_identical_state() -> None:
    scenario = load_named("in_progress_recovery")
    first = fingerprint(build_store(scenario, clock=clock()))
    second = fingerprint(build_store(load_named("in_progress_recovery"), clock=clock()))
    assert first == second


def test_a_different_seed_changes_ids_payloads_and_secrets() -> None:
    scenario = load_named("pending")
    first = fingerprint(build_store(scenario, clock=clock()))
    other = fingerprint(build_store(scenario, seed=scenario.seed + 1, clock=clock()))
    assert first["companies"] != other["companies"]
    assert first["secrets"] != other["secrets"]
    first_payloads = [p for entries in first["entries"].values() for _id, p, _s in entries]
    other_payloads = [p for entries in other["entries"].values() for _id, p, _s in entries]
    assert first_payloads != other_payloads


def test_the_seed_defaults_to_the_scenarios_own() -> None:
    scenario = load_named("pending")
    implicit = fingerprint(build_store(scenario, clock=clock()))
    explicit = fingerprint(build_store(scenario, seed=scenario.seed, clock=clock()))
    assert implicit == explicit


def test_times_are_offsets_from_the_clock() -> None:
    later = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    sandbox = build_store(load_named("in_progress_recovery"), clock=FrozenClock(later))
    job = sandbox.store.job(sandbox.job_ids["running"])
    assert job.created_at == later - timedelta(minutes=21)
    assert job.last_updated_at == later - timedelta(minutes=5)
    dates = [e.payload["date"] for e in sandbox.store.entries(job.company_id)]
    assert all(date.startswith("2030-") for date in dates)
    assert all(date < "2030-06-01T11:39:00Z" for date in dates)  # booked before the job


def test_default_job_times_and_created_by() -> None:
    sandbox = build_store(load_scenario_text(MINIMAL), clock=clock())
    job = sandbox.store.job(sandbox.job_ids["j1"])
    assert job.created_at == job.last_updated_at == START - timedelta(minutes=10)
    assert job.started_at is None and job.completed_at is None
    assert job.created_by is not None  # the finance admin who pressed Export


def test_history_jobs_settle_their_entries() -> None:
    text = MINIMAL.replace(
        "      - key: j1\n",
        "      - key: old\n"
        "        status: completed_with_errors\n"
        "        created: -2d\n"
        "        entries: [e2, {entry: e1, status: failed, failure_reason_type: vendor_unknown}]\n"
        "      - key: j1\n",
    )
    sandbox = build_store(load_scenario_text(text), clock=clock())
    old = sandbox.store.job(sandbox.job_ids["old"])
    assert old.completed_at == START - timedelta(days=2) + timedelta(minutes=3)
    failed = next(item for item in old.items if item.outcome.status is ItemStatus.FAILED)
    assert (failed.outcome.failure_reason_type, failed.outcome.failure_reason) == (
        "vendor_unknown",
        "Vendor not found in ERP",
    )
    (e1,) = sandbox.entry_ids["e1"]
    (e2,) = sandbox.entry_ids["e2"]
    states = {e.id: e.state for e in sandbox.store.entries(old.company_id)}
    # e1 failed before and is retried in the pending job; e2 was exported and stays exported.
    assert states == {e1: EntryState.IN_JOB, e2: EntryState.EXPORTED}
    assert sandbox.store.job(sandbox.job_ids["j1"]).status is JobStatus.PENDING


def test_count_makes_many_entries_under_one_key() -> None:
    text = MINIMAL.replace("      - key: e1\n", "      - key: e1\n        count: 25\n")
    sandbox = build_store(load_scenario_text(text), clock=clock())
    assert len(sandbox.entry_ids["e1"]) == 25
    assert sandbox.store.job(sandbox.job_ids["j1"]).number_of_items == 25


def test_overrides_deep_merge_and_null_sets_null() -> None:
    text = MINIMAL.replace(
        "      - key: e1\n",
        "      - key: e1\n"
        "        type: invoice\n"
        "        bookkeeping: accounts_payable\n"
        "        overrides:\n"
        "          vendor: null\n"
        "          note: Overridden\n"
        "          supplier: {name: ACME SUPPLIES}\n",
    )
    sandbox = build_store(load_scenario_text(text), clock=clock())
    (entry_id,) = sandbox.entry_ids["e1"]
    payload = next(
        e.payload for e in sandbox.store.entries(sandbox.company_ids["acme"]) if e.id == entry_id
    )
    assert payload["vendor"] is None and payload["note"] == "Overridden"
    assert payload["supplier"]["name"] == "ACME SUPPLIES"
    assert payload["supplier"]["country"]  # the rest of the generated supplier survives
    assert payload["bookkeeping"] == {"method": "accounts_payable"}


def test_explicit_credentials_replace_the_defaults() -> None:
    text = MINIMAL + (
        "credentials:\n"
        "  - kind: bearer\n"
        "    companies: [acme]\n"
        "    scopes: [export-jobs:read]\n"
        "    secret: fixed-token-123\n"
    )
    sandbox = build_store(load_scenario_text(text), clock=clock())
    (credential,) = sandbox.credentials
    assert credential.secret == "fixed-token-123"
    assert credential.scopes == frozenset({"export-jobs:read"})
    assert credential.company_ids == (sandbox.company_ids["acme"],)


def test_fixed_company_ids_are_kept() -> None:
    fixed = "3f2c9a4e-1b7d-4c8e-9f10-2a3b4c5d6e7f"
    text = MINIMAL.replace("    name: Acme ApS\n", f"    name: Acme ApS\n    id: {fixed}\n")
    sandbox = build_store(load_scenario_text(text), clock=clock())
    assert sandbox.company_ids == {"acme": fixed}
