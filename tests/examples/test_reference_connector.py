"""End to end: examples/reference_connector.py (and its broken variants) against a live sandbox.

Each test starts a sandbox on a loopback port in this process, runs the connector as a
subprocess with the scenario's credentials, and judges the end state through the sandbox's
store and a record of every request the connector made. A WSGI wrapper records the exchanges
and, where a test asks, injects transient faults (429, 503, a response cut off mid-body).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from pleo_export_mock import Sandbox, SandboxConfig, SandboxServer, create_app
from pleo_export_mock.domain.credentials import Credential
from pleo_export_mock.domain.models import ExportJob
from pleo_export_mock.http.connector_env import connector_env
from pleo_export_mock.scenarios.loader import scenario_names

pytestmark = pytest.mark.server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REFERENCE = EXAMPLES / "reference_connector.py"
BROKEN = EXAMPLES / "broken_connector.py"
sys.path.insert(0, str(EXAMPLES))
from broken_connector import BREAKAGES  # noqa: E402

FINAL_EVENTS = {"completed", "completed_with_errors", "failed"}


# -- a recording, fault-injecting wrapper around the sandbox app -------------------------------


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    body: Any  # the request body, parsed
    authorization: str

    @property
    def event(self) -> str | None:
        if self.path == "/v3/export-job-events" and isinstance(self.body, dict):
            return self.body.get("event")
        return None


# A fault sees the request (method, path, parsed body) and answers with one of:
#   None: pass it through; ("status", code, headers): answer that without calling the app;
#   ("cut",): let the app answer, then drop the connection half way through the body.
Fault = Callable[[str, str, Any], tuple[Any, ...] | None]


@dataclass
class Recorder:
    app: Any
    faults: list[Fault] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = _Body(raw)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        exchange = Exchange(
            method,
            path,
            parse_qs(environ.get("QUERY_STRING", "")),
            0,
            body,
            environ.get("HTTP_AUTHORIZATION", ""),
        )
        self.exchanges.append(exchange)
        fault = next((f for f in (rule(method, path, body) for rule in self.faults) if f), None)
        if fault and fault[0] == "status":
            exchange.status = fault[1]
            start_response(
                f"{fault[1]} Injected", [("Content-Type", "application/json"), *fault[2]]
            )
            return [b'{"type": "INJECTED", "message": "injected by the test"}']
        seen: dict[str, Any] = {}

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            exchange.status = int(status.split(" ", 1)[0])
            seen["status"], seen["headers"] = status, headers
            if fault:  # the answer is sent below, once the whole body is known
                return lambda data: None
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording)
        if not fault:
            return result
        whole = b"".join(result)
        headers = [(k, v) for k, v in seen["headers"] if k.lower() != "content-length"]
        promised = max(len(whole), 2)  # a 202 has no body: promise two bytes, send none
        start_response(seen["status"], [*headers, ("Content-Length", str(promised))])
        return [whole[: len(whole) // 2]]  # waitress closes the connection: IncompleteRead

    def calls(self, method: str, path: str = "") -> list[Exchange]:
        return [x for x in self.exchanges if x.method == method and x.path.startswith(path)]

    def events(self) -> list[Exchange]:
        return [x for x in self.exchanges if x.event is not None]


class _Body:
    def __init__(self, raw: bytes) -> None:
        self.raw, self.position = raw, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.raw) if size is None or size < 0 else self.position + size
        chunk, self.position = self.raw[self.position : end], min(end, len(self.raw))
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


# -- running a connector -------------------------------------------------------------------------


class Switch:
    """One server for the module, serving whichever sandbox the current test runs: stopping a
    SandboxServer right after a connector's run takes about a second, once per test otherwise."""

    app: Any = None
    server: SandboxServer | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.app(environ, start_response)  # type: ignore[no-any-return]


SWITCH = Switch()


@pytest.fixture(scope="module", autouse=True)
def _server() -> Iterator[None]:
    with SandboxServer(SWITCH) as server:  # type: ignore[arg-type]
        SWITCH.server = server
        yield
    SWITCH.server = None


@dataclass
class Run:
    sandbox: Sandbox
    recorder: Recorder
    process: subprocess.CompletedProcess[str]
    seconds: float

    @property
    def log(self) -> str:
        return self.process.stderr

    def job(self, key: str) -> ExportJob:
        return self.sandbox.store.job(self.sandbox.state.job_ids[key])


