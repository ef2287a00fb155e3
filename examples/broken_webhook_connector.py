"""The webhook connector, broken on purpose: one variant per webhook rule of the verifier.

    python examples/broken_webhook_connector.py --break RULE_ID   (run it with verify --service)

Each variant is examples/webhook_connector.py with one mistake, so that the rule it breaks
(and no other) reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from pleo_export_mock.examples import webhook_connector

BREAKAGES: dict[str, str] = {  # rule id -> the scenario to run the variant on (service mode)
    "acts-only-on-verified-deliveries": "webhooks",
    "processes-each-delivery-once": "webhooks",
}


def trusting(secret: str, headers: Any, body: bytes) -> dict[str, Any] | None:
    """Takes any delivery that parses, signed or not: a forger's job is processed at once."""
    try:
        event: dict[str, Any] = json.loads(body)
    except ValueError:
        return None
    return event


class Forgetful(webhook_connector.WebhookService):
    """Keeps no record of what it processed: every announcement is processed afresh."""

    def process(self, job_id: str) -> None:
        self.seen.clear()
        job = self.connector.client.request("GET", f"/v3/export-jobs/{job_id}")["data"]
        self.connector.process(job)


def forgetful(rule: str) -> None:
    webhook_connector.WebhookService = Forgetful  # type: ignore[misc]


VARIANTS: dict[str, Any] = {
    "acts-only-on-verified-deliveries": lambda rule: setattr(
        webhook_connector, "verified_event", trusting
    ),
    "processes-each-delivery-once": forgetful,
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
