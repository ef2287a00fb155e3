"""Every generated book is one a real ERP would accept: balanced, and with consistent accounts.

Checked over every shipped scenario and a fixed range of seeds (the hostile entries of `fuzz`
are excluded: they are odd on purpose), and over generator output for every country and type.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from scenario_helpers import clock

from pleo_export_mock.scenarios import SeededSandbox, build_store, load_named, scenario_names
from pleo_export_mock.scenarios.book import build_book
from pleo_export_mock.scenarios.generator import PayloadGenerator
from pleo_export_mock.scenarios.ledger import imbalances, post, unmatched_clearing
from pleo_export_mock.scenarios.model import EntrySpec
from pleo_export_mock.scenarios.profiles import PROFILES

NOW = datetime(2026, 4, 22, 10, 0, tzinfo=UTC)
COUNTRIES = {"DK": "DKK", "SE": "SEK", "NO": "NOK", "GB": "GBP", "FR": "EUR", "DE": "EUR"}
SEEDS = range(12)
LARGE_SEEDS = range(2)  # 12,000 entries a seed: two seeds already hold every type many times


def generated_items(sandbox: SeededSandbox) -> Iterator[tuple[str, dict[str, Any]]]:
    """(company id, payload) of every generated entry, the deliberately hostile ones left out."""
    hostile = {
        entry_id
        for company in sandbox.scenario.companies
        for entry in company.entries
        if entry.hostile
        for entry_id in sandbox.entry_ids[entry.key]
    }
    for company_id in sandbox.company_ids.values():
        for entry in sandbox.store.entries(company_id):
            if entry.id not in hostile:
                yield company_id, entry.payload


SCENARIO_SEEDS = [
    pytest.param(name, seed, id=f"{name}-{seed}")
    for name in scenario_names()
    for seed in (LARGE_SEEDS if name == "large" else SEEDS)
]


@pytest.mark.parametrize(("name", "seed"), SCENARIO_SEEDS)
def test_every_scenario_books_balance_and_settle_what_they_raise(name: str, seed: int) -> None:
    sandbox = build_store(load_named(name), seed=seed, clock=clock())
    items = list(generated_items(sandbox))
    assert imbalances(items) == []
    assert unmatched_clearing(items) == []


def generator_items(vendor_based: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every type, tax choice and currency, in every country's books."""
    rng = random.Random(7)
    taxes = [None, "inclusive", "exclusive", "reverse", "none"]
    currencies = [None, "USD", "EUR", "GBP"]
    for country, currency in COUNTRIES.items():
        generator = PayloadGenerator(build_book(random.Random(country), country, currency))
        for n in range(400):
            spec = EntrySpec(
                key="e",
                at=(),
                type=sorted(PROFILES)[n % len(PROFILES)],
                tax=taxes[n % len(taxes)],
                currency=currencies[(n // 5) % len(currencies)],
            )
            yield country, generator.payload(rng, spec, before=NOW, vendor_based=vendor_based)


@pytest.mark.parametrize("vendor_based", [False, True])
def test_every_type_tax_and_currency_balances(vendor_based: bool) -> None:
    items = list(generator_items(vendor_based))
    assert imbalances(items) == []
    assert unmatched_clearing(items) == []


@pytest.mark.parametrize("vendor_based", [False, True])
def test_invoices_raise_the_payable_their_payments_clear(vendor_based: bool) -> None:
    generator = PayloadGenerator(build_book(random.Random(1), "DE", "EUR"))
    rng = random.Random(2)

    def one(kind: str) -> dict[str, Any]:
        spec = EntrySpec(key="e", at=(), type=kind)
        return generator.payload(rng, spec, before=NOW, vendor_based=vendor_based)

    invoice, payment = one("invoice"), one("invoice_payment")
    payables = invoice["contraAccount"]
    assert payables["code"] == "2440"
    assert {line["account"]["code"] for line in payment["accountingEntryLines"]} == {"2440"}
    assert payment["contraAccount"]["code"] == "1940"  # paid from the wallet


def test_posting_an_exclusive_line_debits_net_and_tax_and_credits_the_gross() -> None:
    generator = PayloadGenerator(build_book(random.Random(1), "DK", "DKK"))
    spec = EntrySpec(key="e", at=(), type="card_purchase", tax="exclusive", amount=12_500, lines=1)
    item = generator.payload(random.Random(3), spec, before=NOW, vendor_based=False)
    (line,) = item["accountingEntryLines"]
    net = line["netAmount"]["inWalletCurrency"]["value"]
    tax = line["tax"]["amount"]["inWalletCurrency"]["value"]
    assert (net, tax) == (10_000, 2_500)  # 25 % on top of the net
    assert sum(p.amount for p in post(item)) == 0


def test_the_checker_names_the_company_and_currency_that_do_not_balance() -> None:
    generator = PayloadGenerator(build_book(random.Random(1), "SE", "SEK"))
    spec = EntrySpec(key="e", at=(), type="card_purchase", amount=10_000, tax="none", lines=1)
    item = generator.payload(random.Random(3), spec, before=NOW, vendor_based=False)
    item["amount"]["inWalletCurrency"]["value"] -= 1
    (imbalance,) = imbalances([("acme", item)])
    assert (imbalance.company, imbalance.currency, imbalance.difference) == ("acme", "SEK", 1)


@pytest.mark.parametrize(("country", "currency"), list(COUNTRIES.items()))
@pytest.mark.parametrize("kind", ["fee", "cashback"])
def test_pleo_fees_and_cashback_come_in_the_company_currency(
    country: str, currency: str, kind: str
) -> None:
    generator = PayloadGenerator(build_book(random.Random(country), country, currency))
    rng = random.Random(5)
    for _ in range(20):
        item = generator.payload(
            rng, EntrySpec(key="e", at=(), type=kind), before=NOW, vendor_based=True
        )
        amount = item["amount"]
        assert amount["inSupplierCurrency"]["currency"] == currency
        assert amount["inSupplierCurrency"]["value"] == amount["inWalletCurrency"]["value"]
        assert item["vendor"]["defaultCurrency"] == currency
