"""The /_mock control plane's handlers: Pleo's side of the sandbox (openapi/control-plane.yaml).

They run in the same pipeline as the Export API (pipeline.py), without credentials or faults.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..delivery.faults import parse_delivery_faults
from ..domain.clock import format_timestamp
from ..faults import parse_rules
from ..journal.export import to_har, to_ndjson
from ..scenarios import load_named
from ..snapshot import SnapshotError, restore_snapshot, take_snapshot
from . import dashboard, errors, serialize, state_view
from .call import Call, Handler, Reply
from .entry_check import check_new_entry
from .index import index
from .oauth.control import OAUTH_CONTROL_HANDLERS

NDJSON_TYPE = "application/x-ndjson"


def reset(call: Call) -> Reply:
    call.sandbox.reset()
    return Reply(200, state_view.summary(call.sandbox))


def get_scenario(call: Call) -> Reply:
    return Reply(200, state_view.summary(call.sandbox))


def load_scenario(call: Call) -> Reply:
    if isinstance(call.body, str):  # a whole scenario file, sent as YAML
        call.sandbox.load_scenario_text(call.body)
    else:
        # A shipped scenario's name only: over HTTP, a path would read the server's files.
        call.sandbox.load_scenario(load_named(call.body["name"]), seed=call.body.get("seed"))
    return Reply(200, state_view.summary(call.sandbox))


# Entries a client may add to one state. An added entry's data is made at once (about 7 KB,
# where a scenario's generated ones are made when read), so without a bound a loop of requests
# fills the server's memory: twenty of 10,000 took 1.4 GB.
MAX_ADDED_ENTRIES = 20_000


def create_entries(call: Call) -> Reply:
    body = call.body or {}
    ids = call.sandbox.add_entries(
        call.params["company"],
        body.get("count", 1),
        body.get("overrides") or {},
        check=check_new_entry,
        limit=MAX_ADDED_ENTRIES,
    )
    return Reply(201, {"data": ids})


def press_export(call: Call) -> Reply:
    body = call.body or {}
    job = call.sandbox.press_export(
        call.params["company"],
        body.get("accountingEntryIds"),
        vendor_based_bookkeeping=body.get("vendorBasedBookkeeping", False),
        is_interactive=body.get("isInteractive", True),
    )
    return Reply(201, {"data": serialize.job_v3(job, call.sandbox.now())})


def get_clock(call: Call) -> Reply:
    return Reply(200, {"now": format_timestamp(call.sandbox.now())})


def advance_clock(call: Call) -> Reply:
    return Reply(200, {"now": format_timestamp(call.sandbox.advance_clock(call.body["seconds"]))})


def get_state(call: Call) -> Reply:
    return Reply(200, state_view.state(call.sandbox))


def get_journal(call: Call) -> Reply:
    journal = call.sandbox.journal
    latest = journal.latest  # read first: an entry recorded meanwhile is still fetched next time
    since, limit = call.params.get("since", 0), call.params.get("limit")
    entries = journal.since(since, limit)
    kind = call.params.get("format", "json")
    if kind == "ndjson":
        return Reply(200, to_ndjson(entries), NDJSON_TYPE)
    if kind == "har":
        return Reply(200, to_har(entries, call.request.host_url.rstrip("/")))
    return Reply(200, {"data": [entry.to_dict() for entry in entries], "latest": latest})


def get_verdict(call: Call) -> Reply:
    judge = call.settings.judge
    if judge is None:
        raise errors.verdict_not_available()
    return Reply(200, judge(call.sandbox))


def get_faults(call: Call) -> Reply:
    return Reply(200, {"data": call.sandbox.faults.describe()})


def add_faults(call: Call) -> Reply:
    rules = parse_rules(call.body["faults"])  # a bad rule is refused before anything changes
    call.sandbox.faults.add(rules, replace=bool(call.body.get("replace")))
    return get_faults(call)


def clear_faults(call: Call) -> Reply:
    call.sandbox.faults.clear()
    return get_faults(call)


def get_timeline(call: Call) -> Reply:
    return Reply(200, {"data": call.sandbox.timeline.describe()})


def get_webhook_faults(call: Call) -> Reply:
    return Reply(200, {"data": call.sandbox.outbox.faults.describe()})


def add_webhook_faults(call: Call) -> Reply:
    rules = parse_delivery_faults(call.body["faults"], "faults")  # refused before any change
    call.sandbox.outbox.faults.add(rules, replace=bool(call.body.get("replace")))
    return get_webhook_faults(call)


def clear_webhook_faults(call: Call) -> Reply:
    call.sandbox.outbox.faults.clear()
    return get_webhook_faults(call)


def fire_webhook(call: Call) -> Reply:
    event, count = call.sandbox.fire_webhook(call.body["jobId"])
    body = json.loads(event.body)
    data = {"eventId": body["eventId"], "webhookId": event.message_id, "subscriptions": count}
    return Reply(202, {"data": data})


def get_snapshot(call: Call) -> Reply:
    try:
        return Reply(200, take_snapshot(call.sandbox))
    except SnapshotError as problem:
        raise errors.snapshot_unavailable(problem) from None


def put_snapshot(call: Call) -> Reply:
    restore_snapshot(call.sandbox, call.body)  # refused whole, before anything changes
    return Reply(200, state_view.summary(call.sandbox))


def get_job_state(call: Call) -> Reply:
    return Reply(200, state_view.job_with_items(call.sandbox, call.params["jobId"]))


def _read_fault_rules(body: Any) -> None:
    if isinstance(body, dict) and "faults" in body:
        parse_rules(body["faults"])


def _read_webhook_fault_rules(body: Any) -> None:
    if isinstance(body, dict) and "faults" in body:
        parse_delivery_faults(body["faults"], "faults")


def _read_scenario_name(body: Any) -> None:
    if isinstance(body, dict) and isinstance(body.get("name"), str):
        load_named(body["name"])


# Bodies these handlers read with readers of their own, which explain a refusal better than
# the spec's schema can (the pipeline's `_refusal`); the schema still decides what is refused.
BODY_READERS: dict[str, Callable[[Any], object]] = {
    "addFaults": _read_fault_rules,
    "addWebhookFaults": _read_webhook_fault_rules,
    "loadScenario": _read_scenario_name,
}

CONTROL_HANDLERS: dict[str, Handler] = {
    "root": index,
    "index": index,
    "reset": reset,
    "getScenario": get_scenario,
    "loadScenario": load_scenario,
    "createEntries": create_entries,
    "pressExport": press_export,
    "getClock": get_clock,
    "advanceClock": advance_clock,
    "getState": get_state,
    "getJobState": get_job_state,
    "getJournal": get_journal,
    "getVerdict": get_verdict,
    "getDashboardAsset": dashboard.asset,
    "getFaults": get_faults,
    "addFaults": add_faults,
    "clearFaults": clear_faults,
    "getTimeline": get_timeline,
    "getWebhookFaults": get_webhook_faults,
    "addWebhookFaults": add_webhook_faults,
    "clearWebhookFaults": clear_webhook_faults,
    "fireWebhook": fire_webhook,
    "getSnapshot": get_snapshot,
    "putSnapshot": put_snapshot,
    **OAUTH_CONTROL_HANDLERS,
}
