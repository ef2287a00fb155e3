"""Each rule against in-process flows: silent on a correct workflow, precise on a wrong one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock import Sandbox, SandboxConfig, authorization_header, create_app
from pleo_export_mock.journal import JournalEntry
from pleo_export_mock.verify import RULES, Severity, evaluate
from pleo_export_mock.verify.context import Context
from pleo_export_mock.verify.expectations import expectation_reason
from pleo_export_mock.verify.model import ConnectorRun

EXITED = ConnectorRun(("connector",), exit_code=0, duration=1.0, stdout="", stderr="")
TIMED_OUT = ConnectorRun(("connector",), exit_code=None, duration=60.0, stdout="", stderr="")
NOW = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Connector:
    """A scripted connector talking to the app in process."""

    def __init__(self, scenario: str = "pending", config: SandboxConfig | None = None) -> None:
        self.sandbox = Sandbox(scenario, config)
        self.client = Client(create_app(self.sandbox))
        self.headers = {"Authorization": authorization_header(self.sandbox.state.credentials[0])}
        self.data_read: set[str] = set()  # jobs whose export items were read

    def call(self, method: str, url: str, json: Any = None) -> Any:
        response = self.client.open(url, method=method, headers=self.headers, json=json)
        return response.json if response.data else None

    def pending_jobs(self) -> list[dict[str, Any]]:
        jobs: list[dict[str, Any]] = self.call(
            "GET", "/v3/export-jobs?statuses=pending&statuses=in_progress"
        )["data"]
        return sorted(jobs, key=lambda job: job["createdAt"])

    def event(self, job_id: str, event: str, **extra: str) -> None:
        self.call("POST", "/v3/export-job-events", {"event": event, "jobId": job_id, **extra})

    def items(self, job_id: str, limit: int = 100) -> list[str]:
        ids, url = [], f"/v3/export-jobs/{job_id}/items?limit={limit}"
        while True:
            body = self.call("GET", url)
            ids += [i["accountingEntryId"] for i in body["data"] if i["status"] == "pending"]
            if not body["pagination"]["hasNextPage"]:
                return ids
            url = (
                f"/v3/export-jobs/{job_id}/items?limit={limit}&after="
                f"{body['pagination']['endCursor']}"
            )

    def read_data(self, job_id: str) -> set[str]:
        """Every page of the job's export items (the data layer): what a connector books."""
        ids, url = set(), f"/v3/export-items?job_id={job_id}&limit=1000"
        while True:
            body = self.call("GET", url)
            if "data" not in body:  # refused, e.g. 422 for an expired job
                return ids
            ids |= {row["accountingEntryId"] for row in body["data"]}
            if not body["pagination"]["hasNextPage"]:
                return ids
            after = body["pagination"]["endCursor"]
            url = f"/v3/export-items?job_id={job_id}&limit=1000&after={after}"

    def put(self, job_id: str, updates: list[dict[str, Any]], read: bool = True) -> Any:
        """PUT item updates; as a correct connector, having read the data first (once a job)."""
        if read and job_id not in self.data_read:
            self.data_read.add(job_id)
            self.read_data(job_id)
        return self.call("PUT", f"/v3/export-jobs/{job_id}/items", updates)

    def process(self, job: dict[str, Any], fail: frozenset[str] = frozenset()) -> None:
        self.event(job["id"], "started")
        entries = self.items(job["id"])
        updates = [success(e) if e not in fail else failure(e) for e in entries]
        for start in range(0, len(updates), 100):
            self.put(job["id"], updates[start : start + 100])
        self.event(job["id"], "completed_with_errors" if fail else "completed")

    def findings(self, run: ConnectorRun | None = None) -> dict[str, list[str]]:
        verdict = evaluate(self.sandbox, run=run)
        return {rule: [f.message for f in found] for rule, found in verdict.by_rule().items()}


def success(entry: str, **extra: Any) -> dict[str, Any]:
    return {
        "accountingEntryId": entry,
        "status": "successful",
        "externalId": f"V-{entry[:6]}",
        "externalUrl": f"https://erp.example/{entry}",
        "exportedAt": NOW,
        **extra,
    }


def failure(entry: str) -> dict[str, Any]:
    return {
        "accountingEntryId": entry,
        "status": "failed",
        "failureReasonType": "vendor_unknown",
        "failureReason": "Vendor not found in the ERP",
    }


@pytest.mark.parametrize("scenario", ["pending", "backlog", "paged"])
def test_a_correct_workflow_has_no_findings(scenario: str) -> None:
    connector = Connector(scenario)
    for job in connector.pending_jobs():
        connector.process(job)
    assert connector.findings() == {}


def test_doing_nothing_leaves_jobs_unfinished() -> None:
    connector = Connector()
    connector.pending_jobs()
    assert set(connector.findings()) == {"all-eligible-jobs-finished", "scenario-expectations"}


