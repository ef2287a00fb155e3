"""Hostile payloads: deterministic, valid against the spec, hostile in every promised way, and
served by the sandbox as they are."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from werkzeug.test import Client

from pleo_export_mock import Sandbox, authorization_header, create_app
from pleo_export_mock.domain.models import JobEvent
from pleo_export_mock.scenarios.hostile import (
    JOB_SHAPES,
    THEMES,
    hostile_entries,
    hostile_job_shape,
    hostile_payloads,
    hostile_themes,
    payload_schema,
)
from pleo_export_mock.scenarios.hostile.walk import CODES, OWNED, UNKNOWN_CODES, Walker
from pleo_export_mock.spec import load_spec
from pleo_export_mock.validation.checker import format_checker, is_uuid

PAGE = load_spec().operation("getExportItemsV3").responses["200"]
assert PAGE is not None
ITEM = PAGE["properties"]["data"]["items"]
VALIDATOR = Draft202012Validator(ITEM, format_checker=format_checker())
SANDBOX_FIELDS = {
    "_links": {"web": {"exportItem": "https://app.pleo.invalid/x"}},
    "accountingEntryId": "3c1f5a3e-1111-4111-8111-111111111111",
    "companyId": "3c1f5a3e-2222-4222-8222-222222222222",
}
KNOWN_TYPES = dict(CODES)[("$", "type")]
SIDES = ("inSupplierCurrency", "inWalletCurrency")
LOWER_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def digest(payloads: list[dict[str, Any]]) -> str:
    text = json.dumps(payloads, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def errors_of(payload: dict[str, Any]) -> list[str]:
    served = {**SANDBOX_FIELDS, **payload}
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in VALIDATOR.iter_errors(served)]


def strings(node: Any) -> Iterator[str]:
    """Every string in a payload, property names included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def amounts(node: Any) -> Iterator[int | float]:
    """Every `value` of a {currency, value} money object."""
    if isinstance(node, dict):
        if "currency" in node and "value" in node:
            yield node["value"]
        for value in node.values():
            yield from amounts(value)
    elif isinstance(node, list):
        for item in node:
            yield from amounts(item)


def timestamps(payload: dict[str, Any]) -> Iterator[str]:
    yield payload["date"]
    period = payload.get("servicePeriod")
    if isinstance(period, dict):
        yield from (period["from"], period["to"])
    invoice = payload["additionalInformation"].get("invoiceInformation")
    if isinstance(invoice, dict):
        yield from (v for k, v in invoice.items() if k.endswith("Date") and isinstance(v, str))


# -- determinism --------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes() -> None:
    assert digest(hostile_payloads(11, 40)) == digest(hostile_payloads(11, 40))
    assert digest(hostile_payloads(11, 40)) != digest(hostile_payloads(12, 40))
    # Payload i does not depend on the count, and a company id salts every stream.
    assert hostile_payloads(11, 40)[:7] == hostile_payloads(11, 7)
    assert hostile_payloads(11, 5, company_id="a") != hostile_payloads(11, 5, company_id="b")
    assert hostile_payloads(11, 5, company_id="a") == hostile_payloads(11, 5, company_id="a")


def test_the_same_seed_gives_the_same_bytes_in_another_process() -> None:
    program = (
        "import hashlib, json\n"
        "from pleo_export_mock.scenarios.hostile import hostile_payloads\n"
        "for seed, company in ((3, None), (4, 'c0mpany')):\n"
        "    data = hostile_payloads(seed, 50, company_id=company)\n"
        "    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(',', ':'))\n"
        "    print(hashlib.sha256(text.encode('utf-8')).hexdigest())\n"
    )
    expected = [
        digest(hostile_payloads(3, 50)),
        digest(hostile_payloads(4, 50, company_id="c0mpany")),
    ]
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
        )
        assert run.stdout.split() == expected


# -- validity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_every_payload_is_valid_against_the_spec(seed: int) -> None:
    for index, payload in enumerate(hostile_payloads(seed, 60)):
        assert errors_of(payload) == [], f"seed {seed} payload {index}"


