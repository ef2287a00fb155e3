"""`verify --service`: a connector that runs as a service, judged while Pleo's users work.

The timeline waits until the connector is ready (it has subscribed to webhooks, or a readiness
URL it serves answers 2xx), then plays on the running clock; the connector is stopped with
SIGTERM once every eligible job of its company is finished and the timeline has played out.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field

from ..sandbox import Sandbox

SUBSCRIBED = frozenset({"createSubscription", "updateSubscription"})


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
        return not self.sandbox.timeline.pending and not self._open_jobs()

    def _is_ready(self) -> bool:
        if self.ready_url is not None:
            return _answers(self.ready_url)
        journal = self.sandbox.journal
        return any(e.operation_id in SUBSCRIBED and e.ok for e in journal)

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
