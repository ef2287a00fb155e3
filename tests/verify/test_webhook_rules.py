"""The webhook and organisation rules on hand-made journals: orders and timings a live run
shows only now and then (tests/verify/test_service_mode.py runs the connectors themselves)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pleo_export_mock.domain.models import ExportJob, JobStatus
from pleo_export_mock.journal import JournalEntry
from pleo_export_mock.sandbox import JobAtStart
from pleo_export_mock.verify.context import Context
from pleo_export_mock.verify.registry import RULES

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
OURS, THEIRS = "company-ours", "company-theirs"
JOB, OTHER_JOB = "job-announced", "job-of-another-company"
WEBHOOK = "http://127.0.0.1:9/pleo/webhooks"


def _entry(seq: int, at: float, method: str, path: str, **fields: Any) -> JournalEntry:
    values: dict[str, Any] = {
        "seq": seq,
        "wall_time": at,
        "sandbox_time": NOW,
        "operation_id": None,
        "method": method,
        "path": path,
        "query": {},
        "path_params": {},
        "request_headers": {},
        "request_body": None,
        "status": 200,
        "response_headers": {},
        "response_body": None,
    }
    return JournalEntry(**{**values, **fields})


def subscribed(seq: int, at: float) -> JournalEntry:
    return _entry(seq, at, "POST", "/v1/subscriptions", operation_id="createSubscription")


def delivery(seq: int, at: float, job_id: str, ms: float = 2.0, **fields: Any) -> JournalEntry:
    body = {"eventType": "v1.export-job.created", "data": {"id": job_id}}
    sent = {"status": 204, "duration_ms": ms, "direction": "outbound", **fields}
    sent.setdefault("path_params", {"jobId": job_id})  # as the sender journals it
    return _entry(
        seq, at, "POST", WEBHOOK, operation_id="v1.export-job.created", request_body=body, **sent
    )


def read_job(seq: int, at: float, job_id: str, company: str | None = None) -> JournalEntry:
    query = {"company_id": [company]} if company else {}
    return _entry(
        seq,
        at,
        "GET",
        f"/v3/export-jobs/{job_id}",
        operation_id="getExportJobByIdV3",
        path_params={"jobId": job_id},
        query=query,
    )


def event(seq: int, at: float, job_id: str, name: str) -> JournalEntry:
    return _entry(
        seq,
        at,
        "POST",
        "/v3/export-job-events",
        operation_id="createExportJobEventV3",
        request_body={"event": name, "jobId": job_id},
        status=202,
    )


def poll(seq: int, at: float, *job_ids: str) -> JournalEntry:
    rows = [{"id": job_id} for job_id in job_ids]
    return _entry(
        seq,
        at,
        "GET",
        "/v3/export-jobs",
        operation_id="getExportJobsListV3",
        response_body={"data": rows},
    )


def context(entries: list[JournalEntry]) -> Context:
    jobs = {JOB: OURS, OTHER_JOB: THEIRS}
    return Context(
        entries=[e for e in entries if e.direction == "inbound"],
        at_start={
            job_id: JobAtStart(job_id, company, JobStatus.PENDING, NOW, frozenset())
            for job_id, company in jobs.items()
        },
        at_end={job_id: ExportJob(job_id, company, 0, NOW) for job_id, company in jobs.items()},
        companies=frozenset({OURS}),
        deliveries=[e for e in entries if e.direction == "outbound"],
    )


def flagged(rule_id: str, entries: list[JournalEntry]) -> list[str]:
    return [finding.message for finding in RULES[rule_id].check(context(entries))]


# -- acts-only-on-verified-deliveries --------------------------------------------------------


def test_acting_on_a_forged_delivery_before_answering_it_is_caught() -> None:
    # The connector read the job while the forged delivery was open: its request is numbered
    # before the delivery, which gets its number once answered; the sending time tells.
    forged = delivery(3, 10.0, JOB, ms=50, fault_kind="bad_signature")
    journal = [subscribed(1, 1.0), read_job(2, 10.01, JOB), forged]
    assert flagged("acts-only-on-verified-deliveries", journal)


def test_a_job_read_before_the_forged_delivery_was_sent_is_not_its_doing() -> None:
    forged = delivery(3, 10.0, JOB, fault_kind="bad_signature")
    journal = [subscribed(1, 1.0), read_job(2, 9.5, JOB), forged]
    assert not flagged("acts-only-on-verified-deliveries", journal)


# -- answers-deliveries-promptly -------------------------------------------------------------


def test_finishing_the_job_before_answering_its_delivery_is_caught() -> None:
    journal = [
        subscribed(1, 1.0),
        read_job(2, 10.1, JOB),
        event(3, 10.2, JOB, "started"),
        event(4, 11.9, JOB, "completed"),
        delivery(5, 10.0, JOB, ms=2000),
    ]
    assert flagged("answers-deliveries-promptly", journal)


def test_a_prompt_answer_noted_late_by_a_busy_sender_is_no_finding() -> None:
    # The connector answered at once and did a small job in 10 ms; the sender's thread noted
    # the answer 30 ms late. Only a delivery held a second or more is judged.
    journal = [
        subscribed(1, 1.0),
        read_job(2, 10.001, JOB),
        event(3, 10.004, JOB, "started"),
        event(4, 10.010, JOB, "completed"),
        delivery(5, 10.0, JOB, ms=40),
    ]
    assert not flagged("answers-deliveries-promptly", journal)


def test_an_answer_at_once_then_the_work_is_prompt() -> None:
    journal = [
        subscribed(1, 1.0),
        delivery(2, 10.0, JOB, ms=2),
        read_job(3, 10.1, JOB),
        event(4, 10.2, JOB, "started"),
        event(5, 10.9, JOB, "completed"),
    ]
    assert not flagged("answers-deliveries-promptly", journal)


def test_a_late_copy_of_a_delivery_open_while_the_job_finishes_is_no_finding() -> None:
    # Found by a poll and worked on before the copy came: it was not the copy's work.
    journal = [
        subscribed(1, 1.0),
        read_job(2, 9.0, JOB),
        event(3, 9.1, JOB, "started"),
        event(4, 10.5, JOB, "completed"),
        delivery(5, 10.0, JOB, ms=1000),
    ]
    assert not flagged("answers-deliveries-promptly", journal)


def test_a_delivery_left_unanswered_until_the_sender_gave_up_is_caught() -> None:
    late = delivery(2, 10.0, JOB, ms=5000, status=0)
    assert flagged("answers-deliveries-promptly", [subscribed(1, 1.0), late])
    refused = replace(late, duration_ms=3)  # no listener: refused at once, not slow
    assert not flagged("answers-deliveries-promptly", [subscribed(1, 1.0), refused])


# -- reconciles-by-polling -------------------------------------------------------------------


def test_a_job_no_delivery_announced_and_no_poll_showed_is_caught() -> None:
    lost = delivery(2, 10.0, JOB, status=0, fault_kind="lost")
    messages = flagged("reconciles-by-polling", [subscribed(1, 1.0), lost])
    assert len(messages) == 1 and JOB in messages[0]
    finished = RULES["all-eligible-jobs-finished"].check(context([subscribed(1, 1.0), lost]))
    assert [f.message for f in finished if JOB in f.message] == []  # said once, by reconciling


def test_a_poll_that_showed_the_job_is_reconciling() -> None:
    lost = delivery(2, 10.0, JOB, status=0, fault_kind="lost")
    assert not flagged("reconciles-by-polling", [subscribed(1, 1.0), lost, poll(3, 12.0, JOB)])


def test_a_connector_that_never_subscribed_is_judged_by_finishing_alone() -> None:
    assert not flagged("reconciles-by-polling", [poll(1, 1.0)])
    assert list(RULES["all-eligible-jobs-finished"].check(context([poll(1, 1.0)])))


# -- own-company-only ------------------------------------------------------------------------


def test_reading_another_companys_job_is_caught_even_when_refused() -> None:
    refused = replace(read_job(2, 2.0, OTHER_JOB, company=OURS), status=404)
    assert flagged("own-company-only", [subscribed(1, 1.0), refused])


def test_naming_another_company_for_our_own_job_is_caught() -> None:
    assert flagged("own-company-only", [read_job(1, 1.0, JOB, company=THEIRS)])


def test_our_own_job_through_our_company_is_fine() -> None:
    assert not flagged("own-company-only", [read_job(1, 1.0, JOB, company=OURS)])
