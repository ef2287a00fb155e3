"""Generated ExportItemV3 payloads: exact arithmetic, realistic shape, valid against the spec."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from pleo_export_mock.scenarios.book import build_book, iban
from pleo_export_mock.scenarios.generator import PayloadGenerator, deep_merge
from pleo_export_mock.scenarios.model import EntrySpec
from pleo_export_mock.scenarios.profiles import PROFILES
from pleo_export_mock.scenarios.receipts import file_name_of

ROOT = Path(__file__).resolve().parents[2]
OUR_SPEC = ROOT / "openapi" / "export-api.yaml"
REFERENCE_SPEC = (
    Path(__file__).resolve().parents[3] / "shared/reference/pleo-export-openapi-v3.yaml"
)
NOW = datetime(2026, 4, 22, 10, 0, tzinfo=UTC)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
COUNTRIES = [
    ("DK", "DKK"),
    ("SE", "SEK"),
    ("NO", "NOK"),
    ("GB", "GBP"),
    ("FR", "EUR"),
    ("DE", "EUR"),
]
TYPES = sorted(PROFILES)


def varied_payloads(count: int) -> Iterator[dict[str, Any]]:
    """Payloads across every type, country, tax type, currency and bookkeeping choice."""
    rng = random.Random(42)
    generators = [
        PayloadGenerator(build_book(random.Random(f"book:{country}"), country, currency))
        for country, currency in COUNTRIES
    ]
    taxes = [None, None, "inclusive", "exclusive", "reverse", "none"]
    currencies = [None, None, None, "USD", "EUR", "GBP"]
    for n in range(count):
        spec = EntrySpec(
            key="e",
            at=(),
            type=TYPES[n % len(TYPES)] if n % 5 else None,
            tax=taxes[n % len(taxes)],
            currency=currencies[(n // 3) % len(currencies)],
            lines=None if n % 4 else 1 + n % 3,
            bookkeeping="accounts_payable" if n % 11 == 0 else None,
        )
        generator = generators[n % len(generators)]
        yield generator.payload(rng, spec, before=NOW, vendor_based=n % 2 == 0)


def money(pair: dict[str, Any]) -> tuple[int, int]:
    return pair["inSupplierCurrency"]["value"], pair["inWalletCurrency"]["value"]


# -- arithmetic and shape ----------------------------------------------------------------------


def test_amount_is_the_sum_of_the_lines_in_both_currencies() -> None:
    for payload in varied_payloads(300):
        lines = payload["accountingEntryLines"]
        total_s, total_w = money(payload["amount"])
        assert total_s == sum(money(line["lineAmount"])[0] for line in lines)
        assert total_w == sum(money(line["lineAmount"])[1] for line in lines)


def test_tax_arithmetic_is_exact_integers() -> None:
    checked = set()
    for payload in varied_payloads(300):
        for line in payload["accountingEntryLines"]:
            tax = line["tax"]
            if tax is None:
                assert money(line["netAmount"]) == money(line["lineAmount"])
                continue
            checked.add(tax["type"])
            assert tax["rate"] in (0.25, 0.2, 0.19)
            for side in ("inSupplierCurrency", "inWalletCurrency"):
                gross = line["lineAmount"][side]["value"]
                net = line["netAmount"][side]["value"]
                vat = tax["amount"][side]["value"]
                assert all(isinstance(v, int) for v in (gross, net, vat))
                if tax["type"] == "inclusive":
                    assert net + vat == gross
                    assert abs(vat - gross * tax["rate"] / (1 + tax["rate"])) <= 0.5
                elif tax["type"] == "exclusive":  # tax on top of the net, within rounding
                    assert net + vat == gross
                    assert abs(vat - net * tax["rate"]) <= 1
                else:
                    assert net == gross
                    assert abs(vat - gross * tax["rate"]) <= 0.5
    assert checked == {"inclusive", "exclusive", "reverse"}


def test_a_known_inclusive_example() -> None:
    from fractions import Fraction

    from pleo_export_mock.scenarios.money import split_tax

    assert split_tax(89696, Fraction(1, 4), "inclusive") == (71757, 17939)
    assert split_tax(-89696, Fraction(1, 4), "inclusive") == (-71757, -17939)
    assert split_tax(10000, Fraction(1, 5), "reverse") == (10000, 2000)
    assert split_tax(12500, Fraction(1, 4), "exclusive") == (10000, 2500)
    assert split_tax(-12500, Fraction(1, 4), "exclusive") == (-10000, -2500)


def test_refunds_are_negative_and_purchases_positive() -> None:
    for payload in varied_payloads(200):
        value = payload["amount"]["inWalletCurrency"]["value"]
        sign = PROFILES[payload["type"]].sign
        assert value * sign >= 0


def test_foreign_currency_purchases_carry_both_currencies() -> None:
    pairs = {
        (p["amount"]["inSupplierCurrency"]["currency"], p["amount"]["inWalletCurrency"]["currency"])
        for p in varied_payloads(200)
    }
    assert any(supplier != wallet for supplier, wallet in pairs)


def test_timestamps_receipts_and_book_ids_look_like_pleos() -> None:
    for payload in varied_payloads(150):
        assert TIMESTAMP.match(payload["date"])
        assert payload["date"] < "2026-04-22T10:00:00Z"
        assert re.match(r"^PLEO-\d{4}-\d{6}$", payload["additionalInformation"]["reconciliationId"])
        for file in payload["files"]:
            # a path on the sandbox; the Export API makes it a signed link when it is fetched
            assert re.match(r"^/files/receipts/[0-9a-f-]{36}\.(pdf|png)$", file["url"])
            assert file["type"] in ("application/pdf", "image/png") and file["size"] > 0
        for key in ("accountingEntryId", "companyId", "_links"):
            assert key not in payload  # the sandbox adds these when serving


def test_invoices_carry_invoice_information_and_a_service_period() -> None:
    invoices = [p for p in varied_payloads(200) if p["type"] == "invoice"]
    assert invoices
    for payload in invoices:
        info = payload["additionalInformation"]["invoiceInformation"]
        assert info["invoiceNumber"] and TIMESTAMP.match(info["invoiceDate"])
        assert payload["servicePeriod"]["from"] < payload["servicePeriod"]["to"]


def test_vendor_data_follows_vendor_based_bookkeeping() -> None:
    generator = PayloadGenerator(build_book(random.Random(1), "DK", "DKK"))
    spec = EntrySpec(key="e", at=(), type="invoice")
    rng = random.Random(2)
    plain = generator.payload(rng, spec, before=NOW, vendor_based=False)
    assert plain["vendor"] is None and plain["bookkeeping"] is None
    vendored = generator.payload(rng, spec, before=NOW, vendor_based=True)
    assert vendored["vendor"]["name"] and vendored["bookkeeping"] == {"method": "accounts_payable"}
    assert vendored["contraAccount"]["code"] == "2440"


def test_generated_ibans_have_valid_check_digits() -> None:
    assert iban("GB", "NWBK60161331926819") == "GB29NWBK60161331926819"


def test_deep_merge() -> None:
    base = {"a": {"b": 1, "c": 2}, "l": [1, 2], "v": {"x": 1}}
    merged = deep_merge(base, {"a": {"c": 3}, "l": [9], "v": None})
    assert merged == {"a": {"b": 1, "c": 3}, "l": [9], "v": None}
    assert base == {"a": {"b": 1, "c": 2}, "l": [1, 2], "v": {"x": 1}}


def test_same_stream_same_payloads() -> None:
    assert list(varied_payloads(50)) == list(varied_payloads(50))


def test_bulk_payloads_are_all_distinct() -> None:
    # Their speed is for bench/bench_fixture.py to show, not for a test to assert.
    generator = PayloadGenerator(build_book(random.Random(1), "DE", "EUR"))
    spec = EntrySpec(key="bulk", at=())
    rng = random.Random(3)
    payloads = [generator.payload(rng, spec, before=NOW, vendor_based=True) for _ in range(2000)]
    reconciliation = {p["additionalInformation"]["reconciliationId"] for p in payloads}
    assert len(reconciliation) == len(payloads)


# -- against the spec --------------------------------------------------------------------------


def spec_path() -> Path:
    """Our served spec when it exists (same ExportItemV3, bogus patterns removed), else Pleo's."""
    for path in (OUR_SPEC, REFERENCE_SPEC):
        if path.is_file():
            return path
    pytest.skip("no OpenAPI document with ExportItemV3 is available")


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: nullable -> null in type/enum; date pictures dropped.

    Objects with declared properties also get additionalProperties: false, so a misspelt
    field name in the generator fails here instead of passing silently.
    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key == "pattern" and ("YYYY" in value or "yyyy" in value):
            continue  # a format picture, not a regex (facts §6b)
        elif key in ("nullable", "example", "description"):
            continue
        elif key == "properties":
            out[key] = {name: to_json_schema(schema) for name, schema in value.items()}
        else:
            out[key] = to_json_schema(value)
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def format_checker() -> FormatChecker:
    checker = FormatChecker(["uuid"])

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        if not re.match(
            r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", instance
        ):
            return False
        datetime.fromisoformat(instance.replace("Z", "+00:00"))
        return True

    return checker


