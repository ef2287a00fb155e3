"""Turn schema-valid scenario data into the IR: apply defaults, resolve times.

Rules that only need one job or one item at a time (which fields a status allows, what a
status implies by default) live here; rules across jobs and companies live in semantics.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..delivery.faults import DeliveryFaultRule, parse_delivery_faults
from ..domain.credentials import ALL_SCOPES, CredentialKind
from ..domain.lifecycle import DEFAULT_ITEM_STATUS
from ..domain.models import ItemOutcome, ItemStatus, JobStatus
from ..domain.policy import Policy
from ..faults.model import FaultRule, FaultSpecError, parse_rule
from .catalog import COUNTRIES, DEFAULT_COUNTRY
from .messages import item_failure_text, job_failure_text, with_article
from .model import (
    CompanySpec,
    CredentialSpec,
    EntrySpec,
    Expectations,
    ItemSpec,
    JobSpec,
    OAuthClientSpec,
    OAuthSpec,
    OrganisationSpec,
    Scenario,
    TimelineStep,
)
from .offsets import parse_offset
from .yaml_source import DocPath, Source

DEFAULT_CREATED = "-10m"
START_DELAY = timedelta(minutes=1)  # default gap between pressing Export and `started`
RUN_TIME = timedelta(minutes=2)  # default gap between `started` and the final event

DEFAULT_ITEM_FAILURE = "accounting_system_validation_failure"
# Only a `started` event leads to these (a pending job may go straight to failed).
_STARTED_STATUSES = (JobStatus.IN_PROGRESS, JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_ERRORS)


def build_scenario(source: Source) -> Scenario:
    data: dict[str, Any] = source.data
    return Scenario(
        name=data["name"],
        description=data["description"],
        seed=data["seed"],
        companies=tuple(
            _company(source, company, ("companies", position))
            for position, company in enumerate(data["companies"])
        ),
        organisations=tuple(
            _organisation(organisation, ("organisations", position))
            for position, organisation in enumerate(data.get("organisations", []))
        ),
        credentials=_credentials(data.get("credentials")),
        oauth=_oauth(data.get("oauth", {})),
        expect=_expectations(data.get("expect", {})),
        policy=Policy(**data.get("policy", {})),
        faults=_faults(source, data.get("faults", [])),
        api_versions=frozenset(data["api_versions"]) if "api_versions" in data else None,
        webhook_faults=_webhook_faults(source, data.get("webhook_faults", [])),
        timeline=_timeline(source, data.get("timeline", [])),
        source=source.file,
    )


def _timeline(source: Source, data: list[dict[str, Any]]) -> tuple[TimelineStep, ...]:
    """The steps in the order they play (by time; as written when at the same time)."""
    companies = {c["key"] for c in source.data["companies"]}
    steps = []
    for position, raw in enumerate(data):
        where: DocPath = ("timeline", position)
        if raw["company"] not in companies:
            raise source.error(
                (*where, "company"), f"no company {raw['company']!r} in this scenario"
            )
        steps.append(TimelineStep(-parse_offset(raw["at"]), raw["company"], raw["export"], where))
    return tuple(sorted(steps, key=lambda step: step.at))


def _webhook_faults(source: Source, data: list[Any]) -> tuple[DeliveryFaultRule, ...]:
    """The rules, each naming a company of this scenario (by key or id) if it names one."""
    companies = {key for c in source.data["companies"] for key in (c["key"], c.get("id"))}
    for position, raw in enumerate(data):
        if raw.get("company") is not None and raw["company"] not in companies:
            reason = f"no company {raw['company']!r} in this scenario"
            raise source.error(("webhook_faults", position, "company"), reason)
    try:
        return parse_delivery_faults(data)
    except FaultSpecError as problem:  # the schema already holds the shape; belt and braces
        raise source.error(("webhook_faults",), str(problem)) from None


def _faults(source: Source, data: list[Any]) -> tuple[FaultRule, ...]:
    rules = []
    for position, raw in enumerate(data):
        where = f"faults[{position}]"
        try:
            rules.append(parse_rule(raw, where))
        except FaultSpecError as problem:
            place, _, reason = str(problem).partition(": ")
            # `faults[0].operation: ...` is pointed at that key, for its own line
            key = place.removeprefix(where + ".")
            at: DocPath = ("faults", position, key) if key in raw else ("faults", position)
            raise source.error(at, reason) from None
    return tuple(rules)


def _credentials(data: list[dict[str, Any]] | None) -> tuple[CredentialSpec, ...] | None:
    if data is None:
        return None  # absent: every company gets the default pair
    return tuple(
        _credential(credential, ("credentials", position))
        for position, credential in enumerate(data)
    )


def _organisation(data: dict[str, Any], at: DocPath) -> OrganisationSpec:
    return OrganisationSpec(
        data["key"], at, data.get("name", data["key"]), tuple(data["companies"])
    )


def _holder(data: dict[str, Any]) -> str:
    """Who a credential acts for, in its default label."""
    if "organisation" in data:
        return f"organisation {data['organisation']}"
    return ", ".join(data["companies"])


def _oauth(data: dict[str, Any]) -> OAuthSpec:
    clients = data.get("clients")
    return OAuthSpec(
        None
        if clients is None
        else tuple(
            _oauth_client(client, ("oauth", "clients", position))
            for position, client in enumerate(clients)
        ),
        data.get("access_token_seconds"),
        data.get("forged_redirects", 0),
    )


def _oauth_client(data: dict[str, Any], at: DocPath) -> OAuthClientSpec:
    return OAuthClientSpec(
        at=at,
        companies=tuple(data.get("companies", ())),
        organisation=data.get("organisation"),
        scopes=tuple(data.get("scopes", ALL_SCOPES)),
        client_id=data.get("id"),
        secret=data.get("secret"),
        redirect_uris=tuple(data.get("redirect_uris", ())),
        label=data.get("label", f"OAuth client for {_holder(data)}"),
    )


def _expectations(data: dict[str, Any]) -> Expectations:
    return Expectations(
        {key: JobStatus(value) for key, value in data.get("final_status", {}).items()}
    )


def _company(source: Source, data: dict[str, Any], at: DocPath) -> CompanySpec:
    country = data.get("country", DEFAULT_COUNTRY)
    vendor_based = data.get("vendor_based_bookkeeping", False)
    return CompanySpec(
        key=data["key"],
        at=at,
        name=data["name"],
        country=country,
        currency=data.get("currency", COUNTRIES[country].currency),
        id=data.get("id"),
        contra_accounts_configured=data.get("contra_accounts_configured", True),
        multi_currency_wallets=data.get("multi_currency_wallets", False),
        vendor_based_bookkeeping=vendor_based,
        entries=tuple(
            _entry(entry, (*at, "entries", position))
            for position, entry in enumerate(data.get("entries", []))
        ),
        jobs=tuple(
            _job(source, job, (*at, "jobs", position), vendor_based)
            for position, job in enumerate(data.get("jobs", []))
        ),
    )


def _entry(data: dict[str, Any], at: DocPath) -> EntrySpec:
    return EntrySpec(
        key=data["key"],
        at=at,
        count=data.get("count", 1),
        type=data.get("type"),
        category=data.get("category"),
        currency=data.get("currency"),
        amount=data.get("amount"),
        tax=data.get("tax"),
        lines=data.get("lines"),
        receipts=data.get("receipts"),
        receipt_link=data.get("receipt_link"),
        bookkeeping=data.get("bookkeeping"),
        overrides=data.get("overrides", {}),
        hostile=data.get("hostile", False),
    )


def _job(source: Source, data: dict[str, Any], at: DocPath, vendor_based: bool) -> JobSpec:
    status = JobStatus(data["status"])
    created, started, completed, last_updated = _job_times(source, data, at, status)
    failure_type = data.get("failure_reason_type")
    if status is JobStatus.FAILED and failure_type is None:
        raise source.error((*at, "status"), "a failed job needs a failure_reason_type")
    if status is not JobStatus.FAILED:
        for name in ("failure_reason_type", "failure_reason"):
            if name in data:
                raise source.error(
                    (*at, name), f"only a failed job has a {name} (this one is {status})"
                )
    return JobSpec(
        key=data["key"],
        at=at,
        status=status,
        items=tuple(
            _item(source, item, (*at, "entries", position), status, completed or last_updated)
            for position, item in enumerate(data["entries"])
        ),
        created=created,
        started=started,
        last_updated=last_updated,
        completed=completed,
        failure_reason_type=failure_type,
        failure_reason=data.get("failure_reason")
        or (job_failure_text(failure_type) if failure_type else None),
        is_interactive=data.get("is_interactive", True),
        vendor_based_bookkeeping=data.get("vendor_based_bookkeeping", vendor_based),
    )


def _job_times(
    source: Source, data: dict[str, Any], at: DocPath, status: JobStatus
) -> tuple[timedelta, timedelta | None, timedelta | None, timedelta]:
    created = parse_offset(data.get("created", DEFAULT_CREATED))
    started: timedelta | None = None
    completed: timedelta | None = None
    if status is JobStatus.PENDING and data.get("started") is not None:
        raise source.error((*at, "started"), "a pending job has not been started")
    if status.is_open and "completed" in data:
        raise source.error((*at, "completed"), f"an open job ({status}) has no completion time")
    if status is not JobStatus.PENDING:
        if "started" in data:
            started = None if data["started"] is None else parse_offset(data["started"])
        else:
            started = min(created + START_DELAY, timedelta(0))
    if started is None and status in _STARTED_STATUSES:
        raise source.error((*at, "started"), f"{with_article(status)} job must have been started")
    if not status.is_open:
        default_completed = min((started or created) + RUN_TIME, timedelta(0))
        completed = parse_offset(data["completed"]) if "completed" in data else default_completed
    moments = [moment for moment in (created, started, completed) if moment is not None]
    last_updated = parse_offset(data["last_updated"]) if "last_updated" in data else max(moments)
    return created, started, completed, last_updated


def _item(
    source: Source,
    data: str | dict[str, Any],
    at: DocPath,
    job_status: JobStatus,
    settled: timedelta,
) -> ItemSpec:
    if isinstance(data, str):
        data = {"entry": data}
    # An item named only by its entry takes its job status's default.
    status = ItemStatus(data.get("status", DEFAULT_ITEM_STATUS[job_status]))
    _check_item_fields(source, data, at, status)
    failure_type = data.get("failure_reason_type")
    if status is ItemStatus.FAILED:
        failure_type = failure_type or DEFAULT_ITEM_FAILURE
    successful = status is ItemStatus.SUCCESSFUL
    exported_at = data.get("exported_at")
    outcome = ItemOutcome(
        status=status,
        external_id=data.get("external_id"),
        external_url=data.get("external_url"),
        failure_reason_type=failure_type,
        failure_reason=data.get("failure_reason")
        or (item_failure_text(failure_type) if failure_type else None),
    )
    return ItemSpec(
        entry=data["entry"],
        at=at,
        outcome=outcome,
        exported=parse_offset(exported_at) if exported_at else (settled if successful else None),
    )


_SUCCESS_FIELDS = ("exported_at", "external_id", "external_url")
_FAILURE_FIELDS = ("failure_reason_type", "failure_reason")


def _check_item_fields(
    source: Source, data: dict[str, Any], at: DocPath, status: ItemStatus
) -> None:
    allowed = {ItemStatus.SUCCESSFUL: _SUCCESS_FIELDS, ItemStatus.FAILED: _FAILURE_FIELDS}.get(
        status, ()
    )
    for name in (*_SUCCESS_FIELDS, *_FAILURE_FIELDS):
        if name in data and name not in allowed:
            raise source.error((*at, name), f"{with_article(status)} item has no {name}")


def _credential(data: dict[str, Any], at: DocPath) -> CredentialSpec:
    kind = CredentialKind(data["kind"])
    return CredentialSpec(
        kind=kind,
        at=at,
        companies=tuple(data.get("companies", ())),
        organisation=data.get("organisation"),
        scopes=tuple(data.get("scopes", ALL_SCOPES)),
        secret=data.get("secret"),
        label=data.get("label", f"{kind} for {_holder(data)}"),
    )
