"""`verify --service`: a webhook connector that lives while Pleo's users press Export."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from pleo_export_mock.cli import main
from pleo_export_mock.domain.models import JobEvent
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.verify.runner import VerifyOptions, verify
from pleo_export_mock.verify.service import ServiceWatch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SERVICE = (sys.executable, str(EXAMPLES / "webhook_connector.py"))
sys.path.insert(0, str(EXAMPLES))
from broken_webhook_connector import BREAKAGES as WEBHOOK_BREAKAGES  # noqa: E402

NEVER_POLLS = "reconciles-by-polling"  # the variant that runs to its time-out


@pytest.mark.slow(seconds=8)  # a connector served for seconds, mostly waiting on deliveries
def test_the_webhook_connector_passes_the_webhooks_scenario_as_a_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLEO_RECONCILE_SECONDS", "2")  # the forged job is found by a poll
    outcome = verify(VerifyOptions("webhooks", SERVICE, timeout=60, service=True))
    run = outcome.run
    assert run is not None and run.exit_code == 0 and not run.timed_out, run.stderr[-3000:]
    assert outcome.verdict.findings == (), [f.message for f in outcome.verdict.findings]
    journal = outcome.journal
    subscribed = next(e for e in journal if e.operation_id == "createSubscription")
    started = Counter(
        e.request_body["jobId"]
        for e in journal
        if e.operation_id == "createExportJobEventV3" and e.request_body["event"] == "started"
    )
    assert len(started) == 4 and set(started.values()) == {1}  # the duplicate processed once
    deliveries = [e for e in journal if e.direction == "outbound"]
    forged = [e for e in deliveries if e.fault_kind == "bad_signature"]
    # Refused; its retry 5 s later may find the connector already stopped (no answer at all).
    assert forged and forged[0].status == 401, [(e.seq, e.status) for e in forged]
    assert all(e.status in (401, 0) for e in forged), [(e.seq, e.status) for e in forged]
    sent = [e for e in deliveries if e.fault_kind != "lost"]
    doubled = Counter(e.request_headers["webhook-id"] for e in sent)
    assert 2 in doubled.values()
    assert len(sent) < len(deliveries)  # one never arrived: its job was found by a poll
    # The timeline waited for the connector: every announced job came after it subscribed.
    assert all(e.seq > subscribed.seq for e in deliveries)


@pytest.mark.slow(seconds=8)
@pytest.mark.parametrize(
    "rule_id",
    [
        pytest.param(r, marks=pytest.mark.slow(seconds=25)) if r == NEVER_POLLS else r
        for r in sorted(WEBHOOK_BREAKAGES)
    ],
)
def test_each_broken_webhook_connector_is_caught_by_its_rule_only(
    monkeypatch: pytest.MonkeyPatch, rule_id: str
) -> None:
    monkeypatch.setenv("PLEO_RECONCILE_SECONDS", "2")
    command = (sys.executable, str(EXAMPLES / "broken_webhook_connector.py"), "--break", rule_id)
    # A service is stopped at the time-out too; the variant that never polls runs to it.
    outcome = verify(VerifyOptions(WEBHOOK_BREAKAGES[rule_id], command, timeout=25, service=True))
    flagged = {finding.rule_id for finding in outcome.verdict.errors}
    assert rule_id in flagged, outcome.run.stderr[-2000:] if outcome.run else ""
    # A job left unfinished also misses the scenario's expectation: the same mistake, restated.
    assert flagged - {rule_id, "scenario-expectations"} == set(), [
        f.message for f in outcome.verdict.errors
    ]


def test_the_timeline_waits_for_readiness_and_the_watch_says_when_done() -> None:
    sandbox = Sandbox("webhooks", SandboxConfig(clock="frozen", hold_timeline=True))
    watch = ServiceWatch(sandbox, sandbox.company_id("acme"), ready_url="http://127.0.0.1:9/")
    sandbox.advance_clock(60)
    assert not watch() and len(sandbox.store.jobs()) == 1  # held: nothing played
    watch.ready = True
    sandbox.start_timeline()
    sandbox.advance_clock(1)
    assert not watch()  # jobs are open
    for _ in range(4):  # a user can press Export again only once the open job is done
        for job in sandbox.store.jobs():
            if job.status.is_open:
                sandbox.store.apply_event((job.company_id,), job.id, JobEvent.FAILED)
        sandbox.advance_clock(5)
    assert len(sandbox.store.jobs()) == 4 and watch()
    sandbox.close()


def test_ready_url_goes_with_service(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--scenario", "webhooks", "--ready-url", "http://x/", "--", "true"]) == 2
    assert "--ready-url goes with --service" in capsys.readouterr().err
