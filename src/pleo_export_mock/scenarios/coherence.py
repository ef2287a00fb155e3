"""Whether a scenario's expectations can be met with the credentials it hands out.

A scenario that expects a job to end `completed` while no credential of the job's company may
send events contradicts itself: any connector would "fail" it, and the verifier would blame the
connector for the scenario's mistake. Such a file is refused when it is loaded.
"""

from __future__ import annotations

from ..domain.credentials import ALL_SCOPES
from ..domain.models import ItemStatus, JobStatus
from .model import CompanySpec, CredentialSpec, JobSpec, Scenario
from .yaml_source import Source

# What each scope lets a connector do on the way to a job's end (facts §1.10).
READ_JOBS, WRITE_JOBS, READ_ITEMS = ALL_SCOPES
WHY = {
    READ_JOBS: "to find the job and read its items",
    WRITE_JOBS: "to send the job's events",
    READ_ITEMS: "to read the data of the entries it books",
}


def check_coherence(scenario: Scenario, source: Source) -> None:
    """Refuse an expectation that no credential of the job's company could bring about."""
    if scenario.credentials is None:
        return  # every company gets credentials with every scope
    owners = {job.key: company for company, job in scenario.jobs()}
    for key, expected in scenario.expect.final_status.items():
        company, job = owners[key], _job(scenario, key)
        needed = needed_scopes(job, expected)
        holders = [
            c
            for c in scenario.credentials
            if company.key in scenario.companies_of(c.companies, c.organisation)
        ]
        if needed and not any(needed <= set(c.scopes) for c in holders):
            raise source.error(
                ("expect", "final_status", key), _unreachable(job, company, expected, holders)
            )


def needed_scopes(job: JobSpec, expected: JobStatus) -> frozenset[str]:
    """The scopes one credential needs to take `job` from its status to `expected`."""
    if expected is job.status:
        return frozenset()  # leaving the job alone needs nothing
    needed = {READ_JOBS, WRITE_JOBS}
    unbooked = any(item.outcome.status is not ItemStatus.SUCCESSFUL for item in job.items)
    if expected is JobStatus.COMPLETED and unbooked:
        needed.add(READ_ITEMS)  # `completed` means every open entry was booked from its data
    return frozenset(needed)


def _unreachable(
    job: JobSpec, company: CompanySpec, expected: JobStatus, holders: list[CredentialSpec]
) -> str:
    needed = needed_scopes(job, expected)
    best = max(holders, key=lambda c: len(needed & set(c.scopes)), default=None)
    missing = sorted(needed - set(best.scopes if best else ()))
    reasons = "; ".join(f"{scope} {WHY[scope]}" for scope in missing)
    return (
        f"job {job.key!r} is expected to end {expected}, but no credential of company "
        f"{company.key!r} could bring that about: a connector needs {reasons}. Give a "
        "credential those scopes, or expect what a connector without them reaches"
    )


def _job(scenario: Scenario, key: str) -> JobSpec:
    return next(job for _company, job in scenario.jobs() if job.key == key)
