"""Webhook deliveries: Pleo's events sent to the subscriptions that asked for them.

`Outbox` holds the attempts due, sends them from one background worker (never from a
request), retries on the schedule in `schedule.py` by the sandbox clock, and records every
attempt in the journal as an outbound exchange.
"""

from __future__ import annotations

from .event import Event, export_job_created
from .hosts import HostPolicy
from .outbox import Outbox
from .schedule import RETRY_SCHEDULE

__all__ = ["RETRY_SCHEDULE", "Event", "HostPolicy", "Outbox", "export_job_created"]
