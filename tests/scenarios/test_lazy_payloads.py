"""Generated payloads are made when first read: the same bytes whatever the order, the thread,
a reset or a snapshot; a page of a big job pays for its own rows only; the cache stays bounded."""

from __future__ import annotations

import json
import random
import threading
from typing import Any

import pytest
from scenario_helpers import clock
from werkzeug.test import Client

from pleo_export_mock.domain.models import AccountingEntry
from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios import (
    ScenarioError,
    SeededSandbox,
    build_store,
    load_named,
    load_scenario_text,
    scenario_names,
)
from pleo_export_mock.scenarios.lazy import PAYLOADS, GeneratedEntries, PayloadCache
from pleo_export_mock.snapshot import restore_snapshot, take_snapshot

TWO_BLOCKS = """
name: two-blocks
description: Two generated runs of entries, one in a pending job, one queued.
seed: 77
companies:
  - key: acme
    name: Acme ApS
    country: DK
    entries:
      - key: first
        count: {first}
      - key: second
        count: 40
        type: invoice
    jobs:
      - key: export
        status: pending
        created: -5m
        entries: [first]
"""


def _scenario(first: int = 60) -> Any:
    return load_scenario_text(TWO_BLOCKS.replace("{first}", str(first)))


def _entries(state: SeededSandbox) -> list[AccountingEntry]:
    return [e for c in state.company_ids.values() for e in state.store.entries(c)]


def _bytes(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True)


def _sample(entries: list[AccountingEntry], most: int = 400) -> list[AccountingEntry]:
    """Every entry of a small scenario; of a big one (large), its ends and a seeded sample."""
    if len(entries) <= most:
        return entries
    rest = random.Random(5).sample(entries[50:-50], most - 100)
    return [*entries[:50], *rest, *entries[-50:]]


@pytest.mark.parametrize("name", scenario_names())
def test_every_scenario_gives_the_same_bytes_whatever_the_read_order(name: str) -> None:
    scenario = load_named(name)
    forwards = build_store(scenario, clock=clock(), cache=PayloadCache())
    backwards = build_store(scenario, clock=clock(), cache=PayloadCache())
    chosen = _sample(_entries(forwards))
    order = {entry.id: _bytes(entry.payload) for entry in chosen}
    others = {e.id: e for e in _entries(backwards)}
    shuffled = [others[entry.id] for entry in chosen]
    random.Random(1).shuffle(shuffled)
    assert {entry.id: _bytes(entry.payload) for entry in shuffled} == order


def test_a_payload_is_made_on_first_read_and_kept() -> None:
    cache = PayloadCache()
    state = build_store(_scenario(), clock=clock(), cache=cache)
    assert cache.made == 0  # seeding made no payload
    entry = _entries(state)[7]
    first = entry.payload
    assert cache.made == 1
    assert entry.payload is first  # read again: kept, not made again
    assert cache.made == 1


def test_an_entry_made_again_after_eviction_is_the_same_bytes() -> None:
    cache = PayloadCache(limit=10)
    state = build_store(_scenario(), clock=clock(), cache=cache)
    entries = _entries(state)
    before = [_bytes(entry.payload) for entry in entries]
    assert len(cache) == 10  # bounded, whatever was read
    assert cache.made == len(entries)
    assert [_bytes(entry.payload) for entry in entries] == before
    assert cache.made == 2 * len(entries)  # every one dropped and made again


def test_the_cache_drops_the_least_recently_read_first() -> None:
    cache = PayloadCache(limit=3)
    state = build_store(_scenario(), clock=clock(), cache=cache)
    a, b, c, d = _entries(state)[:4]
    for entry in (a, b, c, a, d):  # a read again, so b is the oldest when d comes
        _ = entry.payload
    made = cache.made
    _ = a.payload, c.payload, d.payload
    assert cache.made == made
    _ = b.payload
    assert cache.made == made + 1


def test_threads_reading_the_same_entries_see_the_same_bytes() -> None:
    reference = build_store(_scenario(), clock=clock(), cache=PayloadCache())
    expected = [_bytes(entry.payload) for entry in _entries(reference)]
    state = build_store(_scenario(), clock=clock(), cache=PayloadCache(limit=16))
    entries = _entries(state)
    seen: list[list[str]] = []
    problems: list[BaseException] = []

    def read(seed: int) -> None:
        try:
            order = list(range(len(entries)))
            random.Random(seed).shuffle(order)
            got = dict.fromkeys(order, "")
            for index in order:
                got[index] = _bytes(entries[index].payload)
            seen.append([got[index] for index in range(len(entries))])
        except BaseException as problem:  # pragma: no cover - reported below
            problems.append(problem)

    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert seen == [expected] * 6


