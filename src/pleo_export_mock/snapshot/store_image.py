"""The store in a snapshot: companies, their entries, export jobs with their items, the id
stream, and the webhook subscriptions.

It reads and fills the store's own tables: a restored store is the same object a seeded one
is, with no second way of making entries or jobs that could drift from the first.
"""

from __future__ import annotations

import bisect
from typing import Any

from ..domain.clock import Clock
from ..domain.ids import IdFactory
from ..domain.models import (
    ABANDONED_OUTCOME,
    PENDING_OUTCOME,
    AccountingEntry,
    Company,
    EntryState,
    ExportJob,
    ItemOutcome,
    ItemStatus,
    JobStatus,
)
from ..domain.policy import Policy
from ..domain.store import Store, _CompanyState
from .reader import At, random_state, read_random_state, time_text
from .subscriptions_image import read_subscriptions, subscriptions_json


def store_json(store: Store) -> dict[str, Any]:
    with store.lock:
        return {
            "seed": store.ids.seed,
            "ids": random_state(store.ids.position()),
            "sequence": store._sequence,
            "companies": [_company_json(state) for state in store._companies.values()],
            "jobs": [_job_json(job) for job in store._jobs.values()],
            "subscriptions": subscriptions_json(store.subscriptions),
        }


def read_store(at: At, clock: Clock, policy: Policy) -> Store:
    ids = IdFactory.at(at.whole("seed"), read_random_state(at.get("ids")))
    store = Store(clock, ids, policy)
    store._sequence = at.whole("sequence")
    for company_at in at.get("companies").items():
        state = _read_company(company_at)
        if state.company.id in store._companies:
            raise company_at.get("id").fail(f"company {state.company.id} appears twice")
        store._companies[state.company.id] = state
    for job_at in at.get("jobs").items():
        job = _read_job(job_at, store)
        if job.id in store._jobs:
            raise job_at.get("id").fail(f"export job {job.id} appears twice")
        company = store._companies[job.company_id]
        bisect.insort(company.jobs, job, key=lambda j: (j.created_at, j.sequence))
        store._jobs[job.id] = job
        if job.status.is_open:
            store._open_jobs[job.id] = job
    store.subscriptions = read_subscriptions(at.get("subscriptions"), clock)
    return store


def _company_json(state: _CompanyState) -> dict[str, Any]:
    company = state.company
    return {
        "id": company.id,
        "name": company.name,
        "contraAccountsConfigured": company.contra_accounts_configured,
        "multiCurrencyWallets": company.multi_currency_wallets,
        "entries": [
            {"id": entry.id, "state": entry.state.value, "payload": entry.payload}
            for entry in state.entries.values()
        ],
    }


def _read_company(at: At) -> _CompanyState:
    company = Company(
        at.text("id"),
        at.text("name"),
        at.flag("contraAccountsConfigured"),
        at.flag("multiCurrencyWallets"),
    )
    state = _CompanyState(company)
    for entry_at in at.get("entries").items():
        entry_id = entry_at.text("id")
        if entry_id in state.entries:
            raise entry_at.get("id").fail(f"accounting entry {entry_id} appears twice")
        payload = entry_at.get("payload").obj()
        entry_state = entry_at.choice("state", EntryState, "entry state")
        state.entries[entry_id] = AccountingEntry.fixed(entry_id, company.id, payload, entry_state)
    return state


def _job_json(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "companyId": job.company_id,
        "sequence": job.sequence,
        "status": job.status.value,
        "createdAt": time_text(job.created_at),
        "createdBy": job.created_by,
        "startedAt": time_text(job.started_at),
        "completedAt": time_text(job.completed_at),
        "lastUpdatedAt": time_text(job.last_updated_at),
        "expiredAt": time_text(job.expired_at),
        "failureReason": job.failure_reason,
        "failureReasonType": job.failure_reason_type,
        "isInteractive": job.is_interactive,
        "vendorBasedBookkeeping": job.vendor_based_bookkeeping,
        "items": [_item_json(item.accounting_entry_id, item.outcome) for item in job.items],
    }


def _item_json(entry_id: str, outcome: ItemOutcome) -> dict[str, Any]:
    return {
        "accountingEntryId": entry_id,
        "status": outcome.status.value,
        "exportedAt": time_text(outcome.exported_at),
        "externalId": outcome.external_id,
        "externalUrl": outcome.external_url,
        "failureReason": outcome.failure_reason,
        "failureReasonType": outcome.failure_reason_type,
    }


def _read_job(at: At, store: Store) -> ExportJob:
    company_id = at.text("companyId")
    company = store._companies.get(company_id)
    if company is None:
        raise at.get("companyId").fail(f"no company {company_id} in the snapshot's store")
    job = ExportJob(
        id=at.text("id"),
        company_id=company_id,
        sequence=at.whole("sequence"),
        created_at=at.time("createdAt"),
        status=at.choice("status", JobStatus, "job status"),
        created_by=at.text("createdBy", null=True),
        started_at=at.time("startedAt", null=True),
        completed_at=at.time("completedAt", null=True),
        last_updated_at=at.time("lastUpdatedAt", null=True),
        expired_at=at.time("expiredAt", null=True),
        failure_reason=at.text("failureReason", null=True),
        failure_reason_type=at.text("failureReasonType", null=True),
        is_interactive=at.flag("isInteractive"),
        vendor_based_bookkeeping=at.flag("vendorBasedBookkeeping"),
    )
    for item_at in at.get("items").items():
        entry_id = item_at.text("accountingEntryId")
        if entry_id not in company.entries:
            raise item_at.get("accountingEntryId").fail(
                f"no accounting entry {entry_id} in company {company_id}"
            )
        if entry_id in job.positions:
            raise item_at.get("accountingEntryId").fail(f"entry {entry_id} is in the job twice")
        job.add_item(entry_id, _read_outcome(item_at))
    return job


def _read_outcome(at: At) -> ItemOutcome:
    outcome = ItemOutcome(
        at.choice("status", ItemStatus, "item status"),
        at.time("exportedAt", null=True),
        at.text("externalId", null=True),
        at.text("externalUrl", null=True),
        at.text("failureReason", null=True),
        at.text("failureReasonType", null=True),
    )
    # Shared, as the seeded store shares them: a million pending items need no million values.
    return next((shared for shared in _SHARED if shared == outcome), outcome)


_SHARED = (PENDING_OUTCOME, ABANDONED_OUTCOME)
