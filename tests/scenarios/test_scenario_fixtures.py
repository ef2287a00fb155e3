"""Every shipped scenario loads, seeds, and sets up the situation its description promises."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from scenario_helpers import START, clock

from pleo_export_mock.domain import errors
from pleo_export_mock.domain.credentials import ALL_SCOPES, CredentialKind
from pleo_export_mock.domain.models import EntryState, ItemStatus, JobStatus
from pleo_export_mock.domain.pagination import PageRequest
from pleo_export_mock.scenarios import SeededSandbox, build_store, load_named, scenario_names

SHIPPED = [
    "pending",
    "failed",
    "partial_errors",
    "in_progress_recovery",
    "multi_company",
    "large",
    "expiring",
]


def seeded(name: str) -> SeededSandbox:
    return build_store(load_named(name), clock=clock())


@pytest.mark.parametrize("name", scenario_names())
def test_every_fixture_loads_and_seeds(name: str) -> None:
    scenario = load_named(name)
    assert scenario.description and "\n" not in scenario.description
    sandbox = build_store(scenario, clock=clock())
    assert set(sandbox.company_ids) == {company.key for company in scenario.companies}
    assert set(sandbox.job_ids) == {job.key for _company, job in scenario.jobs()}
    assert sandbox.credentials
    for key, status in scenario.expect.final_status.items():
        assert status in (JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_ERRORS, JobStatus.FAILED)
        assert sandbox.store.job(sandbox.job_ids[key]).status.is_open


def test_all_promised_fixtures_ship() -> None:
    assert set(SHIPPED) <= set(scenario_names())


def test_pending_is_one_rich_job_and_two_queued_entries() -> None:
    sandbox = seeded("pending")
    company = sandbox.company_ids["acme"]
    (job,) = sandbox.store.jobs(company)
    assert (job.status, job.number_of_items, job.created_at) == (
        JobStatus.PENDING,
        5,
        START - timedelta(minutes=10),
    )
    assert len(sandbox.store.entries(company, EntryState.QUEUED)) == 2
    payloads = [sandbox.store.entries(company)[i].payload for i in range(5)]
    assert {p["type"] for p in payloads} >= {"card_purchase", "out_of_pocket", "invoice", "mileage"}
    invoice = next(p for p in payloads if p["type"] == "invoice")
    assert invoice["vendor"] and invoice["bookkeeping"] == {"method": "accounts_payable"}
    assert invoice["files"] and invoice["additionalInformation"]["invoiceInformation"]
    assert any(line["tax"] for p in payloads for line in p["accountingEntryLines"])


def test_failed_has_history_to_ignore_and_no_contra_accounts() -> None:
    sandbox = seeded("failed")
    company_id = sandbox.company_ids["nordics"]
    assert sandbox.store.company(company_id).contra_accounts_configured is False
    history = sandbox.store.job(sandbox.job_ids["last_week"])
    assert history.status is JobStatus.FAILED
    assert history.failure_reason_type == "accounting_system_unreachable"
    assert history.created_at < START - timedelta(days=6)
    assert {item.outcome.status for item in history.items} == {ItemStatus.ABANDONED}
    with pytest.raises(errors.MissingContraAccounts):
        sandbox.store.export_items([company_id], sandbox.job_ids["retry"], PageRequest())


def test_partial_errors_has_invoices_without_vendor() -> None:
    sandbox = seeded("partial_errors")
    job = sandbox.store.job(sandbox.job_ids["export"])
    assert job.vendor_based_bookkeeping is True
    payloads = [e.payload for e in sandbox.store.entries(sandbox.company_ids["fjord"])]
    rejected = [p for p in payloads if p["type"] == "invoice" and p["vendor"] is None]
    assert len(rejected) == 2
    assert all(p["bookkeeping"] == {"method": "accounts_payable"} for p in rejected)
    invoices_with_vendor = [p for p in payloads if p["type"] == "invoice" and p["vendor"]]
    assert invoices_with_vendor
    assert load_named("partial_errors").expect.final_status == {
        "export": JobStatus.COMPLETED_WITH_ERRORS
    }


def test_in_progress_recovery_has_some_items_done() -> None:
    sandbox = seeded("in_progress_recovery")
    job = sandbox.store.job(sandbox.job_ids["running"])
    assert job.status is JobStatus.IN_PROGRESS
    assert job.started_at == START - timedelta(minutes=20)
    assert job.last_updated_at == START - timedelta(minutes=5)
    counts = Counter(item.outcome.status for item in job.items)
    assert counts == {ItemStatus.SUCCESSFUL: 3, ItemStatus.PENDING: 3}
    done = [item for item in job.items if item.outcome.status is ItemStatus.SUCCESSFUL]
    assert all(
        item.outcome.external_id and item.outcome.external_url and item.outcome.exported_at
        for item in done
    )
    assert "JNL-000317" in {item.outcome.external_id for item in done}
    history = sandbox.store.job(sandbox.job_ids["yesterday"])
    assert history.status is JobStatus.COMPLETED
    entries = sandbox.store.entries(sandbox.company_ids["brightdesk"], EntryState.EXPORTED)
    assert len(entries) == 3 + 3  # yesterday's three, and the three booked before the crash


def test_multi_company_credentials() -> None:
    sandbox = seeded("multi_company")
    ids = sandbox.company_ids
    assert len(ids) == 3
    group = next(c for c in sandbox.credentials if len(c.company_ids) == 2)
    assert group.company_ids == (ids["dk"], ids["se"])
    assert group.secret == "sandbox-group-key-dk-se" and group.kind is CredentialKind.API_KEY
    for key in ("dk", "se", "uk"):
        assert any(c.company_ids == (ids[key],) for c in sandbox.credentials)
        assert [j.status for j in sandbox.store.jobs(ids[key])].count(JobStatus.PENDING) == 1
    assert sandbox.store.job(sandbox.job_ids["dk_history"]).status is JobStatus.COMPLETED


def test_large_has_over_ten_thousand_items_of_many_types() -> None:
    # How long seeding takes is measured by hand (bench/bench_fixture.py), never asserted.
    sandbox = build_store(load_named("large"), clock=clock())
    job = sandbox.store.job(sandbox.job_ids["export"])
    assert job.number_of_items >= 10_000
    types = Counter(entry.payload["type"] for entry in sandbox.store.entries(job.company_id))
    assert len(types) >= 10  # a realistic mix, not one template


def test_expiring_jobs_are_close_to_their_deadline() -> None:
    sandbox = seeded("expiring")
    stalled = sandbox.store.job(sandbox.job_ids["stalled"])
    waiting = sandbox.store.job(sandbox.job_ids["old_pending"])
    assert stalled.last_activity + timedelta(seconds=3600) - START == timedelta(minutes=5)
    assert START - waiting.created_at == timedelta(minutes=50)
    sandbox.store.advance(timedelta(minutes=5))
    assert stalled.status is JobStatus.FAILED and stalled.failure_reason_type == "job_expired"
    assert waiting.status is JobStatus.PENDING


def test_default_credentials_are_one_api_key_and_one_token_per_company() -> None:
    sandbox = seeded("pending")
    kinds = sorted(c.kind.value for c in sandbox.credentials)
    assert kinds == ["api_key", "bearer"]
    assert all(c.scopes == frozenset(ALL_SCOPES) for c in sandbox.credentials)
    assert all(c.company_ids == (sandbox.company_ids["acme"],) for c in sandbox.credentials)