@pytest.fixture(scope="module")
def export_item_validator() -> Draft202012Validator:
    document = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    schema = {"$defs": to_json_schema(schemas), "$ref": "#/$defs/ExportItemV3"}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=format_checker())


def served(payload: dict[str, Any], n: int) -> dict[str, Any]:
    """What the sandbox adds when serving, so the payload is a whole ExportItemV3."""
    link = f"https://app.pleo.invalid/export/{n}"
    return {
        **payload,
        "accountingEntryId": f"00000000-0000-4000-8000-{n:012d}",
        "companyId": "11111111-1111-4111-8111-111111111111",
        "_links": {"web": {"exportItem": link}},
    }


def test_two_hundred_generated_payloads_validate(
    export_item_validator: Draft202012Validator,
) -> None:
    for n, payload in enumerate(varied_payloads(200)):
        errors = list(export_item_validator.iter_errors(served(payload, n)))
        assert not errors, f"payload {n} ({payload['type']}): " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
        )


def test_the_validator_does_catch_bad_payloads(export_item_validator: Draft202012Validator) -> None:
    payload = served(next(varied_payloads(1)), 0)
    assert not list(export_item_validator.iter_errors(payload))
    assert list(export_item_validator.iter_errors({**payload, "date": "2026-04-22 10:00"}))
    assert list(export_item_validator.iter_errors({**payload, "accountingEntryId": "nope"}))
    assert list(export_item_validator.iter_errors({**payload, "vendr": None}))
    assert not list(export_item_validator.iter_errors({**payload, "vendor": None}))


