"""The sandbox's calendar: a clock starts inside it and stops before datetime's end.

Past it, an hour's expiry or a year's token would be no date at all: Python raises
OverflowError, which the server would answer with a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.test import Client

from pleo_export_mock.domain.clock import (
    EARLIEST_START,
    LATEST_START,
    LATEST_TIME,
    FrozenClock,
    RunningClock,
)
from pleo_export_mock.domain.errors import ClockOutOfRange
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox, SandboxConfig

YEAR = 365 * 86_400  # the control plane's largest advance


@pytest.mark.parametrize("clock_type", [FrozenClock, RunningClock])
def test_a_clock_stops_at_the_end_of_the_calendar(clock_type: type[FrozenClock]) -> None:
    clock = clock_type(LATEST_TIME - timedelta(days=1))
    before = clock.now()
    with pytest.raises(ClockOutOfRange, match="stops at 9998-01-01T00:00:00Z"):
        clock.advance(timedelta(days=2))
    assert clock.now() - before < timedelta(seconds=2)  # it did not move
    assert clock.advance(timedelta(hours=1)) > before


@pytest.mark.parametrize(
    "start",
    [
        EARLIEST_START - timedelta(seconds=1),
        LATEST_START + timedelta(seconds=1),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_a_start_outside_the_calendar_is_refused(start: datetime) -> None:
    with pytest.raises(ValueError, match="outside the sandbox's calendar"):
        SandboxConfig(start=start)


def test_both_ends_of_the_calendar_can_start_and_load_any_shipped_offset() -> None:
    for start in (EARLIEST_START, LATEST_START):
        sandbox = Sandbox("backlog", SandboxConfig(start=start))
        assert sandbox.now() == start


def test_advancing_past_the_end_over_http_is_400_and_changes_nothing() -> None:
    sandbox = Sandbox("pending", SandboxConfig(start=LATEST_START))
    while LATEST_TIME - sandbox.now() > timedelta(seconds=YEAR):
        sandbox.advance_clock(YEAR)
    client = Client(create_app(sandbox))
    before = client.get("/_mock/clock").json
    refused = client.post("/_mock/clock/advance", json={"seconds": YEAR})
    assert (refused.status_code, refused.json["type"]) == (400, "CLOCK_OUT_OF_RANGE")
    assert "The sandbox clock stops at 9998-01-01T00:00:00Z" in refused.json["message"]
    assert client.get("/_mock/clock").json == before


@pytest.mark.parametrize("seconds", [1e20, float("nan"), float("inf")])
def test_an_advance_by_no_real_time_is_refused_and_moves_nothing(seconds: float) -> None:
    sandbox = Sandbox("pending")
    before = sandbox.now()
    with pytest.raises(ClockOutOfRange, match="cannot move by"):
        sandbox.advance_clock(seconds)
    assert sandbox.now() == before
