"""The reference connector's wire-level mistakes, one per rule: the body's shape, the query,
the API version, the event's key, the credentials. `broken_connector.py` lists and runs them
beside the others (`--break RULE_ID`).
"""

from __future__ import annotations

import base64
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_connector import ApiError, Connector, Json

log = logging.getLogger("broken_connector")


@contextmanager
def refused(what: str) -> Iterator[None]:
    """The variant's mistake: Pleo refuses it, the variant logs that and carries on."""
    try:
        yield
    except ApiError as error:
        log.warning("BROKEN: %s refused: %s", what, error)


class WrapsItems(Connector):
    """Its first PUT is `{"items": [...]}` (a third-party client's shape), then a bare array."""

    wrapped = False

    def put_batch(self, job_id: str, batch: list[Json]) -> dict[str, str]:
        if not self.wrapped:
            self.wrapped = True
            path = f"/v3/export-jobs/{job_id}/items"
            with refused("wrapped body"):
                self.client.request("PUT", path, body={"items": batch})
        return super().put_batch(job_id, batch)


class DeprecatedStatusFilter(Connector):
    def list_open_jobs(self) -> list[Json]:
        query: Json = {"status": "pending"}
        if self.company_id:
            query["company_id"] = self.company_id
        return self.client.read_all("/v3/export-jobs", query)


class ClaimsThroughV1(Connector):
    """Claims through the deprecated v1 event operation, then carries on in v3: one workflow."""

    def send_event(self, job_id: str, event: str, **fields: str) -> None:
        if event != "started":
            return super().send_event(job_id, event, **fields)
        self.client.request("POST", "/v1/export-job-events", body={"event": event, "jobId": job_id})


class ReadsJobThroughV2(Connector):
    """Reads each job through v2 first (an older client library's call), then works in v3."""

    def claim(self, job_id: str) -> bool:
        with refused("v2"):
            self.client.request("GET", f"/v2/export-jobs/{job_id}")
        return super().claim(job_id)


class ExportJobIdKey(Connector):
    """Its first `started` names the job `exportJobId` (a how-to's spelling), then `jobId`."""

    misspelt = False

    def claim(self, job_id: str) -> bool:
        if not self.misspelt:
            self.misspelt = True
            body = {"event": "started", "exportJobId": job_id}
            with refused("exportJobId"):
                self.client.request("POST", "/v3/export-job-events", body=body)
        return super().claim(job_id)


class RawApiKey(Connector):
    """First request with `Basic <key>`, not base64(key + ":") (as one Pleo page shows it)."""

    def run(self) -> int:
        correct, session = self.client.authorization, self.client.session
        self.client.session = None  # signed in with OAuth or not, this request uses the key
        scheme, _, secret = correct.partition(" ")
        if scheme == "Basic":
            secret = base64.b64decode(secret).decode().removesuffix(":")
        self.client.authorization = f"Basic {secret}"
        with refused("raw key"):
            self.list_open_jobs()
        self.client.authorization, self.client.session = correct, session
        return super().run()


# rule id -> (the scenario that shows the mistake, the variant)
WIRE_BREAKAGES: dict[str, tuple[str, type[Connector]]] = {
    "valid-requests": ("pending", WrapsItems),
    "no-deprecated-status": ("pending", DeprecatedStatusFilter),
    "uses-current-api": ("pending", ClaimsThroughV1),
    "pinned-api-versions": ("v3_only", ReadsJobThroughV2),
    "uses-job-id-key": ("pending", ExportJobIdKey),
    "authenticates": ("pending", RawApiKey),
}
