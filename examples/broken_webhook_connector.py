"""The webhook connector, broken on purpose: one variant per webhook rule of the verifier.

    python examples/broken_webhook_connector.py --break RULE_ID   (run it with verify --service)

Each variant is examples/webhook_connector.py with one mistake, so that the rule it breaks
(and no other) reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from typing import Any

from pleo_export_mock.examples import webhook_connector

BREAKAGES: dict[str, str] = {  # rule id -> the scenario to run the variant on (service mode)
    "acts-only-on-verified-deliveries": "webhooks",
    "processes-each-delivery-once": "webhooks",
    "answers-deliveries-promptly": "webhooks",
    "reconciles-by-polling": "webhooks",
    "own-company-only": "organisation",
}


def trusting(secret: str, headers: Any, body: bytes) -> dict[str, Any] | None:
    """Takes any delivery that parses, signed or not: a forger's job is processed at once."""
    try:
        event: dict[str, Any] = json.loads(body)
    except ValueError:
        return None
    return event


class _Forgets(set[str]):
    """A record of webhook-ids that keeps none."""

    def add(self, element: str) -> None:
        pass


class Forgetful(webhook_connector.WebhookService):
    """Keeps no record of what it processed: every announcement is processed afresh."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen = _Forgets()

    def process(self, job_id: str) -> None:
        job = self.connector.client.request("GET", f"/v3/export-jobs/{job_id}")["data"]
        self.connector.process(job)


def forgetful(rule: str) -> None:
    webhook_connector.WebhookService = Forgetful  # type: ignore[misc]


class _QueueThatWaits(queue.Queue[str | None]):
    """A job handed over is waited for: the delivery's answer goes out once the job is done."""

    def __init__(self) -> None:
        super().__init__()
        self.finished: dict[str, threading.Event] = {}

    def put(self, item: str | None, block: bool = True, timeout: float | None = None) -> None:
        finished = self.finished.setdefault(item, threading.Event()) if item else None
        super().put(item, block, timeout)
        if finished is not None:
            finished.wait(60)


class Dawdling(webhook_connector.WebhookService):
    """Works on an announced job before it answers the delivery: the sender waits meanwhile,
    as long as the ERP takes to book the job (here a steady 1.5 s, as a real one might)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.jobs = _QueueThatWaits()

    def process(self, job_id: str) -> None:
        try:
            time.sleep(1.5)  # the ERP books the job
            super().process(job_id)
        finally:
            self.jobs.finished.setdefault(job_id, threading.Event()).set()


def dawdling(rule: str) -> None:
    webhook_connector.WebhookService = Dawdling  # type: ignore[misc]


class WebhooksOnly(webhook_connector.WebhookService):
    """Trusts the deliveries to announce every job: it never polls."""

    def reconcile(self) -> None:
        pass


def webhooks_only(rule: str) -> None:
    webhook_connector.WebhookService = WebhooksOnly  # type: ignore[misc]


class Meddling(webhook_connector.WebhookService):
    """Takes every job its subscription announces, whichever company of the organisation's."""

    def is_ours(self, event: dict[str, Any]) -> bool:
        return event.get("eventType") == webhook_connector.EVENT


def meddling(rule: str) -> None:
    webhook_connector.WebhookService = Meddling  # type: ignore[misc]


VARIANTS: dict[str, Any] = {
    "acts-only-on-verified-deliveries": lambda rule: setattr(
        webhook_connector, "verified_event", trusting
    ),
    "processes-each-delivery-once": forgetful,
    "answers-deliveries-promptly": dawdling,
    "reconciles-by-polling": webhooks_only,
    "own-company-only": meddling,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--break", dest="rule", default=os.environ.get("BROKEN_RULE"))
    rule = parser.parse_args().rule
    if rule not in VARIANTS:
        parser.error(f"--break needs one of: {', '.join(VARIANTS)}")
    VARIANTS[rule](rule)
    return webhook_connector.main()


if __name__ == "__main__":
    sys.exit(main())
