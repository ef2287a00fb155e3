"""A scenario's timeline: jobs that appear while the connector runs, on the sandbox clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.delivery.receiver import Receiver
from werkzeug.test import Client

from pleo_export_mock.domain.models import JobEvent, JobStatus
from pleo_export_mock.errors import ToolError
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import DEFAULT_START, Sandbox, SandboxConfig
from pleo_export_mock.scenarios.loader import load_scenario_text

SCENARIO = """\
name: timeline
description: Jobs that appear while the connector runs.
seed: 11
companies:
  - key: acme
    name: Acme ApS
  - key: globex
    name: Globex ApS
    contra_accounts_configured: false
timeline:
  - {at: +1m, company: acme, export: 3}
  - {at: +5s, company: acme, export: 20}
  - {at: +2m, company: globex, export: 1}
"""


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(load_scenario_text(SCENARIO, "timeline.yaml"))
    yield sandbox
    sandbox.close()


def _jobs(sandbox: Sandbox) -> list[tuple[int, str]]:
    return [
        (job.number_of_items, str(job.created_at - DEFAULT_START)) for job in sandbox.store.jobs()
    ]


def test_steps_play_in_time_order_at_their_own_moment(sandbox: Sandbox) -> None:
    assert sandbox.store.jobs() == []
    sandbox.advance_clock(4)
    assert sandbox.store.jobs() == []
    sandbox.advance_clock(1)
    assert _jobs(sandbox) == [(20, "0:00:05")]
    job = sandbox.store.jobs()[0]
    sandbox.store.apply_event((job.company_id,), job.id, JobEvent.FAILED)
    sandbox.advance_clock(3600)  # passes +1m and +2m: each is played at its own moment
    assert _jobs(sandbox) == [(20, "0:00:05"), (3, "0:01:00")]
    assert sandbox.now() == DEFAULT_START + timedelta(seconds=3605)


def test_a_blocked_step_waits_for_the_open_job_and_a_refused_one_says_why(
    sandbox: Sandbox,
) -> None:
    sandbox.advance_clock(60)  # +5s made a pending job: +1m must wait for it
    steps = Client(create_app(sandbox)).get("/_mock/timeline").json["data"]
    assert [s["status"] for s in steps] == ["played", "blocked", "waiting"]
    assert steps[0]["jobId"] == sandbox.store.jobs()[0].id
    assert steps[1]["note"].startswith("waiting: job ")
    first = sandbox.store.jobs()[0]
    sandbox.store.apply_event((first.company_id,), first.id, JobEvent.FAILED)
    assert len(sandbox.play_timeline()) == 1
    entries = len(sandbox.store.entries(first.company_id))
    assert entries == 23  # the blocked step made its entries once, not at every try
    sandbox.advance_clock(60)
    steps = sandbox.timeline.describe()
    assert steps[2]["status"] == "refused" and "contra accounts" in steps[2]["note"].lower()
    assert not sandbox.timeline.pending


def test_a_reset_plays_the_timeline_again_from_the_start(sandbox: Sandbox) -> None:
    sandbox.advance_clock(5)
    played = [job.id for job in sandbox.store.jobs()]
    sandbox.reset()
    assert sandbox.store.jobs() == []
    sandbox.advance_clock(5)
    assert [job.id for job in sandbox.store.jobs()] == played  # same seed, same ids


def test_on_a_running_clock_a_ticker_plays_it() -> None:
    text = SCENARIO.replace("+1m", "+1s").replace("+5s", "+2m")
    sandbox = Sandbox(load_scenario_text(text, "timeline.yaml"), SandboxConfig(clock="running"))
    try:
        deadline = 200  # tenths of a second at most; the step is due after one second
        while not sandbox.store.jobs() and deadline:
            time.sleep(0.1)
            deadline -= 1
        [job] = sandbox.store.jobs()
        assert (job.number_of_items, job.status) == (3, JobStatus.PENDING)
    finally:
        sandbox.close()
    assert sandbox._ticker is not None and not sandbox._ticker.is_alive()


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        ("{at: +5s, company: nobody, export: 1}", "timeline[0].company"),
        ("{at: 5s, company: acme, export: 1}", "timeline[0].at"),
        ("{at: +5s, company: acme, export: 0}", "timeline[0].export"),
    ],
)
def test_a_bad_step_is_refused_naming_its_place(step: str, reason: str) -> None:
    text = SCENARIO.split("timeline:")[0] + f"timeline:\n  - {step}\n"
    with pytest.raises(ToolError) as refused:
        load_scenario_text(text, "timeline.yaml")
    assert "timeline.yaml" in str(refused.value) and reason in str(refused.value)


def test_a_job_the_timeline_creates_is_delivered_to_subscribers(sandbox: Sandbox) -> None:
    client = Client(create_app(sandbox))
    acme = next(c for c in sandbox.state.credentials if c.label.startswith("acme"))
    with Receiver() as receiver:
        body = {"endpointUrl": receiver.url, "eventTypes": ["v1.export-job.created"]}
        client.post(
            "/v1/subscriptions", json=body, headers={"Authorization": authorization_header(acme)}
        )
        sandbox.advance_clock(5)
        assert sandbox.outbox.wait_idle()
    [delivery] = receiver.received
    assert sandbox.store.jobs()[0].id.encode() in delivery.body


def test_a_timeline_makes_at_most_twenty_thousand_entries() -> None:
    steps = "".join(f"  - {{at: +{n}h, company: acme, export: 10000}}\n" for n in (1, 2, 3))
    text = SCENARIO.split("timeline:\n")[0] + "timeline:\n" + steps
    with pytest.raises(ToolError) as refused:
        load_scenario_text(text, "big.yaml")
    assert "timeline[2].export" in str(refused.value)
    assert "the timeline's exports pass 20,000 entries here" in str(refused.value)
    load_scenario_text(text.rsplit("  - ", 1)[0], "big.yaml")  # two steps: 20,000 in all