def test_scenario_payloads_validate(export_item_validator: Draft202012Validator) -> None:
    from scenario_helpers import clock

    from pleo_export_mock.scenarios import build_store, load_named, scenario_names

    for name in scenario_names():
        if name == "large":
            continue  # same generator; 12,000 validations would only slow the suite
        if name == "fuzz":
            continue  # hostile data adds the extra properties the spec allows: test_hostile.py
        sandbox = build_store(load_named(name), clock=clock())
        for company_id in sandbox.company_ids.values():
            for n, entry in enumerate(sandbox.store.entries(company_id)):
                errors = list(export_item_validator.iter_errors(served(entry.payload, n)))
                assert not errors, f"{name}: {errors[0].message}"


def test_category_picks_a_fitting_counterparty_and_account() -> None:
    generator = PayloadGenerator(build_book(random.Random(1), "SE", "SEK"))
    rng = random.Random(5)
    for category in ("meals", "software", "lodging"):
        spec = EntrySpec(key="e", at=(), type="card_purchase", category=category)
        payload = generator.payload(rng, spec, before=NOW, vendor_based=False)
        role_names = {"meals": "Meals", "software": "Software", "lodging": "Hotels"}
        assert payload["accountingEntryLines"][0]["account"]["name"].startswith(
            role_names[category]
        )


def test_categories_match_the_scenario_schema() -> None:
    from pleo_export_mock.scenarios.profiles import CATEGORIES
    from pleo_export_mock.scenarios.validate import scenario_schema

    entry = scenario_schema()["$defs"]["entry"]["properties"]
    assert tuple(entry["category"]["enum"]) == CATEGORIES
    assert entry["type"]["$ref"] == "#/$defs/export_item_type"
    assert set(scenario_schema()["$defs"]["export_item_type"]["enum"]) == set(PROFILES)


def test_a_generators_copy_holds_every_field_and_numbers_on_apart() -> None:
    """A reset copies each company's generator: a field left behind would leak between tests."""
    original = PayloadGenerator(build_book(random.Random(3), "DK", "DKK"))
    original.book.next_reconciliation_id(2026)
    twin = original.copy()
    assert vars(twin).keys() == vars(original).keys()
    book, twin_book = original.book, twin.book
    apart = ("book_ids", "receipts")
    assert all(getattr(twin_book, f) is getattr(book, f) for f in book.__slots__ if f not in apart)
    assert twin_book.book_ids == book.book_ids and twin_book.book_ids is not book.book_ids
    assert twin_book.next_reconciliation_id(2026) == book.next_reconciliation_id(2026)


def test_a_copys_receipts_are_its_own_and_its_origins_reach_it() -> None:
    """An entry added to one copy registers its receipts there alone; a seeded entry's, made
    whenever first read, in the origin that every copy serves from."""
    origin = PayloadGenerator(build_book(random.Random(3), "DK", "DKK"))
    twin, other = origin.copy(), origin.copy()
    added = _receipt_id(twin, random.Random(1))
    seeded = _receipt_id(origin, random.Random(2))
    assert added in twin.book.receipts and added in twin.copy().book.receipts
    assert added not in other.book.receipts and added not in origin.book.receipts
    assert all(seeded in g.book.receipts for g in (origin, twin, other, twin.copy()))


def _receipt_id(generator: PayloadGenerator, rng: random.Random) -> str:
    """The receipt of a new invoice `generator` makes."""
    spec = EntrySpec(key="e", at=(), type="invoice", receipts=1)
    payload = generator.payload(
        rng, spec, before=datetime(2026, 1, 15, tzinfo=UTC), vendor_based=False
    )
    [file] = payload["files"]
    return str(file_name_of(file["url"])).partition(".")[0]
