"""When a delivery is tried again: Standard Webhooks' reference schedule, on the sandbox clock.

Pleo documents no schedule. The sandbox follows the one Standard Webhooks' reference sender
uses: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the attempt before, each
measured on the sandbox clock (so advancing it brings the next attempt due at once). After the
last attempt fails, the delivery is given up.
"""

from __future__ import annotations

from datetime import timedelta

RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
# An attempt that has no answer within this many wall seconds counts as failed.
ATTEMPT_TIMEOUT_S = 5.0
