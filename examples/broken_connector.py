"""The reference connector with exactly one rule broken: material for the verifier's tests.

    python examples/broken_connector.py --break RULE_ID     (or env BROKEN_RULE=RULE_ID)
    python examples/broken_connector.py --list              rule ids and the scenario for each

Each variant is a subclass of the reference `Connector` that replaces one step; everything else
runs the reference code, so a verifier should flag the named rule and nothing unrelated.
`BREAKAGES` maps each rule id to the scenario that shows the mistake. Same environment as the
reference connector; `authenticates` needs PLEO_API_KEY.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from broken_oauth import OAUTH_BREAKAGES
from broken_wire import WIRE_BREAKAGES, refused
from reference_connector import OPEN, ApiError, Connector, Json, Voucher, main

log = logging.getLogger("broken_connector")

BREAKAGES: dict[str, str] = {}  # rule id -> the scenario to run the variant on
VARIANTS: dict[str, type[Connector]] = {}
C = TypeVar("C", bound=type[Connector])


def breaks(rule: str, scenario: str = "pending") -> Callable[[C], C]:
    def register(variant: C) -> C:
        BREAKAGES[rule], VARIANTS[rule] = scenario, variant
        return variant

    return register


@breaks("no-job-creation", "partial_errors")
class CreatesJobs(Connector):
    """After its run it presses Export itself: a new job for the entries that failed."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.failed: list[str] = []

    def failure_update(self, entry_id: str, reason_type: str, reason: str) -> Json:
        self.failed.append(entry_id)
        return super().failure_update(entry_id, reason_type, reason)

    def run(self) -> int:
        code = super().run()
        body = {"companyId": self.company_id, "accountingEntryIds": self.failed}
        try:
            job = self.client.request("POST", "/v3/export-jobs", body=body)["data"]
        except ApiError as error:
            log.warning("BROKEN: export job not created: %s", error)
            return 1
        log.warning("BROKEN: created export job %s itself", job["id"])
        return code


@breaks("eligible-jobs-only", "failed")
class RetriesFailedJobs(Connector):
    """When no open job is left, it 'retries' a failed one: claims it (422)."""

    def next_job(self) -> Json | None:
        job = super().next_job()
        if job is not None:
            return job
        query: Json = {"statuses": ["failed"]}
        if self.company_id:
            query["company_id"] = self.company_id
        history = self.client.read_all("/v3/export-jobs", query)
        history = [j for j in history if j["id"] not in self.handled]
        return {**history[0], "status": "pending"} if history else None


@breaks("oldest-first", "backlog")
class NewestFirst(Connector):
    def next_job(self) -> Json | None:
        jobs = [j for j in self.list_open_jobs() if j["id"] not in self.handled]
        jobs.sort(key=lambda job: job["createdAt"], reverse=True)
        return jobs[0] if jobs else None


@breaks("one-job-at-a-time", "backlog")
class ClaimsEverything(Connector):
    """Claims every pending job up front, then works through them."""

    def run(self) -> int:
        for job in self.list_open_jobs():
            if job["status"] == "pending":
                self.claim(job["id"])
        return super().run()


@breaks("started-before-updates")
class UpdatesBeforeStarting(Connector):
    """Claims only when its first PUT is refused (422: the job is still pending)."""

    unclaimed: str | None = None

    def claim(self, job_id: str) -> bool:
        self.unclaimed = job_id
        return True

    def put_batch(self, job_id: str, batch: list[Json]) -> dict[str, str]:
        if self.unclaimed == job_id:
            self.unclaimed = None
            with refused("PUT before started"):
                return super().put_batch(job_id, batch)
            super().claim(job_id)
        return super().put_batch(job_id, batch)