def credential(sandbox: Sandbox, kind: str = "api_key", company: str | None = None) -> Credential:
    company_id = sandbox.company_id(company) if company else None
    return next(
        c
        for c in sandbox.state.credentials
        if c.kind.value == kind and (company_id is None or c.company_ids == (company_id,))
    )


def run_connector(
    scenario: str | Sandbox,
    *args: str,
    script: Path = REFERENCE,
    cred: Callable[[Sandbox], Credential] = credential,
    company: str | None = None,
    env: dict[str, str] | None = None,
    faults: Iterable[Fault] = (),
) -> Run:
    if isinstance(scenario, Sandbox):
        sandbox = scenario
    else:
        sandbox = Sandbox(scenario, SandboxConfig(clock="running"))
    recorder = Recorder(create_app(sandbox), list(faults))
    chosen = cred(sandbox)
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("PLEO_", "BROKEN_"))}
    secret = "PLEO_API_KEY" if chosen.kind.value == "api_key" else "PLEO_ACCESS_TOKEN"
    company_id = sandbox.company_id(company) if company else chosen.company_ids[0]
    assert SWITCH.server is not None
    SWITCH.app = recorder
    variables |= {"PLEO_API_URL": SWITCH.server.url, secret: chosen.secret}
    variables |= {"PLEO_COMPANY_ID": company_id, **(env or {})}
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, str(script), *args],
        env=variables,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    return Run(sandbox, recorder, process, seconds)


def statuses(job: ExportJob) -> Counter[str]:
    return Counter(item.outcome.status.value for item in job.items)


def successful_puts(run: Run) -> Counter[str]:
    """How often each entry was sent as successful in an accepted PUT."""
    sent: Counter[str] = Counter()
    for put in run.recorder.calls("PUT"):
        if put.status == 200 and isinstance(put.body, list):
            sent.update(u["accountingEntryId"] for u in put.body if u["status"] == "successful")
    return sent


def assert_well_behaved(run: Run, refusals: Iterable[int] = ()) -> None:
    """What every reference run must show, whatever the scenario."""
    assert run.process.returncode == 0, run.log
    for call in run.recorder.calls("GET", "/v3/export-jobs"):
        assert "status" not in call.query
    assert not run.recorder.calls("POST", "/v3/export-jobs")
    assert all(len(put.body) <= 100 for put in run.recorder.calls("PUT"))
    refused = [(x.method, x.path, x.status) for x in run.recorder.exchanges if x.status >= 400]
    assert [status for *_, status in refused] == list(refusals), refused
    finals = Counter(x.body["jobId"] for x in run.recorder.events() if x.event in FINAL_EVENTS)
    assert set(finals.values()) <= {1}
    assert max(successful_puts(run).values(), default=1) == 1


# -- the reference connector, scenario by scenario ---------------------------------------------


def test_pending_job_completes_with_every_item_booked() -> None:
    run = run_connector("pending")
    assert_well_behaved(run)
    job = run.job("export")
    assert job.status.value == "completed" and statuses(job) == {"successful": 5}
    now = run.sandbox.now()
    for item in job.items:
        assert item.outcome.external_id and item.outcome.external_url and item.outcome.exported_at
        assert item.outcome.exported_at <= now + timedelta(seconds=2)
    assert [x.event for x in run.recorder.events()] == ["started", "completed"]
    assert len(run.sandbox.queue("acme")) == 2  # the queued entries are in no job


def test_partial_errors_fail_exactly_the_vendorless_invoices() -> None:
    run = run_connector("partial_errors")
    assert_well_behaved(run)
    job = run.job("export")
    assert job.status.value == "completed_with_errors"
    failed = {i.accounting_entry_id: i for i in job.items if i.outcome.status.value == "failed"}
    assert set(failed) == set(run.sandbox.state.entry_ids["no_vendor"])
    assert {
        (i.outcome.failure_reason_type, bool(i.outcome.failure_reason)) for i in failed.values()
    } == {("vendor_unknown", True)}
    assert statuses(job)["successful"] == len(job.items) - 2