@settings(max_examples=25, derandomize=True, database=None, deadline=None)
@given(seed=st.integers(min_value=-(2**40), max_value=2**40), company=st.none() | st.text())
def test_any_seed_and_company_give_valid_payloads(seed: int, company: str | None) -> None:
    for payload in hostile_payloads(seed, 4, company_id=company):
        assert errors_of(payload) == []


def test_payloads_are_plain_json_without_the_sandbox_fields() -> None:
    for payload in hostile_payloads(5, 60):
        assert not set(OWNED) & set(payload)
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False)  # no NaN or infinity
        text.encode("utf-8")  # no lone surrogate
        assert all("\x00" not in s for s in strings(payload))
    assert not set(OWNED) & set(payload_schema()["properties"])


def test_payload_schema_is_a_copy() -> None:
    payload_schema()["properties"].clear()
    assert errors_of(hostile_payloads(0, 1)[0]) == []
    assert payload_schema()["properties"]


def test_a_keyword_the_walker_does_not_know_is_refused_not_guessed() -> None:
    import random

    walker = Walker(random.Random(0), (), {})
    with pytest.raises(ValueError, match="pattern"):
        walker.value({"type": "string", "pattern": "^[A-Z]{3}$"}, ("$", "code"))
    with pytest.raises(ValueError, match="format email"):
        walker.value({"type": "string", "format": "email"}, ("$", "mail"))


# -- hostility ----------------------------------------------------------------------------------


def features(payload: dict[str, Any]) -> set[str]:
    """The hostile features a payload shows, read from the data alone."""
    found: set[str] = set()
    texts = list(strings(payload))
    chars = {c for s in texts for c in s}
    values = list(amounts(payload))
    times = list(timestamps(payload))
    lines = payload["accountingEntryLines"]
    checks = {
        "null vendor": "vendor" in payload and payload["vendor"] is None,
        "absent vendor": "vendor" not in payload,
        ">= 200 lines": len(lines) >= 200,
        "no lines": not lines,
        "emoji": any(0x1F300 <= ord(c) <= 0x1FAFF for c in chars),
        "rtl": any(unicodedata.bidirectional(c) in ("R", "AL", "RLO") for c in chars),
        "combining mark": any(unicodedata.combining(c) for c in chars),
        "control char": any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in chars),
        "10k string": any(len(s) >= 10_000 for s in texts),
        "empty string": "" in texts,
        "injection": any(s.startswith("=") or "DROP TABLE" in s or "<script>" in s for s in texts),
        "non-Z offset": any(
            t[-1] not in "Zz" and t[-6:] not in ("+00:00", "-00:00") for t in times
        ),
        "year 1970": any(t.startswith("1970") for t in times),
        "year 2099": any(t.startswith("2099") for t in times),
        "fractional seconds": any("." in t for t in times),
        "value 0": any(v == 0 for v in values),
        "negative value": any(v < 0 for v in values),
        "value > 1e12": any(v > 1e12 for v in values),
        "fractional value": any(v != int(v) for v in values),
        "UNDEFINED currency": "UNDEFINED" in texts,
        "unknown type": payload["type"] not in KNOWN_TYPES,
        "top-level extra property": bool(set(payload) - set(ITEM["properties"])),
        "null file": isinstance(payload.get("files"), list) and None in payload["files"],
        "odd uuid": any(is_uuid(s) and not LOWER_V4.fullmatch(s) for s in texts if len(s) == 36),
        "duplicate line id": len({line["accountingEntryLineId"] for line in lines}) < len(lines),
        ">= 100 attendees": len(payload["additionalInformation"].get("attendees") or []) >= 100,
        "mixed currencies": any(
            line[part][side]["currency"] != payload["amount"][side]["currency"]
            for line in lines
            for part in ("lineAmount", "netAmount")
            for side in SIDES
        ),
    }
    found.update(name for name, present in checks.items() if present)
    return found


FEATURES = {
    *("null vendor", "absent vendor", ">= 200 lines", "no lines", "emoji", "rtl"),
    *("combining mark", "control char", "10k string", "empty string", "injection"),
    *("non-Z offset", "year 1970", "year 2099", "fractional seconds", "value 0"),
    *("negative value", "value > 1e12", "fractional value", "UNDEFINED currency"),
    *("unknown type", "top-level extra property", "null file", "odd uuid"),
    *("duplicate line id", ">= 100 attendees", "mixed currencies"),
}