@breaks("read-all-item-pages", "paged")
class PageByPage(Connector):
    """Starts exporting after the first page of job items, and reads the next page only after
    reporting the previous one. Every item is still reported, so only the reading rule breaks."""

    def read_job_items(self, job_id: str, status: str | None = None) -> list[Json]:
        if status:  # the reference's re-read after a lost PUT answer stays as it is
            return super().read_job_items(job_id, status)
        self.page = self.client.request("GET", f"/v3/export-jobs/{job_id}/items")
        return list(self.page["data"])

    def read_export_items(self, job_id: str, first_page: Json) -> dict[str, Json]:
        self.data = super().read_export_items(job_id, first_page)
        return self.data

    def report(self, job_id: str, updates: list[Json], job_items: list[Json]) -> dict[str, str]:
        statuses = super().report(job_id, updates, job_items)
        path = f"/v3/export-jobs/{job_id}/items"
        while self.page["pagination"]["hasNextPage"]:
            after = {"after": self.page["pagination"]["endCursor"]}
            self.page = self.client.request("GET", path, after)
            todo = [item for item in self.page["data"] if item["status"] in OPEN]
            more, _ = self.book(todo, self.data)
            statuses |= super().report(job_id, more, self.page["data"])
        return statuses


@breaks("all-items-reported")
class ForgetsLastItem(Connector):
    """Drops the last update, and judges the job by the updates it did send: `completed`."""

    def report(self, job_id: str, updates: list[Json], job_items: list[Json]) -> dict[str, str]:
        forgotten = updates[-1]["accountingEntryId"]
        statuses = super().report(job_id, updates[:-1], job_items)
        return {entry: status for entry, status in statuses.items() if entry != forgotten}


@breaks("books-what-it-read")
class InventsBookings(Connector):
    """Never reads the export items: it books a made-up entry (one line, nothing) per item id."""

    def validate(self, job_id: str) -> Json:
        return {}

    def read_export_items(self, job_id: str, first_page: Json) -> dict[str, Json]:
        nothing = {"inWalletCurrency": {"value": 0, "currency": "EUR"}}
        made_up = {"accountingEntryLines": [{"account": 1}], "amount": nothing}
        ids = [item["accountingEntryId"] for item in self.read_job_items(job_id)]
        return {entry_id: {**made_up, "accountingEntryId": entry_id} for entry_id in ids}


@breaks("batch-limit", "paged")
class BigBatches(Connector):
    """Sends 150 items in its first PUT; after the 413 it uses batches of 100."""

    def report(self, job_id: str, updates: list[Json], job_items: list[Json]) -> dict[str, str]:
        try:
            self.put_batch(job_id, updates[:150])
        except ApiError as error:
            if error.status != 413:
                raise
            log.warning("BROKEN: 150 items refused (%s); falling back to 100", error.type)
        return super().report(job_id, updates, job_items)


@breaks("success-has-external-id")
class NoExternalId(Connector):
    def success_update(self, entry_id: str, voucher: Voucher) -> Json:
        update = super().success_update(entry_id, voucher)
        del update["externalId"]
        return update


@breaks("success-has-external-url")
class NoExternalUrl(Connector):
    def success_update(self, entry_id: str, voucher: Voucher) -> Json:
        update = super().success_update(entry_id, voucher)
        del update["externalUrl"]
        return update


@breaks("exported-at-plausible")
class ExportedTomorrow(Connector):
    def success_update(self, entry_id: str, voucher: Voucher) -> Json:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return super().success_update(entry_id, voucher) | {"exportedAt": tomorrow}


@breaks("failure-has-reason", "partial_errors")
class BareFailures(Connector):
    def failure_update(self, entry_id: str, reason_type: str, reason: str) -> Json:
        return {"accountingEntryId": entry_id, "status": "failed"}