def test_a_job_made_after_a_polling_connectors_last_list_is_out_of_its_reach() -> None:
    connector = Connector("webhooks", SandboxConfig(clock="frozen"))
    for job in connector.pending_jobs():
        connector.process(job)
    assert connector.pending_jobs() == []  # its last look: nothing left, so it exits
    connector.sandbox.advance_clock(2)
    assert len(connector.sandbox.store.jobs()) == 2  # the timeline's first job appeared
    assert connector.findings(EXITED) == {}
    # Stopped at the time-out, or judged while it runs, it could still have looked again.
    assert "all-eligible-jobs-finished" in connector.findings(TIMED_OUT)
    assert set(connector.findings()) == {"all-eligible-jobs-finished"}


def test_a_job_a_polling_connector_listed_must_be_finished() -> None:
    connector = Connector("webhooks", SandboxConfig(clock="frozen"))
    for job in connector.pending_jobs():
        connector.process(job)
    connector.sandbox.advance_clock(2)
    (made,) = connector.pending_jobs()  # seen, then left
    found = connector.findings(EXITED)
    assert set(found) == {"all-eligible-jobs-finished"}
    assert made["id"] in found["all-eligible-jobs-finished"][0]


def test_newest_first_and_interleaving() -> None:
    connector = Connector("backlog")
    older, newer = connector.pending_jobs()
    connector.event(newer["id"], "started")
    connector.event(older["id"], "started")
    for job in (older, newer):
        entries = connector.items(job["id"])
        connector.put(job["id"], [success(e) for e in entries])
        connector.event(job["id"], "completed")
    found = connector.findings()
    assert set(found) == {"oldest-first", "one-job-at-a-time"}
    assert newer["id"] in found["oldest-first"][0]


def test_updates_before_started_and_a_lying_final_event() -> None:
    connector = Connector()
    job = connector.pending_jobs()[0]
    entries = connector.items(job["id"])
    connector.put(job["id"], [success(entries[0])])  # refused: not started (422)
    connector.event(job["id"], "started")
    connector.put(job["id"], [success(e) for e in entries[1:]] + [failure(entries[0])])
    connector.event(job["id"], "completed")
    assert set(connector.findings()) == {"started-before-updates", "final-event-agrees"}


def test_unread_pages_unreported_items_and_duplicates() -> None:
    connector = Connector("paged")
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "started")
    first_page = connector.call("GET", f"/v3/export-jobs/{job['id']}/items?limit=100")["data"]
    entries = [item["accountingEntryId"] for item in first_page]
    connector.put(job["id"], [success(e) for e in entries])
    connector.put(job["id"], [success(entries[0], externalId="V-second-booking")])
    connector.event(job["id"], "completed")
    found = connector.findings()
    assert set(found) == {"read-all-item-pages", "all-items-reported", "no-duplicate-success"}
    assert "100 of the 250" in found["read-all-item-pages"][0]
    assert "booked twice" in found["no-duplicate-success"][0]


def test_item_field_rules() -> None:
    connector = Connector("partial_errors")
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "started")
    entries = connector.items(job["id"])
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    connector.put(
        job["id"],
        [
            {"accountingEntryId": entries[0], "status": "successful", "exportedAt": NOW},
            {**success(entries[1]), "externalUrl": None},
            success(entries[2], exportedAt=tomorrow),
            {"accountingEntryId": entries[3], "status": "failed"},
            *[success(e) for e in entries[4:]],
        ],
    )
    connector.event(job["id"], "completed_with_errors")
    found = connector.findings()
    assert set(found) >= {
        "success-has-external-id",
        "success-has-external-url",
        "exported-at-plausible",
        "failure-has-reason",
    }
    assert RULES["success-has-external-url"].severity is Severity.WARNING


def test_protocol_rules() -> None:
    connector = Connector()
    connector.call("GET", "/v3/export-jobs?status=pending")
    job = connector.pending_jobs()[0]
    connector.call("POST", "/v3/export-job-events", {"event": "started", "exportJobId": job["id"]})
    connector.call("PUT", f"/v3/export-jobs/{job['id']}/items", {"items": []})
    connector.client.get("/v3/export-jobs", headers={"Authorization": "Basic raw-key"})
    connector.process(job)
    found = connector.findings()
    assert set(found) == {
        "no-deprecated-status",
        "uses-job-id-key",
        "valid-requests",
        "authenticates",
    }
    assert "is not of type 'array'" in found["valid-requests"][0]


def test_writes_after_the_final_event_and_touching_history() -> None:
    connector = Connector("failed")
    history = next(
        j for j in connector.call("GET", "/v3/export-jobs")["data"] if j["status"] == "failed"
    )
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "failed")  # no reason type
    connector.event(job["id"], "failed", failureReasonType="missing_configuration")
    connector.event(history["id"], "started")
    found = connector.findings()
    assert set(found) == {"failed-event-has-reason", "one-final-event", "eligible-jobs-only"}


def test_expiry_while_working() -> None:
    connector = Connector()
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "started")
    connector.sandbox.advance_clock(3601)
    connector.put(job["id"], [success(e) for e in connector.items(job["id"])])
    found = connector.findings()
    assert "finishes-before-expiry" in found and "expired" in found["finishes-before-expiry"][0]


