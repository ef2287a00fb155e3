"""The scenario IR: what a scenario file means, with defaults applied and times resolved.

Every spec keeps `at`, its path in the file, so later checks can point at the right line.
Times are offsets (negative timedeltas) from the sandbox clock's start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..delivery.faults import DeliveryFaultRule
from ..domain.credentials import CredentialKind
from ..domain.models import ItemOutcome, JobStatus
from ..domain.policy import Policy
from ..faults.model import FaultRule
from .yaml_source import DocPath


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """One accounting entry, or `count` alike ones that jobs refer to by the same key."""

    key: str
    at: DocPath
    count: int = 1
    type: str | None = None  # None: a realistic mix of export item types
    category: str | None = None  # account role of the purchase (meals, travel, software, ...)
    currency: str | None = None  # supplier currency; None: the wallet's or the merchant's
    amount: int | None = None  # minor units, unsigned; the type decides the sign
    tax: str | None = None  # inclusive | exclusive | reverse | none
    lines: int | None = None
    receipts: int | None = None
    receipt_link: str | None = None  # valid | missing | expired (scenarios/receipts.py)
    bookkeeping: str | None = None  # forces bookkeeping data whatever the job says
    overrides: Mapping[str, Any] = field(default_factory=dict)
    # Hostile but valid data from the seed (reverse fuzzing); count and the knobs above unused.
    hostile: bool = False


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """An entry's place in a job: its item status and the connector's earlier report.

    `outcome.exported_at` stays None: the export time is the offset `exported`, which
    becomes a moment only when the sandbox clock is known, at seeding.
    """

    entry: str
    at: DocPath
    outcome: ItemOutcome
    exported: timedelta | None = None


@dataclass(frozen=True, slots=True)
class JobSpec:
    key: str
    at: DocPath
    status: JobStatus
    items: tuple[ItemSpec, ...]
    created: timedelta
    started: timedelta | None
    last_updated: timedelta
    completed: timedelta | None
    failure_reason_type: str | None = None
    failure_reason: str | None = None
    is_interactive: bool = True
    vendor_based_bookkeeping: bool = False


@dataclass(frozen=True, slots=True)
class CompanySpec:
    key: str
    at: DocPath
    name: str
    country: str
    currency: str
    id: str | None = None
    contra_accounts_configured: bool = True
    multi_currency_wallets: bool = False
    vendor_based_bookkeeping: bool = False
    entries: tuple[EntrySpec, ...] = ()
    jobs: tuple[JobSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class OrganisationSpec:
    """Companies under one organisation: one credential can act for all of them."""

    key: str
    at: DocPath
    name: str
    companies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CredentialSpec:
    kind: CredentialKind
    at: DocPath
    companies: tuple[str, ...]
    scopes: tuple[str, ...]
    secret: str | None = None
    label: str = ""
    organisation: str | None = (
        None  # acts for this organisation's companies (then `companies` is ())
    )


@dataclass(frozen=True, slots=True)
class OAuthClientSpec:
    at: DocPath
    companies: tuple[str, ...]
    scopes: tuple[str, ...]
    client_id: str | None = None  # None: from the seed
    secret: str | None = None  # None: from the seed
    redirect_uris: tuple[str, ...] = ()  # (): the sandbox's default callback
    label: str = ""
    organisation: str | None = None  # acts for this organisation's companies


@dataclass(frozen=True, slots=True)
class OAuthSpec:
    # None: every company gets one client with all scopes
    clients: tuple[OAuthClientSpec, ...] | None = None
    access_token_seconds: int | None = None  # None: the default lifetime
    forged_redirects: int = 0  # the first approved authorizations redirect with a forged state


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """At `at` after the clock's start, a user of `company` presses Export for `export` new
    entries (they are made then, as entries added through the control plane are)."""

    at: timedelta
    company: str  # the company's key
    export: int
    where: DocPath = ()


@dataclass(frozen=True, slots=True)
class Expectations:
    # job key -> the final status a correct connector leaves that job in
    final_status: Mapping[str, JobStatus] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    seed: int
    companies: tuple[CompanySpec, ...]
    organisations: tuple[OrganisationSpec, ...] = ()
    # None: every company gets the default pair (API key + bearer token, all scopes)
    credentials: tuple[CredentialSpec, ...] | None = None
    oauth: OAuthSpec = field(default_factory=OAuthSpec)  # the authorization server's clients
    expect: Expectations = field(default_factory=Expectations)
    policy: Policy = field(default_factory=Policy)  # the scenario's switches (decisions.md)
    faults: tuple[FaultRule, ...] = ()  # what goes wrong on the wire, and when
    # The Export API versions a connector may call ("v0" ... "v3"); None: every version.
    api_versions: frozenset[str] | None = None
    webhook_faults: tuple[DeliveryFaultRule, ...] = ()  # what goes wrong with deliveries
    timeline: tuple[TimelineStep, ...] = ()  # what users do while the connector runs, in order
    source: str = "<body>"  # the file as shown in messages, or what the text came from
    path: Path | None = None  # the file it was read from, if any
    # The YAML it was loaded from ("" when built in Python): what a snapshot carries
    text: str = field(default="", compare=False, repr=False)

    def company(self, key: str) -> CompanySpec:
        for company in self.companies:
            if company.key == key:
                return company
        raise KeyError(key)

    def companies_of(self, keys: tuple[str, ...], organisation: str | None) -> tuple[str, ...]:
        """The company keys a credential names, directly or through its organisation."""
        if organisation is None:
            return keys
        return next(o.companies for o in self.organisations if o.key == organisation)

    def jobs(self) -> list[tuple[CompanySpec, JobSpec]]:
        return [(company, job) for company in self.companies for job in company.jobs]