def test_failed_scenario_fails_the_pending_job_and_leaves_history_alone() -> None:
    sandbox = Sandbox("failed", SandboxConfig(clock="running"))
    history = sandbox.store.job(sandbox.state.job_ids["last_week"])
    before = (history.status, history.completed_at, history.failure_reason_type, statuses(history))
    run = run_connector(sandbox)
    assert_well_behaved(run, refusals=[400])  # GET export-items: MISSING_CONTRA_ACCOUNTS
    job = run.job("retry")
    assert (job.status.value, job.failure_reason_type) == ("failed", "missing_configuration")
    assert job.failure_reason
    after = (history.status, history.completed_at, history.failure_reason_type, statuses(history))
    assert after == before
    assert not [x for x in run.recorder.exchanges if history.id in x.path + json.dumps(x.body)]
    assert [x.event for x in run.recorder.events()] == ["started", "failed"]
    assert not run.recorder.calls("PUT")


def test_recovery_resumes_in_progress_job_without_resending_booked_items() -> None:
    sandbox = Sandbox("in_progress_recovery", SandboxConfig(clock="running"))
    job = sandbox.store.job(sandbox.state.job_ids["running"])
    booked = {
        e for key in ("booked_1", "booked_2", "booked_3") for e in sandbox.state.entry_ids[key]
    }
    before = {
        i.accounting_entry_id: (i.outcome.external_id, i.outcome.exported_at) for i in job.items
    }
    run = run_connector(sandbox)
    assert_well_behaved(run)
    assert job.status.value == "completed" and statuses(job) == {"successful": 6}
    after = {
        i.accounting_entry_id: (i.outcome.external_id, i.outcome.exported_at) for i in job.items
    }
    assert {e: after[e] for e in booked} == {e: before[e] for e in booked}
    assert after[sandbox.state.entry_ids["booked_3"][0]][0] == "JNL-000317"
    assert not set(successful_puts(run)) & booked
    assert [x.event for x in run.recorder.events()] == ["completed"]  # no second `started`
    assert run.job("yesterday").status.value == "completed"


def test_large_job_reads_every_page_and_batches_by_100() -> None:
    run = run_connector("large")
    assert_well_behaved(run)
    job = run.job("export")
    assert job.status.value == "completed" and statuses(job) == {"successful": 12_000}
    item_pages = run.recorder.calls("GET", f"/v3/export-jobs/{job.id}/items")
    assert len(item_pages) == 120  # default page of 100
    assert len(run.recorder.calls("PUT")) == 120
    first_put = run.recorder.exchanges.index(run.recorder.calls("PUT")[0])
    assert run.recorder.exchanges.index(item_pages[-1]) < first_put  # all pages before work


def test_multi_company_key_exports_only_its_company() -> None:
    run = run_connector("multi_company", cred=lambda s: credential(s, company="dk"))
    assert_well_behaved(run)
    assert run.job("dk_export").status.value == "completed"
    assert run.job("se_export").status.value == run.job("uk_export").status.value == "pending"


def test_multi_entity_key_with_company_id_and_a_bearer_token() -> None:
    def group_key(sandbox: Sandbox) -> Credential:
        return next(c for c in sandbox.state.credentials if len(c.company_ids) == 2)

    run = run_connector("multi_company", cred=group_key, company="se")
    assert_well_behaved(run)
    assert [run.job(k).status.value for k in ("dk_export", "se_export", "uk_export")] == [
        "pending",
        "completed",
        "pending",
    ]
    token = run_connector("multi_company", cred=lambda s: credential(s, "bearer", "uk"))
    assert_well_behaved(token)
    assert token.job("uk_export").status.value == "completed"
    assert token.recorder.exchanges[0].authorization.startswith("Bearer ")


def test_expiring_jobs_are_finished_in_time() -> None:
    sandbox = Sandbox("expiring", SandboxConfig(clock="running"))
    for company in ("late", "waiting"):
        run = run_connector(sandbox, cred=lambda s, c=company: credential(s, company=c))
        assert_well_behaved(run)
    assert run.job("stalled").status.value == run.job("old_pending").status.value == "completed"
    assert statuses(run.job("stalled")) == {"successful": 6}


# -- transient failures, configuration ----------------------------------------------------------


def every(method: str, path_part: str, answer: tuple[Any, ...], times: int = 10**9) -> Fault:
    left = [times]

    def fault(m: str, path: str, body: Any) -> tuple[Any, ...] | None:
        if m == method and path_part in path and left[0] > 0:
            left[0] -= 1
            return answer
        return None

    return fault


