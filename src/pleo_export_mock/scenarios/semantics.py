"""Consistency rules a scenario must meet beyond its schema.

A scenario describes a state Pleo could really be in: keys name one thing each, jobs hold
their own company's entries, a company has at most one open job, an exported entry is never
exported again, item statuses agree with their job's status, times run forward, and no open
job would expire the moment the sandbox starts.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..domain.lifecycle import ITEM_STATUSES_BY_JOB, JOB_EXPIRED, JOB_EXPIRY
from ..domain.models import ItemStatus, JobStatus
from ..domain.policy import Policy
from ..errors import did_you_mean
from .messages import with_article
from .model import CompanySpec, ItemSpec, JobSpec, Scenario
from .offsets import format_offset
from .yaml_source import DocPath, Source, format_path

# A job id as the sandbox writes them (domain/ids.py): a fault's `job` may be one, not a key.
_JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Entries of a whole scenario. Each costs about 500 bytes once loaded, however few lines ask
# for it (`count:`), and a scenario can come over HTTP: a bound keeps the server's memory too.
MAX_ENTRIES = 2_000_000
# Entries a timeline makes as it plays: made at once, as added ones are (about 7 KB each), so
# bounded as the control plane bounds what a client adds to one state.
MAX_TIMELINE_ENTRIES = 20_000


def check_scenario(scenario: Scenario, source: Source) -> None:
    if "\n" in scenario.description.strip():
        raise source.error(("description",), "the description must be one line")
    _check_unique_keys(scenario, source)
    _check_size(scenario, source)
    for company in scenario.companies:
        _check_company(company, source, scenario.policy)
    _check_organisations(scenario, source)
    _check_credentials(scenario, source)
    _check_oauth_clients(scenario, source)
    _check_expectations(scenario, source)
    _check_fault_jobs(scenario, source)


def _check_size(scenario: Scenario, source: Source) -> None:
    seeded = [((*e.at, "count"), e.count) for c in scenario.companies for e in c.entries]
    played = [((*step.where, "export"), step.export) for step in scenario.timeline]
    _within(
        source,
        seeded,
        MAX_ENTRIES,
        "the scenario's entries pass {:,} here (about 500 bytes "
        "each once loaded); split the books over several scenarios",
    )
    _within(
        source,
        played,
        MAX_TIMELINE_ENTRIES,
        "the timeline's exports pass {:,} entries here "
        "(made as it plays, about 7 KB each); seed big books as the scenario's entries instead",
    )


def _within(source: Source, counts: list[tuple[DocPath, int]], bound: int, why: str) -> None:
    """Refuse at the place where the running total of `counts` passes `bound`."""
    total = 0
    for at, count in counts:
        total += count
        if total > bound:
            raise source.error(at, why.format(bound))


def _check_unique_keys(scenario: Scenario, source: Source) -> None:
    companies = [(company.key, company.at) for company in scenario.companies]
    entries = [(entry.key, entry.at) for company in scenario.companies for entry in company.entries]
    jobs = [(job.key, job.at) for _company, job in scenario.jobs()]
    ids = [(c.id, c.at) for c in scenario.companies if c.id is not None]
    for kind, keyed in (("company", companies), ("entry", entries), ("job", jobs)):
        _unique(source, kind, "key", keyed)
    _unique(source, "company", "id", ids)


def _unique(source: Source, kind: str, field: str, keyed: Iterable[tuple[str, DocPath]]) -> None:
    first: dict[str, DocPath] = {}
    for key, at in keyed:
        if key in first:
            earlier = _where(source, first[key])
            raise source.error(
                (*at, field), f"duplicate {kind} {field} {key!r} (first used at {earlier})"
            )
        first[key] = at


def _check_company(company: CompanySpec, source: Source, policy: Policy) -> None:
    for job in company.jobs:
        _check_times(job, source)
        _check_items(job, company, source)
    # Before the one-open-job rule: a shared entry is the more specific explanation.
    _check_entry_histories(company, source)
    _check_one_open_job(company, source, policy)


def _check_one_open_job(company: CompanySpec, source: Source, policy: Policy) -> None:
    open_jobs = [job for job in company.jobs if job.status.is_open]
    if not policy.pending_job_blocks_new_export:
        # Several pending jobs may queue up; still only one can be running.
        open_jobs = [job for job in open_jobs if job.status is JobStatus.IN_PROGRESS]
    if len(open_jobs) > 1:
        raise source.error(
            (*open_jobs[1].at, "status"),
            f"company {company.key!r} already has open job {open_jobs[0].key!r}: "
            "Pleo allows one pending or in_progress job per company",
        )


def _check_times(job: JobSpec, source: Source) -> None:
    sequence = [("created", job.created), ("started", job.started), ("completed", job.completed)]
    known = [(name, moment) for name, moment in sequence if moment is not None]
    for (before, earlier), (after, later) in itertools.pairwise(known):
        if later < earlier:
            raise source.error(
                (*job.at, after),
                f"{after} ({format_offset(later)}) is before {before} ({format_offset(earlier)})",
            )
    latest = max(moment for _name, moment in known)
    if job.last_updated < latest:
        raise source.error(
            (*job.at, "last_updated"),
            f"last_updated ({format_offset(job.last_updated)}) is before the job's other times",
        )
    if job.status.is_open and job.last_updated <= -JOB_EXPIRY:
        raise source.error(
            (*job.at, "last_updated"),
            f"an open job last updated {format_offset(job.last_updated)} would expire at once "
            "(jobs expire an hour after lastUpdatedAt); seed it as failed with "
            f"failure_reason_type {JOB_EXPIRED} instead",
        )


def _check_items(job: JobSpec, company: CompanySpec, source: Source) -> None:
    known = {entry.key for entry in company.entries}
    seen: dict[str, DocPath] = {}
    allowed = ITEM_STATUSES_BY_JOB[job.status]
    for item in job.items:
        if item.entry not in known:
            raise source.error(
                (*item.at, "entry") if _is_mapping(source, item.at) else item.at,
                f"unknown entry {item.entry!r}: company {company.key!r} defines "
                f"{', '.join(sorted(known)) or 'no entries'}",
            )
        if item.entry in seen:
            raise source.error(item.at, f"entry {item.entry!r} is listed twice in job {job.key!r}")
        seen[item.entry] = item.at
        never_started = job.started is None and not job.status.is_open
        if never_started and item.outcome.status is not ItemStatus.ABANDONED:
            raise source.error(
                (*item.at, "status") if _is_mapping(source, item.at) else item.at,
                f"job {job.key!r} was never started, so its items can only be abandoned",
            )
        if item.outcome.status not in allowed:
            raise source.error(
                (*item.at, "status") if _is_mapping(source, item.at) else item.at,
                f"{with_article(job.status)} job cannot hold "
                f"{with_article(item.outcome.status)} item "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
    if job.status is JobStatus.COMPLETED_WITH_ERRORS and all(
        item.outcome.status is ItemStatus.SUCCESSFUL for item in job.items
    ):
        raise source.error(
            (*job.at, "status"),
            "a completed_with_errors job needs at least one failed or abandoned item "
            "(else it is completed)",
        )


def _check_entry_histories(company: CompanySpec, source: Source) -> None:
    """Walk each entry through its jobs in time order: only a failed export may be retried."""
    ordered = sorted(enumerate(company.jobs), key=lambda pair: (pair[1].created, pair[0]))
    last: dict[str, tuple[JobSpec, ItemSpec]] = {}
    for _position, job in ordered:
        for item in job.items:
            previous = last.get(item.entry)
            if previous is not None:
                problem = _retry_problem(item.entry, *previous, job)
                if problem:
                    raise source.error(item.at, problem)
            last[item.entry] = (job, item)


def _retry_problem(entry: str, earlier: JobSpec, item: ItemSpec, later: JobSpec) -> str | None:
    if earlier.status.is_open and later.status.is_open:
        return f"entry {entry!r} is already in open job {earlier.key!r}"
    if earlier.status.is_open:
        return (
            f"entry {entry!r} is in open job {earlier.key!r}, so no job created later "
            f"({later.key!r}) can hold it"
        )
    if item.outcome.status is ItemStatus.SUCCESSFUL:
        return (
            f"entry {entry!r} was exported by job {earlier.key!r} (item successful); "
            "an exported entry is never exported again"
        )
    return None


def _check_credentials(scenario: Scenario, source: Source) -> None:
    companies = {company.key for company in scenario.companies}
    secrets: dict[str, DocPath] = {}
    for credential in scenario.credentials or ():
        _check_companies(credential.companies, credential.at, companies, source)
        _check_organisation(scenario, credential.organisation, credential.at, source)
        if credential.secret is not None:
            if credential.secret in secrets:
                earlier = _where(source, secrets[credential.secret])
                raise source.error(
                    (*credential.at, "secret"), f"the same secret is already used at {earlier}"
                )
            secrets[credential.secret] = credential.at


def _check_oauth_clients(scenario: Scenario, source: Source) -> None:
    companies = {company.key for company in scenario.companies}
    ids: dict[str, DocPath] = {}
    for client in scenario.oauth.clients or ():
        _check_companies(client.companies, client.at, companies, source)
        _check_organisation(scenario, client.organisation, client.at, source)
        for position, uri in enumerate(client.redirect_uris):
            problem = redirect_uri_problem(uri)
            if problem is not None:
                raise source.error((*client.at, "redirect_uris", position), f"{uri!r} {problem}")
        if client.client_id is not None:
            if client.client_id in ids:
                earlier = _where(source, ids[client.client_id])
                raise source.error((*client.at, "id"), f"the same id is already used at {earlier}")
            ids[client.client_id] = client.at


def redirect_uri_problem(uri: str) -> str | None:
    """Why `uri` cannot be an OAuth client's redirect URI, or None (RFC 6749 section 3.1.2).

    The server compares it character for character with what a connector sends, and sends
    the browser there: it must be an absolute http(s) URI with a host, and nothing a client
    could not send back unchanged."""
    if any(c.isspace() or not c.isprintable() for c in uri):
        return "holds whitespace or a control character; a client could not send it back as is"
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as problem:
        return f"is not a URI the sandbox can redirect to ({problem})"
    if parts.scheme and parts.scheme not in ("http", "https"):
        return f"uses the scheme {parts.scheme!r}; the sandbox redirects only to http or https"
    if not parts.scheme or not parts.hostname:
        return "is not absolute: give http(s) and a host, as in https://erp.example/callback"
    if "#" in uri:
        return "has a fragment, which a redirect URI may not have (RFC 6749 section 3.1.2)"
    if port == 0:
        return "names port 0, which no browser can be sent to"
    return None


def _check_organisations(scenario: Scenario, source: Source) -> None:
    companies = {company.key for company in scenario.companies}
    _unique(source, "organisation", "key", [(o.key, o.at) for o in scenario.organisations])
    for organisation in scenario.organisations:
        _check_companies(organisation.companies, organisation.at, companies, source)


def _check_organisation(scenario: Scenario, key: str | None, at: DocPath, source: Source) -> None:
    known = sorted(o.key for o in scenario.organisations)
    if key is not None and key not in known:
        defined = ", ".join(known) or "none"
        raise source.error(
            (*at, "organisation"), f"unknown organisation {key!r}; the scenario defines {defined}"
        )


def _check_companies(
    keys: tuple[str, ...], at: DocPath, companies: set[str], source: Source
) -> None:
    for position, key in enumerate(keys):
        if key not in companies:
            raise source.error(
                (*at, "companies", position),
                f"unknown company {key!r}; the scenario defines {', '.join(sorted(companies))}",
            )


def _check_expectations(scenario: Scenario, source: Source) -> None:
    jobs = {job.key: job for _company, job in scenario.jobs()}
    for key in scenario.expect.final_status:
        at = ("expect", "final_status", key)
        job = jobs.get(key)
        if job is None:
            raise source.error(
                at, f"unknown job {key!r}; jobs: {', '.join(sorted(jobs)) or 'none'}"
            )
        if not job.status.is_open:
            raise source.error(
                at,
                f"job {key!r} is already {job.status}; only an open job can have an expected end",
            )


def _check_fault_jobs(scenario: Scenario, source: Source) -> None:
    """A fault's `job` names a job of this scenario: a misspelt key would match no call, and
    the rule would never fire. A job id is taken as it is (one seed's id; the key is safer)."""
    keys = sorted(job.key for _company, job in scenario.jobs())
    for position, rule in enumerate(scenario.faults):
        if rule.job is None or rule.job in keys or _JOB_ID.fullmatch(rule.job):
            continue
        raise source.error(
            ("faults", position, "job"),
            f"unknown job {rule.job!r}{did_you_mean(rule.job, keys)}; "
            f"jobs: {', '.join(keys) or 'none'}",
        )


def _is_mapping(source: Source, at: DocPath) -> bool:
    return (*at, "entry") in source.index.lines


def _where(source: Source, at: DocPath) -> str:
    line = source.index.line(at)
    return f"{format_path(at)}, line {line}" if line is not None else format_path(at)
