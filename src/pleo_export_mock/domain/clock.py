"""Sandbox time. Domain code never reads the wall clock; it asks a Clock."""

from __future__ import annotations

import functools
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .errors import ClockOutOfRange

# The sandbox's calendar. A clock starts between the Unix epoch and the year 9000: every
# scenario offset (at most about 410 years, scenarios/schema.json) and centuries of advances
# stay inside what a datetime holds. It stops at LATEST_TIME, which leaves room for the hour
# of a job's expiry and the year of a token's life.
EARLIEST_START = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_START = datetime(9000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(9998, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> datetime: ...


class FrozenClock:
    """Stands still until advanced: the default for tests, so bytes repeat exactly."""

    def __init__(self, start: datetime) -> None:
        self._now = _utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._now = within_calendar(self._now, delta)
            return self._now


class RunningClock:
    """Ticks with real time from `start`, and can be pushed forward (for `serve`)."""

    def __init__(self, start: datetime) -> None:
        self._start = _utc(start)
        self._origin = time.monotonic()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        elapsed = timedelta(seconds=time.monotonic() - self._origin)
        return (self._start + elapsed + self._offset).replace(microsecond=0)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            within_calendar(self.now(), delta)  # refused, unmoved, past the calendar's end
            self._offset += delta
        return self.now()


def check_start(start: datetime) -> None:
    """A clock may start here: inside the calendar above. ValueError says where it may."""
    if not EARLIEST_START <= _utc(start) <= LATEST_START:
        raise ValueError(
            f"{format_timestamp(start)} is outside the sandbox's calendar: a clock starts "
            f"from {format_timestamp(EARLIEST_START)} to {format_timestamp(LATEST_START)}"
        )


def within_calendar(now: datetime, delta: timedelta) -> datetime:
    """`now` moved by `delta`, or ClockOutOfRange if that passes LATEST_TIME."""
    if delta > LATEST_TIME - now:  # compared before adding: the sum itself may not exist
        raise ClockOutOfRange(
            f"The sandbox clock stops at {format_timestamp(LATEST_TIME)}; it is "
            f"{format_timestamp(now)}, and {delta.total_seconds():g} s more would pass that."
        )
    return now + delta


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("sandbox times must carry a timezone")
    return moment.astimezone(UTC)


# A job's times are answered again at every poll: formatting each once is a tenth of a GET.
@functools.lru_cache(maxsize=8192)
def format_timestamp(moment: datetime) -> str:
    """Pleo's wire form: UTC, second precision, trailing Z, the year in four digits (strftime's
    %Y gives `958` for the year 958 on Linux, which is no RFC 3339 date-time)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def format_timestamp_ms(moment: datetime) -> str:
    """UTC, millisecond precision, trailing Z: the form HAR files give when a request started."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