def test_retries_503_and_honours_retry_after() -> None:
    fault = every("GET", "/v3/export-jobs", ("status", 503, [("Retry-After", "0")]), times=2)
    run = run_connector("pending", faults=[fault])
    assert run.process.returncode == 0, run.log
    assert run.job("export").status.value == "completed"
    assert [x.status for x in run.recorder.exchanges[:3]] == [503, 503, 200]


def test_gives_up_on_persistent_429_and_fails_the_job_with_pleo_rate_limit() -> None:
    fault = every("PUT", "/items", ("status", 429, [("Retry-After", "0")]))
    run = run_connector("pending", faults=[fault])
    assert run.process.returncode == 0, run.log
    job = run.job("export")
    assert (job.status.value, job.failure_reason_type) == ("failed", "pleo_rate_limit")
    assert len(run.recorder.calls("PUT")) == 5
    assert [x.event for x in run.recorder.events()] == ["started", "failed"]


def test_a_put_whose_answer_is_lost_is_not_resent_for_successful_items() -> None:
    run = run_connector("pending", faults=[every("PUT", "/items", ("cut",), times=1)])
    assert run.process.returncode == 0, run.log
    assert run.job("export").status.value == "completed"
    assert len(run.recorder.calls("PUT")) == 1  # applied, answer cut; the retry found it landed
    assert max(successful_puts(run).values()) == 1
    assert "retrying" in run.log


def test_a_lost_started_answer_is_recognised_on_retry() -> None:
    fault = every("POST", "/v3/export-job-events", ("cut",), times=1)
    run = run_connector("pending", faults=[fault])
    assert run.process.returncode == 0, run.log
    assert run.job("export").status.value == "completed"
    assert [(x.event, x.status) for x in run.recorder.events()] == [
        ("started", 202),
        ("started", 422),
        ("completed", 202),
    ]


def test_erp_outage_fails_the_job_as_accounting_system_unreachable() -> None:
    run = run_connector("pending", env={"FAKE_ERP_UNREACHABLE": "1"})
    assert run.process.returncode == 0, run.log
    job = run.job("export")
    assert (job.status.value, job.failure_reason_type) == (
        "failed",
        "accounting_system_unreachable",
    )


def test_missing_credentials_exit_2() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEO_")}
    process = subprocess.run(
        [sys.executable, str(REFERENCE)], env=env, capture_output=True, text=True, timeout=30
    )
    assert process.returncode == 2 and "PLEO_API_KEY" in process.stderr


# -- broken variants: each does what it says -------------------------------------------------


def _first(items: Iterator[Exchange] | list[Exchange]) -> Exchange:
    return next(iter(items))


