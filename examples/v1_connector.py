"""A connector written before v3, from Pleo's "Export API Workflow" page alone.

A model of a connector in the field that was never migrated: it follows the page's steps with
the versions of its day. It lists the company's export jobs with `company_id` and
`status=pending`, claims the oldest with a `started` event, reads the job's items and their
accounting data (the export items), books each entry in its ERP, reports every item through
PUT .../items in batches of at most 100, and sends `completed` or `completed_with_errors`;
then it looks for the next pending job. One pass per invocation, like a cron job.

Versions: the workflow (jobs, events, job items) in v1, the export items in v2, because v1's
export item has no `vendor` or `bookkeeping` and an accounts-payable booking needs both.
PLEO_API_VERSION=v2 runs the workflow in v2 too. docs/migration-v1-to-v3.md says what moving
each call to v3 changes.

Environment: PLEO_API_URL (default http://127.0.0.1:8080), PLEO_ACCESS_TOKEN (Bearer) or
PLEO_API_KEY (Basic base64(key + ":")), PLEO_COMPANY_ID, PLEO_API_VERSION (v1 or v2).
Exit status: 0 when no pending job is left, 1 when a job could not be finished, 2 on bad
configuration. Standard library only; it knows nothing of the sandbox.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("v1_connector")
Json = dict[str, Any]

DATA_VERSION = "v2"  # export items: v1's lack vendor and bookkeeping
PAGE_SIZE = 1000  # the largest page Pleo serves: fewer round trips on a big job
BATCH_SIZE = 100  # PUT items takes at most 100 updates
TRANSIENT = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 5
ERP_URL = "https://erp.example.invalid/vouchers"
OPEN = ("pending", "in_progress")  # item statuses still to export


class Rejected(Exception):
    """The ERP refused one entry; `reason_type` is one of v1's item failure reasons."""

    def __init__(self, reason_type: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_type, self.reason = reason_type, reason


class Pleo:
    """JSON over HTTP with one credential; retries 429 and 5xx, honouring Retry-After."""

    def __init__(self, base_url: str, authorization: str) -> None:
        self.base_url, self.authorization = base_url.rstrip("/"), authorization

    def call(self, method: str, path: str, query: Json | None = None, body: Any = None) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._send(method, path, query, body)
            except urllib.error.HTTPError as error:
                if error.code not in TRANSIENT or attempt == ATTEMPTS:
                    raise
                wait = float(error.headers.get("Retry-After") or 0.25 * 2**attempt)
                log.warning("%s %s: HTTP %d, retrying in %.2fs", method, path, error.code, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, query: Json | None, body: Any) -> Any:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Authorization": self.authorization, "Accept": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def every_page(self, path: str, query: Json) -> list[Json]:
        """All rows of a list: `after` the page's endCursor while hasNextPage."""
        query, rows = {**query, "limit": PAGE_SIZE}, []
        while True:
            page = self.call("GET", path, query)
            rows += page["data"]
            if not page["pagination"]["hasNextPage"]:
                return rows
            query["after"] = page["pagination"]["endCursor"]


def book(item: Json | None, number: int) -> Json:
    """The ERP's side: a voucher for the entry, or Rejected with the reason it gives."""
    if item is None:
        raise Rejected("unexpected_failure", "Pleo sent no accounting data for this entry")
    method = (item.get("bookkeeping") or {}).get("method")
    if method == "accounts_payable" and not item.get("vendor"):
        raise Rejected("accounting_system_validation_failure", "Vendor not found in the ERP")
    if not item.get("accountingEntryLines"):
        raise Rejected("validation_failure", "The entry has no lines to book")
    voucher = f"V1-{number:06d}"
    return {"externalId": voucher, "externalUrl": f"{ERP_URL}/{voucher}"}


class Connector:
    def __init__(self, pleo: Pleo, company_id: str | None, version: str) -> None:
        self.pleo, self.company_id, self.version = pleo, company_id, version
        self.vouchers = 0

    def run(self) -> int:
        """Pending jobs, oldest first, one at a time, until none is left."""
        taken: set[str] = set()
        problems = 0
        while True:
            query = {"status": "pending"}
            if self.company_id:
                query["company_id"] = self.company_id
            try:
                jobs = self.pleo.every_page(f"/{self.version}/export-jobs", query)
            except (urllib.error.URLError, OSError, ValueError) as error:
                log.error("cannot list export jobs: %s", error)
                return 1
            jobs = [job for job in jobs if job["id"] not in taken]
            if not jobs:
                return 1 if problems else 0
            job = min(jobs, key=lambda job: job["createdAt"])
            taken.add(job["id"])
            problems += not self.export(job["id"])

    def export(self, job_id: str) -> bool:
        """One job from `started` to its final event; False when it could not be finished."""
        try:
            self.event(job_id, "started")
        except urllib.error.HTTPError as error:  # 422: taken by someone else, or expired
            log.warning("job %s: not claimed (HTTP %d)", job_id, error.code)
            return True
        try:
            results = self.report(job_id, self.book_job(job_id))
            done = all(status == "successful" for status in results)
            self.event(job_id, "completed" if done else "completed_with_errors")
        except (urllib.error.URLError, OSError, ValueError) as error:
            log.error("job %s: %s", job_id, error)
            return self.give_up(job_id, error)
        log.info("job %s: %s", job_id, "completed" if done else "completed_with_errors")
        return True

    def book_job(self, job_id: str) -> list[Json]:
        """Every item of the job read first, then its data, then one update per open item."""
        items = self.pleo.every_page(f"/{self.version}/export-jobs/{job_id}/items", {})
        rows = self.pleo.every_page(f"/{DATA_VERSION}/export-items", {"job_id": job_id})
        data = {row["accountingEntryId"]: row for row in rows}
        todo = [item["accountingEntryId"] for item in items if item["status"] in OPEN]
        return [self.update(entry_id, data) for entry_id in todo]

    def update(self, entry_id: str, data: dict[str, Json]) -> Json:
        self.vouchers += 1
        try:
            voucher = book(data.get(entry_id), self.vouchers)
        except Rejected as no:
            return {
                "accountingEntryId": entry_id,
                "status": "failed",
                "failureReasonType": no.reason_type,
                "failureReason": no.reason,
            }
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"accountingEntryId": entry_id, "status": "successful", "exportedAt": now, **voucher}

    def report(self, job_id: str, updates: list[Json]) -> list[str]:
        """PUT the updates in batches; an entry Pleo refused (in `errors`) counts as failed."""
        statuses = []
        for start in range(0, len(updates), BATCH_SIZE):
            batch = updates[start : start + BATCH_SIZE]
            answer = self.pleo.call(
                "PUT", f"/{self.version}/export-jobs/{job_id}/items", body=batch
            )
            statuses += [item["status"] for item in answer["data"]]
            statuses += ["failed" for _ in answer["errors"]]
        return statuses

    def event(self, job_id: str, event: str, **fields: str) -> None:
        body = {"event": event, "jobId": job_id, **fields}
        self.pleo.call("POST", f"/{self.version}/export-job-events", body=body)

    def give_up(self, job_id: str, error: Exception) -> bool:
        """The job cannot be finished as it should: fail it, saying why, if Pleo still answers."""
        transient = isinstance(error, urllib.error.HTTPError) and error.code in TRANSIENT
        down = transient or not isinstance(error, urllib.error.HTTPError)
        reason_type = "service_unreachable" if down else "validation_failure"
        try:
            self.event(job_id, "failed", failureReasonType=reason_type, failureReason=str(error))
        except (urllib.error.URLError, OSError) as again:
            log.error("job %s: failed event not delivered: %s", job_id, again)
        return False


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    env = os.environ
    version = env.get("PLEO_API_VERSION", "v1")
    if env.get("PLEO_ACCESS_TOKEN"):
        authorization = "Bearer " + env["PLEO_ACCESS_TOKEN"]
    elif env.get("PLEO_API_KEY"):
        authorization = "Basic " + base64.b64encode(f"{env['PLEO_API_KEY']}:".encode()).decode()
    else:
        log.error("configuration: set PLEO_ACCESS_TOKEN or PLEO_API_KEY")
        return 2
    if version not in ("v1", "v2"):
        log.error("configuration: PLEO_API_VERSION must be v1 or v2, not %r", version)
        return 2
    pleo = Pleo(env.get("PLEO_API_URL", "http://127.0.0.1:8080"), authorization)
    return Connector(pleo, env.get("PLEO_COMPANY_ID") or None, version).run()


if __name__ == "__main__":
    sys.exit(main())
