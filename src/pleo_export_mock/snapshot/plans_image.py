"""What is planned or under way in a snapshot: fault rules and their counts, the timeline's
steps, the jobs as the connector first found them, and each company's generator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..delivery.faults import DeliveryFaultPlan, DeliveryFaultRule, parse_delivery_faults
from ..domain.ids import IdFactory
from ..domain.models import JobStatus
from ..faults import FaultPlan, FaultSpecError
from ..faults.model import parse_rule
from ..faults.plan import rule_dict
from ..sandbox import JobAtStart
from ..scenarios.book import build_book
from ..scenarios.generator import PayloadGenerator
from ..scenarios.model import Scenario
from ..scenarios.receipts import EXTENSIONS, Receipt, ReceiptLink
from ..scenarios.seed import seeded_numbers
from ..scenarios.timeline import STEP_STATUSES, StepPosition, Timeline
from .reader import At, random_state, read_random_state, time_text


def faults_json(plan: FaultPlan) -> dict[str, Any]:
    return {
        "rules": [
            {"rule": rule_dict(rule), "matched": matched, "fired": fired}
            for rule, matched, fired in plan.counts()
        ],
        "draws": random_state(plan.draws()),
    }


def read_faults(at: At, seed: int, job_ids: dict[str, str]) -> FaultPlan:
    counts = []
    for row in at.get("rules").items():
        try:
            rule = parse_rule(row.get("rule").value, row.get("rule").place)
        except FaultSpecError as problem:
            raise row.get("rule").fail(str(problem)) from None
        counts.append((rule, row.whole("matched"), row.whole("fired")))
    plan = FaultPlan((), seed, job_ids)
    plan.resume(counts, read_random_state(at.get("draws")))
    return plan


def webhook_faults_json(plan: DeliveryFaultPlan) -> list[dict[str, Any]]:
    return [{"rule": rule.to_dict(), "used": used} for rule, used in plan.counts()]


def read_webhook_faults(at: At) -> list[tuple[DeliveryFaultRule, int]]:
    counts = []
    for row in at.items():
        try:
            (rule,) = parse_delivery_faults([row.get("rule").value], row.get("rule").place)
        except FaultSpecError as problem:
            raise row.get("rule").fail(str(problem)) from None
        counts.append((rule, row.whole("used")))
    return counts


def timeline_json(timeline: Timeline) -> dict[str, Any]:
    return {
        "startedAt": time_text(timeline.started_at),
        "steps": [
            {"status": p.status, "entryIds": p.entry_ids, "jobId": p.job_id, "note": p.note}
            for p in timeline.positions()
        ],
    }


def read_timeline(at: At, scenario: Scenario) -> Timeline:
    timeline = Timeline(scenario.timeline, None)
    steps = at.get("steps").items()
    if len(steps) != len(scenario.timeline):
        raise at.get("steps").fail(
            f"{len(steps)} step(s), but the scenario's timeline has {len(scenario.timeline)}"
        )
    positions = []
    for step in steps:
        status = step.text("status")
        if status not in STEP_STATUSES:
            raise step.get("status").fail(f"{status!r} is not one of {', '.join(STEP_STATUSES)}")
        entry_ids = None if step.get("entryIds").value is None else step.strings("entryIds")
        positions.append(
            StepPosition(
                status, entry_ids, step.text("jobId", null=True), step.text("note", null=True)
            )
        )
    timeline.resume(at.time("startedAt", null=True), positions)
    return timeline


def at_start_json(at_start: dict[str, JobAtStart]) -> list[dict[str, Any]]:
    return [
        {
            "id": job.id,
            "companyId": job.company_id,
            "status": job.status.value,
            "createdAt": time_text(job.created_at),
            "openItems": sorted(job.open_items),
            "appearedAt": job.appeared_at,
        }
        for job in at_start.values()
    ]


def read_at_start(at: At) -> dict[str, JobAtStart]:
    jobs = {}
    for row in at.items():
        created: datetime = row.time("createdAt")
        job = JobAtStart(
            row.text("id"),
            row.text("companyId"),
            row.choice("status", JobStatus, "job status"),
            created,
            frozenset(row.strings("openItems")),
            # null, or absent in a snapshot taken before it was kept: there from the start
            row.number("appearedAt", null=True) if "appearedAt" in row.obj() else None,
        )
        jobs[job.id] = job
    return jobs


def generators_json(generators: dict[str, PayloadGenerator]) -> dict[str, Any]:
    """What a company's generator has moved on: its reconciliation numbers and receipts."""
    return {
        company_id: {
            "reconciliationNumbers": {str(y): n for y, n in generator.book.book_ids.items()},
            "receipts": [
                {"id": r.id, "mime": r.mime, "size": r.size, "link": r.link.value}
                # a copy first: entries read meanwhile may make (and register) receipts. In
                # id order: the order entries were first read in is no part of the state.
                for r in sorted(generator.book.receipts.values(), key=lambda r: r.id)
            ],
        }
        for company_id, generator in generators.items()
    }


def read_generators(
    at: At, scenario: Scenario, seed: int, company_ids: dict[str, str]
) -> dict[str, PayloadGenerator]:
    """Each company's books drawn again from the seed, then moved on as the snapshot says."""
    ids = IdFactory(seed)
    generators = {}
    for company in scenario.companies:
        company_id = company_ids.get(company.key)
        if company_id is None:
            raise at.fail(f"no company id for the scenario's company {company.key!r}")
        book = build_book(ids.fork(f"book:{company.key}"), company.country, company.currency)
        book.numbered = seeded_numbers(company)
        row = at.get(company_id)
        numbers = row.get("reconciliationNumbers")
        for year, _ in numbers.members():
            if not year.isdigit():
                raise numbers.fail(f"{year!r} is not a year")
            book.book_ids[int(year)] = numbers.whole(year)
        book.receipts = {}
        for receipt in row.get("receipts").items():
            link = receipt.choice("link", ReceiptLink, "receipt link")
            if receipt.text("mime") not in EXTENSIONS:
                raise receipt.get("mime").fail(f"not one of {', '.join(EXTENSIONS)}")
            made = Receipt(receipt.text("id"), receipt.text("mime"), receipt.whole("size"), link)
            book.receipts[made.id] = made
        generators[company_id] = PayloadGenerator(book)
    return generators