def check_broken(rule: str, run: Run) -> None:
    """A light check per rule that the variant made its mistake (the verifier judges it)."""
    x = run.recorder
    jobs = run.sandbox.store.jobs()
    events = [(e.event, e.status) for e in x.events()]
    if rule == "no-job-creation":
        assert [c.status for c in x.calls("POST", "/v3/export-jobs")] == [201]
        assert len(jobs) == 2
    elif rule == "eligible-jobs-only":
        history = run.job("last_week")
        touched = [e for e in x.events() if e.body.get("jobId") == history.id]
        assert touched and touched[0].status == 422 and history.status.value == "failed"
    elif rule == "oldest-first":
        newest = max(jobs, key=lambda j: (j.created_at, j.sequence))
        assert _first(x.events()).body["jobId"] == newest.id
    elif rule == "one-job-at-a-time":
        assert [e for e, _ in events[:2]] == ["started", "started"]
    elif rule == "started-before-updates":
        first_put = x.calls("PUT")[0]
        assert first_put.status == 422
        assert x.exchanges.index(first_put) < x.exchanges.index(_first(x.events()))
    elif rule == "read-all-item-pages":
        later_page = next(c for c in x.calls("GET", "/v3/export-jobs/") if "after" in c.query)
        assert x.exchanges.index(x.calls("PUT")[0]) < x.exchanges.index(later_page)
        assert statuses(jobs[0]) == {"successful": 250}
    elif rule == "all-items-reported":
        assert statuses(jobs[0])["abandoned"] == 1 and events[-1] == ("completed", 202)
    elif rule == "batch-limit":
        assert [(len(c.body), c.status) for c in x.calls("PUT") if len(c.body) > 100] == [
            (150, 413)
        ]
        assert jobs[0].status.value == "completed"
    elif rule == "success-has-external-id":
        assert {i.outcome.external_id for i in jobs[0].items} == {None}
    elif rule == "success-has-external-url":
        assert {i.outcome.external_url for i in jobs[0].items} == {None}
    elif rule == "exported-at-plausible":
        tomorrow = datetime.now(UTC) + timedelta(hours=20)
        assert all(
            i.outcome.exported_at and i.outcome.exported_at > tomorrow for i in jobs[0].items
        )
    elif rule == "failure-has-reason":
        failed = [i for i in jobs[0].items if i.outcome.status.value == "failed"]
        assert len(failed) == 2 and {i.outcome.failure_reason_type for i in failed} == {None}
    elif rule == "no-duplicate-success":
        # after each lost answer the batch is booked again: new voucher numbers, refused by Pleo
        rebooked = [
            u
            for put in x.calls("PUT")
            if isinstance(put.body, list)
            for u in put.body
            if str(u.get("externalId", "")).endswith("-again")
        ]
        assert rebooked and jobs[0].status.value == "completed"
    elif rule == "retries-transient-failures":
        journal = list(run.sandbox.journal)
        gaps = [
            b.wall_time - a.wall_time for a, b in itertools.pairwise(journal) if a.status >= 500
        ]
        assert gaps and min(gaps) < 0.05 and jobs[0].status.value == "completed"
    elif rule == "honours-retry-after":
        journal = list(run.sandbox.journal)
        waits = [
            b.wall_time - a.wall_time for a, b in itertools.pairwise(journal) if a.status == 429
        ]
        assert waits and max(waits) < 1 and jobs[0].status.value == "completed"
    elif rule == "gives-up-with-reason":
        failed = [e for e in x.events() if e.event == "failed"]
        assert failed and failed[0].body["failureReasonType"] == "invalid_configuration"
    elif rule == "one-final-event":
        assert events[-2:] == [("completed", 202), ("completed", 422)]
    elif rule == "final-event-agrees":
        assert jobs[0].status.value == "completed" and statuses(jobs[0])["failed"] == 2
    elif rule == "failed-event-has-reason":
        failed = [e for e in x.events() if e.event == "failed"]
        assert failed and "failureReasonType" not in failed[0].body and failed[0].status == 202
    elif rule == "started-once":
        assert events.count(("started", 422)) == 1
        assert run.job("running").status.value == "completed"
    elif rule == "no-retry-loop":
        stale = [c.status for c in x.calls("GET", "/v3/export-jobs/0f0e0d0c")]
        assert stale == [404] * 4 and jobs[0].status.value == "completed"
    elif rule == "polls-gently":
        assert len(x.calls("GET", "/v3/export-jobs")) >= 20
    elif rule == "no-hot-polling":
        lists = [c for c in x.calls("GET") if c.path == "/v3/export-jobs"]
        assert len(lists) >= 200 and jobs[0].status.value == "completed"
    elif rule == "books-what-it-read":
        assert not [c for c in x.calls("GET") if c.path == "/v3/export-items"]
        assert jobs[0].status.value == "completed"
    elif rule == "valid-requests":
        first_put = x.calls("PUT")[0]
        assert isinstance(first_put.body, dict) and first_put.status == 400
    elif rule == "no-deprecated-status":
        lists = [c for c in x.calls("GET") if c.path == "/v3/export-jobs"]
        assert lists and all("status" in c.query and "statuses" not in c.query for c in lists)
    elif rule == "uses-job-id-key":
        first = _first(x.events())
        assert "exportJobId" in first.body and first.status == 400
    elif rule == "pinned-api-versions":
        assert [c.status for c in x.calls("GET", "/v2/")] == [403]
        assert jobs[0].status.value == "completed"
    elif rule == "authenticates":
        assert x.exchanges[0].status == 401 and x.exchanges[1].status == 200
    elif rule == "uses-current-api":
        claims = x.calls("POST", "/v1/export-job-events")
        assert claims and all(c.status == 202 for c in claims)
        assert x.calls("PUT", "/v3/") and jobs[0].status.value == "completed"
    elif rule.startswith("oauth-"):
        check_broken_oauth(rule, x)
    elif rule == "names-company":
        first = x.calls("GET", "/v3/export-jobs")[0]
        assert "company_id" not in first.query and first.status == 400
        assert run.job("uk_export").status.value == "completed"
    else:
        raise AssertionError(f"no check for {rule}")