@breaks("no-duplicate-success", "flaky_network")
class RebooksAfterLostAnswer(Connector):
    """When a PUT's answer is lost, it books the batch in the ERP again and resends it:
    new vouchers for entries Pleo already has as successful (a duplicate posting)."""

    def put_batch(self, job_id: str, batch: list[Json]) -> dict[str, str]:
        def rebook() -> list[Json]:
            log.warning("BROKEN: answer lost, booking the batch again")
            return [{**u, "externalId": f"{u.get('externalId')}-again"} for u in batch]

        path = f"/v3/export-jobs/{job_id}/items"
        self.client.request("PUT", path, body=batch, rebuild=rebook)
        return {update["accountingEntryId"]: update["status"] for update in batch}


@breaks("retries-transient-failures", "flaky_network")
class RetriesAtOnce(Connector):
    """Retries transient failures, but immediately: no backoff at all."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.client.sleep = lambda delay: None


@breaks("honours-retry-after", "rate_limited")
class IgnoresRetryAfter(Connector):
    """Backs off by its own short schedule, whatever Retry-After says."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.client.sleep = lambda delay: time.sleep(0.2)


@breaks("gives-up-with-reason", "outage")
class VagueFailure(Connector):
    """Gives up correctly, then fails the job as a configuration problem."""

    def fail(self, job_id: str, reason_type: str, reason: str) -> None:
        super().fail(job_id, "invalid_configuration", reason)


@breaks("one-final-event")
class FinishesTwice(Connector):
    def finish(self, job_id: str, event: str) -> None:
        super().finish(job_id, event)
        with refused(f"second {event}"):
            self.send_event(job_id, event)


@breaks("final-event-agrees", "partial_errors")
class AlwaysCompleted(Connector):
    def final_event(self, statuses: dict[str, str]) -> str:
        return "completed"


@breaks("failed-event-has-reason", "failed")
class FailsWithoutType(Connector):
    def fail(self, job_id: str, reason_type: str, reason: str) -> None:
        log.error("job %s: failed: %s", job_id, reason)
        try:
            self.send_event(job_id, "failed", failureReason=reason)
        except ApiError as error:
            log.error("job %s: failed event not delivered: %s", job_id, error)
            self.problems += 1


@breaks("started-once", "in_progress_recovery")
class RestartsRecoveredJob(Connector):
    """Sends `started` again to the in_progress job it resumes (answered 422), then goes on."""

    def process(self, job: Json) -> None:
        if job["status"] == "in_progress":
            with refused("restart"):
                self.send_event(job["id"], "started")
        super().process(job)


STALE_JOB_ID = "0f0e0d0c-0b0a-4908-8706-050403020100"  # a job "remembered" from another account


@breaks("no-retry-loop")
class RetriesRefusals(Connector):
    """Looks up a job id it remembers, and asks again and again although Pleo answers 404."""

    def run(self) -> int:
        for attempt in range(4):
            with refused(f"attempt {attempt + 1}"):
                self.client.request("GET", f"/v3/export-jobs/{STALE_JOB_ID}")
            time.sleep(0.05)
        return super().run()


@breaks("polls-gently")
class HotPolling(Connector):
    polls = 20  # in a row, with no pause, before it works: hurried, a warning

    def run(self) -> int:
        for _ in range(self.polls):
            self.list_open_jobs()
        return super().run()


@breaks("no-hot-polling")
class HotLoop(HotPolling):
    polls = 200  # a hot loop: an error


# The wire-level and OAuth ones live apart, registered here in the same way.
for _rule, (_scenario, _variant) in {**WIRE_BREAKAGES, **OAUTH_BREAKAGES}.items():
    breaks(_rule, _scenario)(_variant)


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--break", dest="rule", default=os.environ.get("BROKEN_RULE"))
    parser.add_argument("--list", action="store_true", help="show the rule ids and scenarios")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(f"{rule:26} {scenario}" for rule, scenario in BREAKAGES.items()))
        return 0
    if args.rule not in VARIANTS:
        parser.error(f"--break needs one of: {', '.join(VARIANTS)}")
    return main(VARIANTS[args.rule])


if __name__ == "__main__":
    sys.exit(cli())