@pytest.mark.parametrize("seed", [0, 1, 2, 7, 1_000_003])
def test_every_hostile_feature_appears_within_one_round_of_themes(seed: int) -> None:
    payloads = hostile_payloads(seed, len(THEMES))
    seen = set().union(*(features(p) for p in payloads))
    assert FEATURES - seen == set()


def test_each_payload_stresses_several_themes_and_each_theme_leads_once_a_round() -> None:
    plans = hostile_themes(9, 3 * len(THEMES))
    assert all(3 <= len(themes) <= 5 and len(set(themes)) == len(themes) for themes in plans)
    for start in (0, len(THEMES), 2 * len(THEMES)):
        main = [themes[0] for themes in plans[start : start + len(THEMES)]]
        assert sorted(main) == sorted(THEMES)
    assert not any({"nulls", "full"} <= set(themes) for themes in plans)
    assert not any({"many_lines", "no_lines"} <= set(themes) for themes in plans)


def test_unknown_codes_are_not_known_ones() -> None:
    known = {code for _suffix, codes in CODES for code in codes}
    assert not known & set(UNKNOWN_CODES)


# -- job shapes ---------------------------------------------------------------------------------


def test_job_shapes_include_the_empty_job_and_a_single_entry() -> None:
    sizes = [shape.size for shape in JOB_SHAPES]
    assert 0 in sizes and 1 in sizes and 101 in sizes
    assert {hostile_job_shape(seed) for seed in range(40, 40 + len(JOB_SHAPES))} == set(JOB_SHAPES)
    for seed in range(len(JOB_SHAPES)):
        entries = hostile_entries(seed, company_id="acme")
        assert len(entries) == hostile_job_shape(seed).size
        assert entries == hostile_payloads(seed, len(entries), company_id="acme")


# -- through the sandbox ------------------------------------------------------------------------


@pytest.mark.parametrize("vendor_based", [True, False])
def test_the_sandbox_serves_hostile_payloads_as_they_are(vendor_based: bool) -> None:
    sandbox = Sandbox("pending")
    client = Client(create_app(sandbox))  # a response that breaks the spec raises here
    store = sandbox.store
    company = store.companies()[0].id
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    for job in store.jobs(company):
        if job.status.is_open:
            store.apply_event([company], job.id, JobEvent.FAILED)
    payloads = hostile_payloads(21, len(THEMES) + 5, company_id=company)
    ids = [store.add_entry(company, payload).id for payload in payloads]
    job = store.create_job(company, ids, vendor_based_bookkeeping=vendor_based)

    served: dict[str, dict[str, Any]] = {}
    url: str | None = f"/v3/export-items?job_id={job.id}&limit=10"
    while url is not None:
        response = client.get(url, headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        body = json.loads(response.get_data())
        served.update((item["accountingEntryId"], item) for item in body["data"])
        page = body["pagination"]
        url = (
            f"{url.split('&after=')[0]}&after={page['endCursor']}" if page["hasNextPage"] else None
        )

    assert list(served) == ids
    for entry_id, payload in zip(ids, payloads, strict=True):
        item = served[entry_id]
        assert errors_of({k: v for k, v in item.items() if k not in OWNED}) == []
        expected = dict(payload)
        if not vendor_based:  # the sandbox blanks vendor data outside vendor-based jobs
            expected.update(vendor=None, bookkeeping=None)
        # Nullable properties a payload leaves out are served as null (decisions.md).
        assert _without_added_nulls(
            {k: v for k, v in item.items() if k not in OWNED}, expected
        ) == (expected)


def _without_added_nulls(served: Any, sent: Any) -> Any:
    """`served` minus the null properties that `sent` does not have, at any depth."""
    if isinstance(served, dict) and isinstance(sent, dict):
        return {
            key: _without_added_nulls(value, sent.get(key))
            for key, value in served.items()
            if key in sent or value is not None
        }
    if isinstance(served, list) and isinstance(sent, list) and len(served) == len(sent):
        return [_without_added_nulls(a, b) for a, b in zip(served, sent, strict=True)]
    return served