def check_broken_oauth(rule: str, x: Recorder) -> None:
    authorizations = x.calls("GET", "/oauth/authorize")
    tokens = [t.status for t in x.calls("POST", "/oauth/token")]
    if rule == "oauth-pkce-state":
        assert "code_challenge" not in authorizations[0].query
        assert "code_challenge" in authorizations[1].query
    elif rule == "oauth-refreshes":
        # a forged redirect, the sign-in, and a second sign-in instead of a refresh
        assert len(authorizations) == 3 and tokens == [200, 200]
    elif rule == "oauth-no-refresh-replay":
        assert tokens == [200, 200, 400]  # sign in, refresh, the stale copy refused
    elif rule == "oauth-no-401-loop":
        refused = [e.status for e in x.exchanges if e.path.startswith("/v3/")]
        assert refused.count(401) == 3


def oauth_env(sandbox: Sandbox, company: str | None = None) -> dict[str, str]:
    """What `verify` gives a connector to sign in with OAuth (PLEO_AUTH_URL is the sandbox)."""
    assert SWITCH.server is not None
    company_id = sandbox.company_id(company) if company else sandbox.store.companies()[0].id
    client = sandbox.state.oauth.client_for(company_id)
    assert client is not None
    return connector_env(SWITCH.server.url, company_id, [], client)


@pytest.mark.parametrize("rule", sorted(BREAKAGES))
def test_broken_variant_does_what_it_says(rule: str) -> None:
    scenario = BREAKAGES[rule]
    if scenario not in scenario_names():
        pytest.skip(f"scenario {scenario!r} is not shipped yet")
    sandbox = Sandbox(scenario, SandboxConfig(clock="running"))
    env = oauth_env(sandbox) if rule.startswith("oauth-") else None
    run = run_connector(sandbox, "--break", rule, script=BROKEN, env=env)
    assert run.process.returncode in (0, 1), run.log
    assert "Traceback" not in run.log, run.log
    check_broken(rule, run)
    if rule != "no-job-creation":  # it leaves the job it created pending
        # The company run_connector names: an organisation credential also reaches sister
        # companies, whose jobs are not this connector's to export.
        mine = credential(sandbox).company_ids[:1]
        open_jobs = [
            j
            for j in run.sandbox.store.jobs()
            if j.status.value in ("pending", "in_progress") and j.company_id in mine
        ]
        assert not open_jobs, rule  # otherwise correct: every job reached a final state


def test_every_rule_id_has_a_variant() -> None:
    listed = subprocess.run(
        [sys.executable, str(BROKEN), "--list"], capture_output=True, text=True, timeout=30
    )
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(BREAKAGES)
    assert len(BREAKAGES) == 35  # 30, the four oauth-* rules and names-company


# -- OAuth mode ----------------------------------------------------------------------------


def test_oauth_mode_signs_in_with_pkce_and_uses_the_access_token() -> None:
    sandbox = Sandbox("pending", SandboxConfig(clock="running"))
    run = run_connector(sandbox, env=oauth_env(sandbox))
    assert_well_behaved(run)
    (authorization,) = run.recorder.calls("GET", "/oauth/authorize")
    assert authorization.query["code_challenge_method"] == ["S256"]
    assert authorization.query["state"][0]
    api = [x for x in run.recorder.exchanges if x.path.startswith("/v3/")]
    assert api and all(x.authorization.startswith("Bearer ey") for x in api)  # a JWT
    assert run.job("export").status.value == "completed"


def test_oauth_mode_refreshes_once_when_the_token_expires_mid_job() -> None:
    sandbox = Sandbox("oauth_expiring", SandboxConfig(clock="running"))
    run = run_connector(sandbox, env=oauth_env(sandbox))
    assert_well_behaved(run, refusals=[401])
    tokens = run.recorder.calls("POST", "/oauth/token")
    assert [t.status for t in tokens] == [200, 200]  # the sign-in, then one refresh
    forged, real = run.recorder.calls("GET", "/oauth/authorize")  # the forged code is dropped
    assert forged.query["state"] != real.query["state"]
    assert run.job("export").status.value == "completed"


def test_oauth_mode_stops_when_the_admin_refuses() -> None:
    sandbox = Sandbox("pending", SandboxConfig(clock="running"))
    sandbox.state.oauth.deny_next = 1
    run = run_connector(sandbox, env=oauth_env(sandbox))
    assert run.process.returncode == 1
    assert "access_denied" in run.log and "Traceback" not in run.log
    assert not [x for x in run.recorder.exchanges if x.path.startswith("/v3/")]
