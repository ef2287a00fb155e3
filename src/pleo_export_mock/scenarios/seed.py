"""Seed a Store from a Scenario: companies, generated entries, history and open jobs, credentials.

Deterministic: the same scenario, seed and clock start give the same ids, payloads and
secrets. Ids come from the store's IdFactory in declaration order; generated data comes from
forked streams named after scenario keys (an entry's after its key and its index), so it
does not shift the ids. A generated entry's payload is made when first read (lazy.py).
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..domain.clock import Clock
from ..domain.credentials import ALL_SCOPES, Credential, CredentialKind
from ..domain.ids import IdFactory
from ..domain.lifecycle import JOB_EXPIRED
from ..domain.models import EntryState, ExportJob, ItemOutcome, ItemStatus
from ..domain.oauth import OAuthClient, OAuthState
from ..domain.policy import Policy
from ..domain.status_changes import entry_state_after
from ..domain.store import Store
from .book import FIRST_RECONCILIATION_NUMBER, Book, build_book, seeded_uuid
from .generator import PayloadGenerator
from .lazy import PAYLOADS, GeneratedEntries, PayloadCache
from .model import CompanySpec, ItemSpec, JobSpec, OAuthClientSpec, Scenario

ERP_URL = "https://erp.sandbox.invalid/vouchers"
# Where a default OAuth client's codes go: a connector reads the redirect, nothing listens.
OAUTH_REDIRECT_URI = "https://connector.sandbox.invalid/oauth/callback"
_SECRET_PREFIX = {CredentialKind.API_KEY: "sbx_key", CredentialKind.BEARER: "sbx_token"}


@dataclass(slots=True)
class SeededSandbox:
    store: Store
    credentials: list[Credential]
    company_ids: dict[str, str]  # scenario company key -> company id
    scenario: Scenario
    organisation_ids: dict[str, str] = field(default_factory=dict)  # scenario key -> id
    oauth: OAuthState = field(default_factory=lambda: OAuthState({}, b""))
    job_ids: dict[str, str] = field(default_factory=dict)  # scenario job key -> job id
    entry_ids: dict[str, list[str]] = field(default_factory=dict)  # entry key -> its entries' ids
    # company id -> the generator of its entries, for entries added after seeding
    generators: dict[str, PayloadGenerator] = field(default_factory=dict)

    def copy(self, clock: Clock) -> SeededSandbox:
        """This seeded state on `clock`, changing apart from this one (a reset's restore)."""
        return SeededSandbox(  # built whole: dataclasses.replace costs more than the copy
            self.store.copy(clock),
            list(self.credentials),  # a test may add one to its sandbox: that sandbox's alone
            self.company_ids,
            self.scenario,
            self.organisation_ids,
            self.oauth.fresh(),
            self.job_ids,
            self.entry_ids,
            {key: generator.copy() for key, generator in self.generators.items()},
        )


def build_store(
    scenario: Scenario,
    *,
    seed: int | None = None,
    clock: Clock,
    policy: Policy | None = None,
    cache: PayloadCache | None = None,
) -> SeededSandbox:
    """The scenario's first moment; generated payloads are kept in `cache` (None: the
    process's) once read."""
    with _collector_paused():
        return _build_store(scenario, seed, clock, policy, PAYLOADS if cache is None else cache)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Seeding makes objects by the million and frees none: the collector, were it on, would
    walk them again and again for nothing (a third of a big job's seeding)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _build_store(
    scenario: Scenario, seed: int | None, clock: Clock, policy: Policy | None, cache: PayloadCache
) -> SeededSandbox:
    seed = scenario.seed if seed is None else seed
    ids = IdFactory(seed)
    sandbox = SeededSandbox(Store(clock, ids, policy), [], {}, scenario)
    # One "now" for the whole seeding, so a running clock cannot skew the offsets mid-way.
    now = clock.now()
    for company in scenario.companies:
        _seed_company(sandbox, company, ids, now, seed, cache)
    # From streams of their own, so that adding an organisation shifts none of the other ids.
    sandbox.organisation_ids = _organisation_ids(scenario, ids.fork("organisations"))
    sandbox.credentials = _credentials(scenario, sandbox, ids)
    sandbox.oauth = _oauth(scenario, sandbox, ids.fork("oauth"))
    return sandbox


def _seed_company(
    sandbox: SeededSandbox,
    company: CompanySpec,
    ids: IdFactory,
    now: datetime,
    seed: int,
    cache: PayloadCache,
) -> None:
    store = sandbox.store
    record = store.add_company(
        company.name,
        company.id,
        contra_accounts_configured=company.contra_accounts_configured,
        multi_currency_wallets=company.multi_currency_wallets,
    )
    sandbox.company_ids[company.key] = record.id
    book = build_book(ids.fork(f"book:{company.key}"), company.country, company.currency)
    generator = PayloadGenerator(book)
    sandbox.generators[record.id] = generator
    context = _entry_context(company, now)
    states = _entry_states(company)
    number = FIRST_RECONCILIATION_NUMBER  # each generated entry's own, in declaration order
    for entry in company.entries:
        if entry.hostile:  # reverse fuzzing: the seed decides how many and how nasty
            from .hostile import hostile_entries  # reverse fuzzing only: not at every start

            payloads = hostile_entries(seed, company_id=company.key)
            sandbox.entry_ids[entry.key] = [store.add_entry(record.id, p).id for p in payloads]
            continue
        before, vendor_based = context.get(entry.key, (now, company.vendor_based_bookkeeping))
        source = GeneratedEntries(
            generator,
            entry,
            stream=f"{seed}:entries:{company.key}:{entry.key}",
            before=before,
            vendor_based=vendor_based,
            first_number=number,
            cache=cache,
        )
        number += entry.count
        state = states.get(entry.key, EntryState.QUEUED)
        sandbox.entry_ids[entry.key] = store.add_entries(record.id, source, entry.count, state)
    book.numbered = seeded_numbers(company)
    for job in sorted(company.jobs, key=lambda job: job.created):
        sandbox.job_ids[job.key] = _seed_job(sandbox, record.id, job, book, ids, now)


def seeded_numbers(company: CompanySpec) -> int:
    """The last reconciliation number a company's generated entries take at seeding."""
    generated = sum(entry.count for entry in company.entries if not entry.hostile)
    return FIRST_RECONCILIATION_NUMBER - 1 + generated


def _entry_states(company: CompanySpec) -> dict[str, EntryState]:
    """Per entry key: where the company's jobs, seeded in order, leave its entries. (Seeding a
    job puts them there anyway; made there from the start, a million are not made twice.)"""
    states = {}
    for job in sorted(company.jobs, key=lambda job: job.created):
        for item in job.items:
            states[item.entry] = entry_state_after(job.status, item.outcome.status)
    return states


def _entry_context(company: CompanySpec, now: datetime) -> dict[str, tuple[datetime, bool]]:
    """Per entry key: booked before its first job was created; vendor data as its last job says."""
    context: dict[str, tuple[datetime, bool]] = {}
    for job in sorted(company.jobs, key=lambda job: job.created):
        for item in job.items:
            first_created = context[item.entry][0] if item.entry in context else now + job.created
            context[item.entry] = (first_created, job.vendor_based_bookkeeping)
    return context


def _seed_job(
    sandbox: SeededSandbox, company_id: str, job: JobSpec, book: Book, ids: IdFactory, now: datetime
) -> str:
    completed = now + job.completed if job.completed is not None else None
    record = ExportJob(
        id=ids.uuid(),
        company_id=company_id,
        sequence=0,  # the store numbers seeded jobs itself
        created_at=now + job.created,
        status=job.status,
        created_by=book.admin_id if job.is_interactive else None,
        started_at=now + job.started if job.started is not None else None,
        completed_at=completed,
        last_updated_at=now + job.last_updated,
        expired_at=completed if job.failure_reason_type == JOB_EXPIRED else None,
        failure_reason=job.failure_reason,
        failure_reason_type=job.failure_reason_type,
        is_interactive=job.is_interactive,
        vendor_based_bookkeeping=job.vendor_based_bookkeeping,
    )
    sandbox.store.seed_job(company_id, record, _items(sandbox, job, ids, now))
    return record.id


def _items(
    sandbox: SeededSandbox, job: JobSpec, ids: IdFactory, now: datetime
) -> Iterator[tuple[str, ItemOutcome]]:
    rng = ids.fork(f"exports:{job.key}")
    voucher = rng.randint(10_000, 80_000)  # the ERP's running voucher number
    for spec in job.items:
        reported = spec.outcome.without_stray_fields()  # shared by all the key's entries
        for entry_id in sandbox.entry_ids[spec.entry]:
            outcome = reported
            if reported.status is ItemStatus.SUCCESSFUL:
                voucher += 1
                outcome = _exported(spec, reported, f"VOU-{voucher}", now)
            yield entry_id, outcome


def _exported(spec: ItemSpec, outcome: ItemOutcome, voucher: str, now: datetime) -> ItemOutcome:
    """A successful item's report, the ERP's voucher filling in what the scenario left out."""
    external_id = outcome.external_id or voucher
    return replace(
        outcome,
        exported_at=None if spec.exported is None else now + spec.exported,
        external_id=external_id,
        external_url=outcome.external_url or f"{ERP_URL}/{external_id}",
    )


def _credentials(scenario: Scenario, seeded: SeededSandbox, ids: IdFactory) -> list[Credential]:
    company_ids = seeded.company_ids
    if scenario.credentials is None:
        return [
            Credential(
                kind, ids.token(_SECRET_PREFIX[kind]), (company_ids[company.key],), label=label
            )
            for company in scenario.companies
            for kind, label in (
                (CredentialKind.API_KEY, f"{company.key} API key"),
                (CredentialKind.BEARER, f"{company.key} bearer token"),
            )
        ]
    return [
        Credential(
            spec.kind,
            spec.secret or ids.token(_SECRET_PREFIX[spec.kind]),
            tuple(
                company_ids[key] for key in scenario.companies_of(spec.companies, spec.organisation)
            ),
            frozenset(spec.scopes),
            spec.label,
            seeded.organisation_ids.get(spec.organisation or ""),
        )
        for spec in scenario.credentials
    ]


def _organisation_ids(scenario: Scenario, rng: random.Random) -> dict[str, str]:
    return {o.key: seeded_uuid(rng) for o in scenario.organisations}


def _oauth(scenario: Scenario, seeded: SeededSandbox, rng: random.Random) -> OAuthState:
    """The OAuth clients (one per company by default) and the key that signs access tokens.

    All from a separate stream of the seed, so OAuth shifts none of the other ids.
    """
    specs = scenario.oauth.clients
    if specs is None:
        specs = tuple(
            OAuthClientSpec((), (company.key,), ALL_SCOPES, label=f"{company.key} OAuth client")
            for company in scenario.companies
        )
    clients = [_oauth_client(spec, seeded, rng) for spec in specs]
    key = rng.getrandbits(256).to_bytes(32, "big")
    state = OAuthState({client.client_id: client for client in clients}, key)
    state.forge_next = scenario.oauth.forged_redirects
    if scenario.oauth.access_token_seconds is not None:
        state.lifetimes.access_token = scenario.oauth.access_token_seconds
    return state


def _oauth_client(spec: OAuthClientSpec, seeded: SeededSandbox, rng: random.Random) -> OAuthClient:
    keys = seeded.scenario.companies_of(spec.companies, spec.organisation)
    client_id = f"sbx_client_{rng.getrandbits(64):016x}"  # drawn always: ids stay put
    secret = f"sbx_secret_{rng.getrandbits(160):040x}"
    return OAuthClient(
        spec.client_id or client_id,
        spec.secret or secret,
        spec.redirect_uris or (OAUTH_REDIRECT_URI,),
        tuple(seeded.company_ids[key] for key in keys),
        frozenset(spec.scopes),
        spec.label,
        seeded.organisation_ids.get(spec.organisation or ""),
    )
