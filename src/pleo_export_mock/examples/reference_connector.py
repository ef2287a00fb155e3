"""A small, correct connector for Pleo's Export API v3: the worked example of this repository.

It does what Pleo's guides ask of an ERP connector, in one pass per invocation like a cron job:
find the eligible export jobs, take the oldest, claim it, check it can be served, read all of its
items, book them in the ERP (`fake_erp.py`), report every item, send one final event, then look
for the next job. Exit status: 0 when no eligible job is left; 1 when something could not be
driven to an end (the job list failed, a final event was not delivered); 2 on bad configuration.
Standard library only; it knows nothing of the sandbox.

Environment:
  PLEO_API_URL       default http://127.0.0.1:8080 (the sandbox); Pleo's is https://external.pleo.io
  PLEO_OAUTH_CLIENT_ID  and its PLEO_OAUTH_*, PLEO_AUTH_URL: sign in with OAuth (oauth_session.py)
  PLEO_ACCESS_TOKEN  OAuth 2.0 access token, sent as `Bearer`; preferred over the key (Pleo's rule)
  PLEO_API_KEY       API key, sent as `Basic base64(key + ":")` (key as user, empty password)
  PLEO_COMPANY_ID    the company to export; required when the credential covers several
  PLEO_LOG_LEVEL     INFO by default; DEBUG logs every request

Comments cite Pleo's sources as numbered in the project's API facts (S1 the OpenAPI spec, S4-S6
the workflow guides, C1 a conflict between them); the workflow rules are its §1.13.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .fake_erp import ErpRejected, ErpUnavailable, FakeErp, Voucher
from .oauth_session import OAuthSession, SignInFailed

log = logging.getLogger("reference_connector")
Json = dict[str, Any]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # transient: retried with backoff
MAX_ATTEMPTS = 5
BACKOFF_BASE = 0.2  # seconds, doubled per attempt, times a random jitter of 0.5-1.5
BATCH_SIZE = 100  # PUT items: "This API only supports updating up to 100 items" (413 above)
OPEN = ("pending", "in_progress")  # job and item statuses that still need work


class ApiError(Exception):
    """Pleo answered with a status that retrying cannot fix (4xx other than 429)."""

    def __init__(self, method: str, path: str, status: int, body: Any, attempts: int) -> None:
        self.status, self.attempts = status, attempts
        self.body: Json = body if isinstance(body, dict) else {}
        self.type = self.body.get("type", "")
        super().__init__(f"{method} {path}: {status} {self.type} {self.body.get('message', '')}")


class JobFailure(Exception):
    """The job cannot be exported; `reason_type` is an ExportJobFailureReasonType."""

    def __init__(self, reason_type: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_type, self.reason = reason_type, reason


class GaveUp(JobFailure):
    """A transient failure (429, 5xx, dropped connection) outlasted every retry."""

    def __init__(self, method: str, path: str, status: int | None, problem: str) -> None:
        reason_type = "pleo_rate_limit" if status == 429 else "service_unreachable"
        super().__init__(reason_type, f"{method} {path}: {problem} {MAX_ATTEMPTS} times")
        self.status = status


class Transient(Exception):
    def __init__(self, problem: str, status: int | None = None, retry_after: Any = None) -> None:
        super().__init__(problem)
        self.status = status
        try:  # Retry-After in seconds; an HTTP date falls back to our own backoff
            self.retry_after: float | None = min(max(float(retry_after), 0.0), 60.0)
        except (TypeError, ValueError):
            self.retry_after = None


class PleoClient:
    """JSON over HTTP; retries transient failures with backoff; renews an OAuth token once."""

    def __init__(self, base_url: str, auth: str, session: OAuthSession | None = None) -> None:
        self.base_url, self.authorization, self.session = base_url.rstrip("/"), auth, session
        self.sleep: Callable[[float], None] = time.sleep

    def request(
        self,
        method: str,
        path: str,
        query: Json | None = None,
        body: Any = None,
        rebuild: Callable[[], Any] | None = None,
    ) -> Any:
        """`rebuild` makes the body of each retry; when it returns None, nothing is resent."""
        renewed = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self.send(method, path, query, body, attempt)
            except ApiError as refused:  # an expired token: renew once, never loop on 401
                if refused.status != 401 or self.session is None or renewed:
                    raise
                renewed = self.session.renew()
            except Transient as problem:
                if attempt == MAX_ATTEMPTS:
                    raise GaveUp(method, path, problem.status, str(problem)) from problem
                delay = problem.retry_after
                if delay is None:
                    delay = BACKOFF_BASE * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
                log.warning("%s %s: %s; retrying in %.2fs", method, path, problem, delay)
                self.sleep(delay)
                if rebuild is not None and (body := rebuild()) is None:
                    return None
        raise AssertionError("unreachable")

    def send(self, method: str, path: str, query: Json | None, body: Any, attempt: int) -> Any:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)  # lists: repeated keys
        auth = self.session.authorization() if self.session else self.authorization
        headers = {"Authorization": auth, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        log.debug("%s %s", method, url)
        request = urllib.request.Request(url, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            if error.code in RETRY_STATUSES:
                retry_after = error.headers.get("Retry-After")
                raise Transient(f"HTTP {error.code}", error.code, retry_after) from error
            try:
                answer = json.loads(error.read())
            except (OSError, http.client.HTTPException, ValueError):
                answer = None
            raise ApiError(method, path, error.code, answer, attempt) from error
        except (OSError, http.client.HTTPException) as error:  # refused, reset, cut short
            raise Transient(f"connection problem ({error!r})") from error
        try:
            return json.loads(raw) if raw else None  # events answer 202 without a body
        except ValueError as error:
            raise Transient("truncated JSON body") from error

    def read_all(self, path: str, query: Json, page: Json | None = None) -> list[Json]:
        """Every row of a cursor-paginated list: `after=endCursor` while `hasNextPage` (S5).

        `page`, when given, is the first page, already read."""
        query, rows = dict(query), []
        while True:
            page = page or self.request("GET", path, query)
            rows += page["data"]
            if not page["pagination"]["hasNextPage"]:
                return rows
            query["after"], page = page["pagination"]["endCursor"], None


class Connector:
    """The export workflow for one company; each step is a method a variant can replace."""

    def __init__(self, client: PleoClient, company_id: str | None, erp: FakeErp) -> None:
        self.client, self.company_id, self.erp = client, company_id, erp
        self.handled: set[str] = set()  # jobs taken in this run: never picked twice
        self.problems = 0

    def run(self) -> int:
        """One job after another, until none is eligible; never two at once (§1.13 rule 2)."""
        while True:
            try:
                job = self.next_job()
            except (ApiError, JobFailure) as error:
                log.error("cannot list export jobs: %s", error)
                return 1
            if job is None:
                log.info("no eligible export job left")
                return 1 if self.problems else 0
            self.handled.add(job["id"])
            self.process(job)

    def list_open_jobs(self) -> list[Json]:
        """Detect without changing anything, with v3's `statuses` (the v0-v2 `status` is gone)."""
        query: Json = {"statuses": list(OPEN)}
        if self.company_id:  # multi-entity credentials "must use the company_id" (S7)
            query["company_id"] = self.company_id
        return self.client.read_all("/v3/export-jobs", query)

    def next_job(self) -> Json | None:
        """Eligible: in_progress first (our crashed run to recover), then pending; oldest first.

        failed, completed and completed_with_errors jobs are history and never touched."""
        rank = {"in_progress": 0, "pending": 1}
        jobs = [j for j in self.list_open_jobs() if j["status"] in rank]
        jobs = [j for j in jobs if j["id"] not in self.handled]
        jobs.sort(key=lambda job: (rank[job["status"]], job["createdAt"]))
        return jobs[0] if jobs else None

    def process(self, job: Json) -> None:
        """One job, start to end: exactly one final event, and nothing after it."""
        job_id = job["id"]
        log.info("job %s: %s, %d items", job_id, job["status"], job["numberOfItems"])
        try:
            if job["status"] == "pending" and not self.claim(job_id):
                return
            first_page = self.validate(job_id)
            job_items = self.read_job_items(job_id)
            todo = [item for item in job_items if item["status"] in OPEN]  # not `successful`
            log.info("job %s: %d of %d items to export", job_id, len(todo), len(job_items))
            data = self.read_export_items(job_id, first_page)
            updates, outage = self.book(todo, data)
            statuses = self.report(job_id, updates, job_items)
            if outage:
                raise outage
            self.finish(job_id, self.final_event(statuses))
        except JobFailure as failure:  # GaveUp included: pleo_rate_limit, service_unreachable
            self.fail(job_id, failure.reason_type, failure.reason)
        except ApiError as error:
            log.error("job %s: %s", job_id, error)
            if self.job_status(job_id) in OPEN:  # an expired or finished job is left alone
                self.fail(job_id, "validation_failure", f"Pleo refused a request: {error}")

    def claim(self, job_id: str) -> bool:
        """`started` moves pending to in_progress (S6). An in_progress job is never restarted."""
        try:
            self.send_event(job_id, "started")
        except ApiError as error:  # 422: another connector claimed it, or it expired
            log.warning("job %s: not claimed, left alone: %s", job_id, error)
            return False
        log.info("job %s: claimed", job_id)
        return True

    def validate(self, job_id: str) -> Json:
        """Pre-export validation (S4); returns the first page of export items."""
        try:
            self.erp.ping()
        except ErpUnavailable as error:
            raise JobFailure("accounting_system_unreachable", str(error)) from error
        try:
            page: Json = self.client.request("GET", "/v3/export-items", {"job_id": job_id})
            return page
        except ApiError as error:
            if error.type != "MISSING_CONTRA_ACCOUNTS":
                raise
            message = error.body.get("message", "")
            reason = f"Contra accounts are not configured in Pleo: {message}"
            raise JobFailure("missing_configuration", reason) from error

    def read_job_items(self, job_id: str, status: str | None = None) -> list[Json]:
        """The control layer: every page, before processing anything (S5)."""
        query = {"status": status} if status else {}
        return self.client.read_all(f"/v3/export-jobs/{job_id}/items", query)

    def read_export_items(self, job_id: str, first_page: Json) -> dict[str, Json]:
        """The data layer, every page, continuing after the validation page."""
        rows = self.client.read_all("/v3/export-items", {"job_id": job_id}, first_page)
        return {row["accountingEntryId"]: row for row in rows}

    def book(self, todo: list[Json], data: dict[str, Json]) -> tuple[list[Json], JobFailure | None]:
        """Book each open item; an ERP outage stops booking, but what was booked is reported."""
        updates = []
        for item in todo:
            entry_id = item["accountingEntryId"]
            try:
                if entry_id not in data:
                    raise ErpRejected("unexpected_failure", "Pleo sent no accounting data")
                updates.append(self.success_update(entry_id, self.erp.book(data[entry_id])))
            except ErpRejected as no:  # an item failure never fails the job by itself (S6)
                updates.append(self.failure_update(entry_id, no.reason_type, no.reason))
            except ErpUnavailable as error:
                return updates, JobFailure("accounting_system_unreachable", str(error))
        return updates, None

    def success_update(self, entry_id: str, voucher: Voucher) -> Json:
        """Successful: externalId, externalUrl and exportedAt (S5)."""
        return {
            "accountingEntryId": entry_id,
            "status": "successful",
            "externalId": voucher.id,
            "externalUrl": voucher.url,
            "exportedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def failure_update(self, entry_id: str, reason_type: str, reason: str) -> Json:
        """Failed: failureReasonType (ExportJobItemFailureReasonType) and failureReason (S5)."""
        return {
            "accountingEntryId": entry_id,
            "status": "failed",
            "failureReasonType": reason_type,
            "failureReason": reason,
        }

    def report(self, job_id: str, updates: list[Json], job_items: list[Json]) -> dict[str, str]:
        """PUT the results, at most 100 per request; returns the status of every item."""
        statuses = {item["accountingEntryId"]: item["status"] for item in job_items}
        for start in range(0, len(updates), BATCH_SIZE):
            statuses.update(self.put_batch(job_id, updates[start : start + BATCH_SIZE]))
        return statuses

    def put_batch(self, job_id: str, batch: list[Json]) -> dict[str, str]:
        """One PUT of a bare JSON array; returns the statuses Pleo reports back."""
        landed: dict[str, str] = {}

        def without_successful() -> list[Json] | None:
            # The last answer was lost, so the batch may have landed. "Do not duplicate already
            # successful updates" (S4): ask Pleo which are successful, and resend the rest.
            done = {i["accountingEntryId"] for i in self.read_job_items(job_id, "successful")}
            rest = [update for update in batch if update["accountingEntryId"] not in done]
            landed.update(
                dict.fromkeys(done & {u["accountingEntryId"] for u in batch}, "successful")
            )
            return rest or None

        path = f"/v3/export-jobs/{job_id}/items"
        result = self.client.request("PUT", path, body=batch, rebuild=without_successful)
        for item in result["data"] if result else []:
            landed[item["accountingEntryId"]] = item["status"]
        for error in result["errors"] if result else []:  # refused in a 200: stays unexported
            log.warning("job %s: item %s refused: %s", job_id, error["accountingEntryId"], error)
        return landed

    def final_event(self, statuses: dict[str, str]) -> str:
        """`completed` only when every item is successful, else `completed_with_errors` (S6)."""
        done = all(status == "successful" for status in statuses.values())
        return "completed" if done else "completed_with_errors"

    def finish(self, job_id: str, event: str) -> None:
        try:
            self.send_event(job_id, event)
            log.info("job %s: %s", job_id, event)
        except (ApiError, JobFailure) as error:
            log.error("job %s: final event %s not delivered: %s", job_id, event, error)
            self.problems += 1

    def fail(self, job_id: str, reason_type: str, reason: str) -> None:
        """The unrecoverable end: `failed` with failureReasonType and failureReason (S1)."""
        log.error("job %s: failed (%s): %s", job_id, reason_type, reason)
        try:
            self.send_event(job_id, "failed", failureReasonType=reason_type, failureReason=reason)
        except (ApiError, JobFailure) as error:
            log.error("job %s: failed event not delivered: %s", job_id, error)
            self.problems += 1

    def send_event(self, job_id: str, event: str, **fields: str) -> None:
        """The body's key is `jobId` (spec), not the `exportJobId` of a how-to (C1)."""
        body = {"event": event, "jobId": job_id, **fields}
        try:
            self.client.request("POST", "/v3/export-job-events", body=body)
        except ApiError as error:
            # A retry after a lost answer meets the transition it already made: that is success.
            target = "in_progress" if event == "started" else event
            if not (error.attempts > 1 and self.job_status(job_id) == target):
                raise

    def job_status(self, job_id: str) -> str | None:
        try:
            status: str = self.client.request("GET", f"/v3/export-jobs/{job_id}")["data"]["status"]
            return status
        except (ApiError, JobFailure) as error:
            log.error("job %s: cannot read it back: %s", job_id, error)
            return None


def build(env: dict[str, str], connector: type[Connector] = Connector) -> Connector:
    session = OAuthSession.from_env(env) if env.get("PLEO_OAUTH_CLIENT_ID") else None
    authorization = "Bearer " + env["PLEO_ACCESS_TOKEN"] if env.get("PLEO_ACCESS_TOKEN") else ""
    if not authorization and env.get("PLEO_API_KEY"):
        authorization = "Basic " + base64.b64encode(f"{env['PLEO_API_KEY']}:".encode()).decode()
    if not (authorization or session):
        raise ValueError("set PLEO_OAUTH_CLIENT_ID, PLEO_ACCESS_TOKEN or PLEO_API_KEY")
    client = PleoClient(env.get("PLEO_API_URL", "http://127.0.0.1:8080"), authorization, session)
    return connector(client, env.get("PLEO_COMPANY_ID") or None, FakeErp())


def main(connector: type[Connector] = Connector) -> int:
    level = os.environ.get("PLEO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s")
    try:
        built = build(dict(os.environ), connector)
    except ValueError as error:
        log.error("configuration: %s", error)
        return 2
    try:
        return built.run()
    except SignInFailed as error:  # no access without it: nothing more to try in this run
        log.error("OAuth sign-in: %s", error)
        return 1


if __name__ == "__main__":
    sys.exit(main())
