"""HAR gives when each request started in UTC with milliseconds; Pleo's own form has seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from pleo_export_mock.domain.clock import format_timestamp, format_timestamp_ms
from pleo_export_mock.journal.export import to_har
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api

HAR_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_milliseconds_in_utc_with_a_trailing_z() -> None:
    moment = datetime(2026, 1, 15, 10, 0, 5, 123_987, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp_ms(moment) == "2026-01-15T09:00:05.123Z"
    assert format_timestamp_ms(moment.replace(microsecond=0)) == "2026-01-15T09:00:05.000Z"
    assert format_timestamp(moment) == "2026-01-15T09:00:05Z"


def test_har_entries_start_at_their_wall_time(api: Api, sandbox: Sandbox) -> None:
    api("GET", "/v3/export-jobs")
    entry = sandbox.journal[0]
    started = to_har(sandbox.journal)["log"]["entries"][0]["startedDateTime"]
    assert HAR_TIME.fullmatch(started)
    wall = datetime.fromtimestamp(entry.wall_time, UTC)
    assert started == format_timestamp_ms(wall)
    assert abs(datetime.fromisoformat(started) - wall) < timedelta(milliseconds=1)
