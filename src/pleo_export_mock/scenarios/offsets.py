"""Relative times: scenarios say "-10m", never a date, so any clock start can serve them."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)([dhms])")
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_offset(text: str) -> timedelta:
    """`-1h30m` -> -90 minutes; `now` -> 0. The schema has already checked the shape."""
    if text == "now":
        return timedelta(0)
    seconds = sum(int(count) * _UNIT_SECONDS[unit] for count, unit in _PART.findall(text))
    return timedelta(seconds=-seconds)


def format_offset(offset: timedelta) -> str:
    """The inverse of parse_offset, for messages: -5400 s -> `-1h30m`."""
    seconds = int(-offset.total_seconds())
    if seconds == 0:
        return "now"
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "-" + "".join(parts)
