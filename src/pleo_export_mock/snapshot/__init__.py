"""The whole state of a sandbox as one JSON document, and back.

`take_snapshot(sandbox)` gives a versioned document: the scenario (its YAML, seed and
policy), the clock, the store, the credentials and the authorization server's memory, the
fault plans with their counts, the timeline's progress, the jobs as the connector first found
them, and the journal. `restore_snapshot(sandbox, document)` reads all of it first and puts it
in place at once, so a refused document leaves the sandbox as it was.
"""

from __future__ import annotations

import dataclasses
from importlib.metadata import version
from typing import Any

from ..domain.clock import FrozenClock, RunningClock
from ..domain.policy import Policy
from ..sandbox import JobAtStart, Restored, Sandbox
from ..scenarios.errors import ScenarioError
from ..scenarios.loader import load_scenario_text
from ..scenarios.model import Scenario
from ..scenarios.seed import SeededSandbox
from .access_image import credentials_json, oauth_json, read_credentials, read_oauth
from .journal_image import journal_json, read_journal
from .plans_image import (
    at_start_json,
    faults_json,
    generators_json,
    read_at_start,
    read_faults,
    read_generators,
    read_timeline,
    read_webhook_faults,
    timeline_json,
    webhook_faults_json,
)
from .reader import At, SnapshotError, time_text
from .store_image import read_store, store_json

FORMAT = "pleo-export-mock/snapshot"
VERSION = 1  # raised whenever a document of this version would no longer restore the same

__all__ = ["FORMAT", "VERSION", "SnapshotError", "restore_snapshot", "take_snapshot"]


def take_snapshot(sandbox: Sandbox) -> dict[str, Any]:
    """The sandbox's whole state now, as a JSON-ready document."""
    scenario = sandbox.scenario
    if not scenario.text:
        raise SnapshotError(
            "scenario", f"{scenario.name} was built in Python: there is no YAML to keep"
        )
    state, store = sandbox.state, sandbox.store
    with store.lock:  # no request changes the store halfway through
        # First: writing every entry's payload makes those never read yet, and with them
        # the receipts the generators' part lists.
        store_part = store_json(store)
        return {
            "format": FORMAT,
            "version": VERSION,
            "tool": version("pleo-export-mock"),
            "scenario": {
                "name": scenario.name,
                "yaml": scenario.text,
                "seed": sandbox.seed,
                "policy": dataclasses.asdict(store.policy),
            },
            "clock": {"now": time_text(store.now())},
            "store": store_part,
            "seeded": {
                "companyIds": dict(state.company_ids),
                "organisationIds": dict(state.organisation_ids),
                "jobIds": dict(state.job_ids),
                "entryIds": {key: list(ids) for key, ids in state.entry_ids.items()},
                "added": sandbox.added,
                "generators": generators_json(state.generators),
            },
            "credentials": credentials_json(state.credentials),
            "oauth": oauth_json(state.oauth),
            "faults": faults_json(sandbox.faults),
            "webhookFaults": webhook_faults_json(sandbox.outbox.faults),
            "timeline": timeline_json(sandbox.timeline),
            "atStart": at_start_json(sandbox.at_start),
            "journal": journal_json(sandbox.journal),
        }


def restore_snapshot(sandbox: Sandbox, document: Any) -> None:
    """Put a snapshot's state in place; SnapshotError (naming the place) leaves it as it was.

    The clock keeps the sandbox's own mode (frozen or running) from the snapshot's time.
    """
    sandbox.install(read_snapshot(At(document), sandbox.config.clock == "running"))


def read_snapshot(at: At, running: bool) -> Restored:
    check_format(at)
    scenario_at = at.get("scenario")
    scenario, seed = _read_scenario(scenario_at), scenario_at.whole("seed")
    policy = _read_policy(scenario_at.get("policy"))
    now = at.get("clock").clock_time("now")
    clock = RunningClock(now) if running else FrozenClock(now)
    store = read_store(at.get("store"), clock, policy)
    seeded = at.get("seeded")
    company_ids = _read_ids(seeded.get("companyIds"))
    for key, company_id in company_ids.items():
        if company_id not in {c.id for c in store.companies()}:
            raise seeded.get("companyIds").get(key).fail(f"no company {company_id} in the store")
    job_ids = _read_ids(seeded.get("jobIds"))
    entry_ids = {
        key: seeded.get("entryIds").strings(key) for key, _ in seeded.get("entryIds").members()
    }
    state = SeededSandbox(
        store,
        read_credentials(at.get("credentials")),
        company_ids,
        scenario,
        _read_ids(seeded.get("organisationIds")),
        read_oauth(at.get("oauth")),
        job_ids,
        entry_ids,
        read_generators(seeded.get("generators"), scenario, seed, company_ids),
    )
    entries, next_seq = read_journal(at.get("journal"))
    at_start = read_at_start(at.get("atStart"))
    check_references(at, state, at_start)
    return Restored(
        scenario=scenario,
        seed=seed,
        policy=policy,
        state=state,
        at_start=at_start,
        faults=read_faults(at.get("faults"), seed, job_ids),
        webhook_faults=read_webhook_faults(at.get("webhookFaults")),
        timeline=read_timeline(at.get("timeline"), scenario),
        added=seeded.whole("added"),
        journal=entries,
        next_seq=next_seq,
    )


def check_references(at: At, state: SeededSandbox, at_start: dict[str, JobAtStart]) -> None:
    """What one part names, another holds: no restored sandbox looks up a job it lacks."""
    store = state.store
    jobs = {job.id: job for job in store.jobs()}
    for company in store.companies():
        if company.id not in state.generators:
            raise (
                at.get("seeded")
                .get("companyIds")
                .fail(f"company {company.id} of the store is none of the scenario's companies")
            )
    for key, job_id in state.job_ids.items():
        if job_id not in jobs:
            raise at.get("seeded").get("jobIds").get(key).fail(f"no export job {job_id}")
    for index, job in enumerate(at_start.values()):
        found = jobs.get(job.id)
        if found is None or found.company_id != job.company_id:
            raise (
                at.get("atStart")
                .items()[index]
                .fail(f"no export job {job.id} of company {job.company_id} in the store")
            )


def check_format(at: At) -> None:
    """Ours, and of a version this tool reads: checked before anything else is looked at."""
    found = at.get("format").value
    if found != FORMAT:
        raise at.get("format").fail(f"{found!r} is not {FORMAT!r}: not a snapshot of this tool")
    number = at.whole("version", minimum=1)
    if number > VERSION:
        raise at.get("version").fail(
            f"format version {number} is newer than this tool reads ({VERSION}): "
            "upgrade pleo-export-mock"
        )


def _read_scenario(at: At) -> Scenario:
    text = at.text("yaml")
    try:
        scenario = load_scenario_text(text, source="snapshot scenario.yaml")
    except ScenarioError as problem:
        raise at.get("yaml").fail(f"the scenario does not load: {problem}") from None
    if scenario.name != at.text("name"):
        raise at.get("name").fail(f"{at.text('name')!r}, but the YAML names {scenario.name!r}")
    return scenario


def _read_policy(at: At) -> Policy:
    names = [field.name for field in dataclasses.fields(Policy)]
    unknown = sorted(set(at.obj()) - set(names))
    if unknown:
        raise at.get(unknown[0]).fail("not a policy switch of this tool")
    return Policy(**{name: at.flag(name) for name in names})


def _read_ids(at: At) -> dict[str, str]:
    return {key: at.text(key) for key, _ in at.members()}