def test_reconciliation_ids_stay_unique_across_runs_and_added_entries() -> None:
    sandbox = Sandbox(_scenario())
    sandbox.add_entries("acme", 5)
    ids = [
        entry.payload["additionalInformation"]["reconciliationId"]
        for entry in sandbox.store.entries(sandbox.company_id("acme"))
    ]
    assert len(ids) == 105
    assert len(set(ids)) == len(ids)


def test_a_reset_and_a_snapshot_give_the_same_bytes() -> None:
    sandbox = Sandbox(_scenario())
    company = sandbox.company_id("acme")
    before = {e.id: _bytes(e.payload) for e in sandbox.store.entries(company)}
    document = json.loads(json.dumps(take_snapshot(sandbox)))
    PAYLOADS.clear()  # nothing kept: whatever is read next is made again
    sandbox.reset()
    assert {e.id: _bytes(e.payload) for e in sandbox.store.entries(company)} == before
    restored = Sandbox("pending")
    restore_snapshot(restored, document)
    assert {e.id: _bytes(e.payload) for e in restored.store.entries(company)} == before


def test_a_snapshot_of_entries_never_read_holds_them_all() -> None:
    sandbox = Sandbox(_scenario())
    company = sandbox.company_id("acme")
    PAYLOADS.clear()
    document = take_snapshot(sandbox)
    written = {
        e["id"]: _bytes(e["payload"]) for c in document["store"]["companies"] for e in c["entries"]
    }
    # the receipts of payloads made while writing are listed too: their links resolve
    receipts = {r["id"] for r in document["seeded"]["generators"][company]["receipts"]}
    assert {e.id: _bytes(e.payload) for e in sandbox.store.entries(company)} == written
    linked = {
        f["url"].rsplit("/", 1)[1].partition(".")[0]
        for e in sandbox.store.entries(company)
        for f in e.payload["files"]
    }
    assert linked <= receipts


def test_a_page_of_a_big_job_is_served_from_its_own_rows() -> None:
    sandbox = Sandbox(_scenario(first=50_000))
    client = Client(create_app(sandbox, HttpSettings(response_violations="raise")))
    key = next(c for c in sandbox.state.credentials if c.kind.value == "api_key")
    auth = {"Authorization": authorization_header(key)}
    job = sandbox.store.jobs()[0]
    entries = {e.id: e for e in sandbox.store.entries(job.company_id)}
    source = entries[job.items[0].accounting_entry_id].source
    assert isinstance(source, GeneratedEntries)
    made = PAYLOADS.made
    answer = client.get(f"/v3/export-items?job_id={job.id}&limit=100&offset=31000", headers=auth)
    assert answer.status_code == 200, answer.text
    rows = answer.json["data"]
    wanted = [item.accounting_entry_id for item in job.items[31_000:31_100]]
    assert [row["accountingEntryId"] for row in rows] == wanted
    for row in rows:
        entry = entries[row["accountingEntryId"]]
        fresh = source.make(entry.index)  # made anew, apart from any cache
        assert row["amount"] == fresh["amount"]
        assert row["accountingEntryLines"] == fresh["accountingEntryLines"]
        assert row["additionalInformation"] == fresh["additionalInformation"]
    assert PAYLOADS.made - made <= 100  # the page's own rows, none of the other 49,900


def test_the_schema_takes_a_million_entries_and_refuses_more() -> None:
    load_scenario_text(TWO_BLOCKS.replace("{first}", "1000000"))
    with pytest.raises(ScenarioError, match="1000001"):
        load_scenario_text(TWO_BLOCKS.replace("{first}", "1000001"))


def test_overrides_apply_to_entries_made_on_read_and_are_not_shared() -> None:
    text = TWO_BLOCKS.replace("{first}", "3").replace(
        "        type: invoice\n",
        "        type: invoice\n        overrides: {note: fixed, servicePeriod: {from: x}}\n",
    )
    state = build_store(load_scenario_text(text), clock=clock(), cache=PayloadCache())
    second = set(state.entry_ids["second"])
    invoices = [e.payload for e in _entries(state) if e.id in second]
    assert len(invoices) == 40
    assert {p["type"] for p in invoices} == {"invoice"}
    assert {p["note"] for p in invoices} == {"fixed"}
    assert {p["servicePeriod"]["from"] for p in invoices} == {"x"}
    assert all("to" in p["servicePeriod"] for p in invoices)  # merged, not replaced
    assert invoices[0]["servicePeriod"] is not invoices[1]["servicePeriod"]
