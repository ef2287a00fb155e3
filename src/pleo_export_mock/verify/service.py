"""`verify --service`: a connector that runs as a service, judged while Pleo's users work.

The timeline waits until the connector is ready (it has subscribed to webhooks, or a readiness
URL it serves answers 2xx), then plays on the running clock; the connector is stopped with
SIGTERM once every eligible job of its company is finished, the timeline has played out, every
delivery has been sent and the connector has been quiet for QUIET_SECONDS: a delivery it got at
the end must have time to show what the connector does with it.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from ..sandbox import Sandbox
from .context import subscribed

QUIET_SECONDS = 1.0  # no request for this long, once the work is done: the connector is idle


@dataclass
class ServiceWatch:
    """Called every tick while the connector runs: starts the timeline, then says when done."""

    sandbox: Sandbox
    company_id: str
    ready_url: str | None = None
    ready: bool = field(default=False, init=False)

    def __call__(self) -> bool:
        """True once the work is done: the connector is then stopped."""
        if not self.ready:
            self.ready = self._is_ready()
            if not self.ready:
                return False
            self.sandbox.start_timeline()
        if self.sandbox.timeline.pending or self._open_jobs():
            return False
        return self.sandbox.outbox.wait_idle(0) and self._quiet()

    def _is_ready(self) -> bool:
        if self.ready_url is not None:
            return _answers(self.ready_url)
        return subscribed(self.sandbox.journal)

    def _quiet(self) -> bool:
        last = self.sandbox.journal.last
        if last is None:
            return True
        return time.time() - (last.wall_time + last.duration_ms / 1000) >= QUIET_SECONDS

    def _open_jobs(self) -> bool:
        return any(
            job.eligible and self.sandbox.store.job(job.id).status.is_open
            for job in self.sandbox.at_start.values()
            if job.company_id == self.company_id
        )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False