def _entry(seq: int, at: float, status: int, **extra: Any) -> JournalEntry:
    fields: dict[str, Any] = {
        "seq": seq,
        "wall_time": at,
        "sandbox_time": datetime(2026, 1, 1, tzinfo=UTC),
        "operation_id": "getExportJobsListV3",
        "method": "GET",
        "path": "/v3/export-jobs",
        "query": {},
        "path_params": {},
        "request_headers": {},
        "request_body": None,
        "status": status,
        "response_headers": {},
        "response_body": {},
    }
    return JournalEntry(**{**fields, **extra})


def _check(rule_id: str, entries: list[JournalEntry]) -> list[str]:
    context = Context(entries=entries, at_start={}, at_end={}, companies=frozenset())
    return [finding.message for finding in RULES[rule_id].check(context)]


def test_transient_failures_need_a_paced_retry() -> None:
    assert _check("retries-transient-failures", [_entry(1, 0.0, 503), _entry(2, 0.4, 200)]) == []
    assert "never retried" in _check("retries-transient-failures", [_entry(1, 0.0, 502)])[0]
    hasty = _check("retries-transient-failures", [_entry(1, 0.0, 500), _entry(2, 0.01, 200)])
    assert "retried after 10 ms" in hasty[0]


def test_retry_after_is_honoured() -> None:
    limited = _entry(1, 0.0, 429, response_headers={"Retry-After": "2"})
    assert _check("honours-retry-after", [limited, _entry(2, 2.05, 200)]) == []
    assert (
        "asked to retry after 2 s"
        in _check("honours-retry-after", [limited, _entry(2, 0.5, 200)])[0]
    )


def test_a_refusal_repeated_in_a_loop() -> None:
    loop = [_entry(i, i * 0.2, 422) for i in range(1, 4)]
    assert "and 2 more times the same request" in _check("no-retry-loop", loop)[0]
    assert _check("no-retry-loop", loop[:2]) == []


def test_hurried_polling_is_a_warning() -> None:
    polls = [_entry(i, i * 0.1, 200) for i in range(1, 8)]
    assert _check("polls-gently", polls)
    assert _check("no-hot-polling", polls) == []
    assert _check("polls-gently", [_entry(i, i * 60.0, 200) for i in range(1, 8)]) == []
    assert RULES["polls-gently"].severity is Severity.WARNING


def test_a_hot_polling_loop_is_an_error_and_only_that() -> None:
    loop = [_entry(i, i * 0.01, 200) for i in range(1, 41)]  # 100 a second, 40 of them
    found = _check("no-hot-polling", loop)
    assert found and "40 job-list polls in 0.39 s" in found[0]
    assert _check("polls-gently", loop) == []  # the same burst is not reported twice
    assert RULES["no-hot-polling"].severity is Severity.ERROR


def test_a_poll_every_few_seconds_is_neither() -> None:
    paced = [_entry(i, i * 3.0, 200) for i in range(1, 60)]
    assert _check("no-hot-polling", paced) == _check("polls-gently", paced) == []


def test_booking_entries_whose_data_was_never_read() -> None:
    connector = Connector()
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "started")
    entries = connector.items(job["id"])
    connector.put(job["id"], [success(e) for e in entries], read=False)
    connector.event(job["id"], "completed")
    found = connector.findings()
    assert set(found) == {"books-what-it-read"}
    assert (
        f"{len(entries)} entries reported successful without their data"
        in found["books-what-it-read"][0]
    )


def test_a_failed_item_needs_no_data() -> None:
    connector = Connector("partial_errors")
    job = connector.pending_jobs()[0]
    connector.event(job["id"], "started")
    entries = connector.items(job["id"])
    connector.put(job["id"], [failure(e) for e in entries], read=False)
    connector.event(job["id"], "completed_with_errors")
    assert "books-what-it-read" not in connector.findings()


def test_a_missed_expectation_says_why_the_scenario_expects_it() -> None:
    connector = Connector("partial_errors")
    job = connector.pending_jobs()[0]
    connector.process(job)  # books every entry, the two without a vendor too: `completed`
    message = connector.findings()["scenario-expectations"][0]
    vendorless = connector.sandbox.state.entry_ids["no_vendor"]
    assert "expects completed_with_errors, because entry 'no_vendor': 2 entries" in message
    assert "vendor: null" in message and all(entry in message for entry in vendorless)


@pytest.mark.parametrize(
    "scenario, reason",
    [
        ("outage", "the scenario injects status 503 on getExportItemsV3"),
        ("failed", "company 'nordics' has no contra accounts configured"),
        ("pending", "The default: a pending job"),  # nothing odd: the scenario's description
    ],
)
def test_expectation_reasons_come_from_the_scenario(scenario: str, reason: str) -> None:
    sandbox = Sandbox(scenario)
    key = next(iter(sandbox.scenario.expect.final_status))
    assert reason in expectation_reason(sandbox.scenario, key, sandbox.state.entry_ids)
