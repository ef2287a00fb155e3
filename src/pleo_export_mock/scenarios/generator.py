"""Realistic, seeded ExportItemV3 payloads.

A payload here is everything Pleo would send for an accounting entry except the fields the
sandbox owns and adds when serving (`accountingEntryId`, `companyId`, `_links`). Every value
comes from the `random.Random` handed in, so the same stream gives the same bytes. Amounts
are integers in minor units and add up exactly (see money.py for the tax arithmetic).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..domain.clock import format_timestamp
from . import catalog
from .book import Book, Counterparty, Fragment, reconciliation_id, seeded_uuid
from .model import EntrySpec
from .money import convert, euros_to_minor, split_amount, split_tax
from .profiles import EUROS, MIX_TYPES, MIX_WEIGHTS, PROFILES, Profile
from .receipts import Receipt, ReceiptLink

_DAY = 86_400


def deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`overrides` over `base`: mappings merge key by key, anything else (lists, null) replaces."""
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            # Copied so that entries sharing one override never share (and co-mutate) a value.
            merged[key] = copy.deepcopy(value)
    return merged


class PayloadGenerator:
    """Generates the payloads of one company's accounting entries from its books."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._tags: dict[str, list[Fragment]] = {}
        self._pools: dict[tuple[str, frozenset[str] | None, str | None], list[Counterparty]] = {}
        for tag in book.tags:
            self._tags.setdefault(tag["groupCode"], []).append(tag)

    def copy(self) -> PayloadGenerator:
        """A generator that goes on apart from this one; its caches are shared."""
        twin = object.__new__(PayloadGenerator)
        twin.__dict__.update(self.__dict__)  # copy.copy's shallow copy, without its detours
        twin.book = self.book.copy()
        return twin

    def payload(
        self,
        rng: random.Random,
        spec: EntrySpec,
        *,
        before: datetime,
        vendor_based: bool,
        number: int | None = None,
    ) -> dict[str, Any]:
        """One entry's payload, every value drawn from `rng`; `number` is its reconciliation
        number (None: the book's next one, for entries added after seeding)."""
        item_type = spec.type or rng.choices(MIX_TYPES, cum_weights=MIX_WEIGHTS)[0]
        profile = PROFILES[item_type]
        party = self._counterparty(rng, profile, spec)
        moment = (before - timedelta(seconds=rng.randint(7_200, 20 * _DAY))).replace(microsecond=0)
        currency = spec.currency or (party.currency if party else self.book.currency)
        total, note = self._size(rng, item_type, party, currency, spec.amount)
        role = profile.account or spec.category or (party.role if party else "office")
        method = _bookkeeping_method(spec, item_type, vendor_based)
        payload: dict[str, Any] = {"type": item_type}
        if profile.sub_type:
            payload["subType"] = profile.sub_type
        payload["date"] = format_timestamp(moment)
        lines, amount = self._lines(rng, spec, profile, party, role, currency, total)
        payload["amount"] = amount
        payload["accountingEntryLines"] = lines
        payload["additionalInformation"] = self._additional(
            rng, profile, party, role, moment, number
        )
        payload["bookkeeping"] = {"method": method} if method else None
        payload["contraAccount"] = self._contra(profile)
        payload["files"] = self._files(rng, profile, spec)
        payload["note"] = note if note is not None else self._note(rng, role)
        payload["servicePeriod"] = _service_period(moment) if profile.invoice else None
        payload.update(self._parties(rng, profile, party, method))
        if spec.overrides:
            payload = deep_merge(payload, spec.overrides)
        return payload

    # -- parts --------------------------------------------------------------------------

    def _counterparty(
        self, rng: random.Random, profile: Profile, spec: EntrySpec
    ) -> Counterparty | None:
        kind = profile.counterparty
        if kind in ("merchant", "supplier"):
            roles = frozenset({spec.category}) if spec.category else profile.roles
            return rng.choice(self._pool(kind, roles, spec.currency))
        if kind == "pleo":
            return self.book.pleo
        if kind == "atm":
            return self.book.atm
        return None

    def _parties(
        self,
        rng: random.Random,
        profile: Profile,
        party: Counterparty | None,
        method: str | None,
    ) -> Fragment:
        """supplier, team, user and vendor: who was paid, and who spent."""
        user, team = rng.choice(self.book.people) if profile.personal else (None, None)
        # Vendor data comes with bookkeeping data; a cash machine is nobody's vendor.
        has_vendor = party is not None and profile.counterparty != "atm"
        vendor_wanted = has_vendor and method not in (None, "none")
        return {
            "supplier": dict(party.supplier) if party else None,
            "team": dict(team) if team else None,
            "user": dict(user) if user else None,
            "vendor": dict(party.vendor) if party and vendor_wanted else None,
        }

    def _pool(
        self, kind: str, roles: frozenset[str] | None, currency: str | None
    ) -> list[Counterparty]:
        """Who may have been paid; cached, as thousands of entries ask the same question."""
        key = (kind, roles, currency)
        pool = self._pools.get(key)
        if pool is None:
            pool = self.book.merchants if kind == "merchant" else self.book.suppliers
            # Narrow step by step, never to nothing: a wish the books cannot meet is dropped.
            if roles is not None:
                pool = _narrow(pool, lambda party: party.role in roles)
            if currency is not None:
                pool = _narrow(pool, lambda party: party.currency == currency)
            self._pools[key] = pool
        return pool

    def _size(
        self,
        rng: random.Random,
        item_type: str,
        party: Counterparty | None,
        currency: str,
        fixed: int | None,
    ) -> tuple[int, str | None]:
        """Unsigned total in minor units of `currency`, and the note that explains it, if any."""
        local = catalog.COUNTRIES[self.book.country]
        note: str | None = None
        if item_type == "mileage":
            km = rng.randint(12, 420)
            start, end = rng.sample(local.cities, 2)
            note = f"{start} - {end} and back, {km} km"
            total = convert(km * local.mileage_per_km, local.currency, currency)
        elif item_type == "per_diem":
            days = rng.randint(1, 5)
            note = f"Per diem: {days} day{'s' if days > 1 else ''} in {rng.choice(local.cities)}"
            total = convert(days * local.per_diem, local.currency, currency)
        else:
            low, high = party.euros if party else EUROS.get(item_type, (20, 500))
            total = euros_to_minor(rng.uniform(low, high), currency)
        return max(fixed if fixed is not None else total, 1), note

    def _lines(
        self,
        rng: random.Random,
        spec: EntrySpec,
        profile: Profile,
        party: Counterparty | None,
        role: str,
        currency: str,
        total: int,
    ) -> tuple[list[Fragment], Fragment]:
        wallet = self.book.currency
        count = min(spec.lines or _line_count(rng, profile), total)
        parts = split_amount(total, [rng.random() + 0.3 for _ in range(count)])
        tax_type = _tax_type(rng, spec, profile, party)
        account = self.book.accounts[role]
        lines = []
        wallet_total = 0
        for part in parts:
            in_supplier = profile.sign * part
            in_wallet = profile.sign * convert(part, currency, wallet)
            wallet_total += in_wallet
            lines.append(self._line(rng, account, tax_type, currency, in_supplier, in_wallet))
        return lines, _pair(currency, profile.sign * total, wallet, wallet_total)

    def _line(
        self,
        rng: random.Random,
        account: Fragment,
        tax_type: str | None,
        currency: str,
        in_supplier: int,
        in_wallet: int,
    ) -> Fragment:
        wallet = self.book.currency
        line_amount = _pair(currency, in_supplier, wallet, in_wallet)
        if tax_type is None:
            net_amount, tax = _pair(currency, in_supplier, wallet, in_wallet), None
        else:
            net_s, tax_s = split_tax(in_supplier, self.book.vat, tax_type)
            net_w, tax_w = split_tax(in_wallet, self.book.vat, tax_type)
            net_amount = _pair(currency, net_s, wallet, net_w)
            tax = {**self.book.taxes[tax_type], "amount": _pair(currency, tax_s, wallet, tax_w)}
        return {
            "accountingEntryLineId": seeded_uuid(rng),
            "account": dict(account),
            "lineAmount": line_amount,
            "netAmount": net_amount,
            "tags": self._line_tags(rng),
            "tax": tax,
        }

    def _line_tags(self, rng: random.Random) -> list[Fragment]:
        draw = rng.random()
        if draw < 0.3:
            return []
        tags = [dict(rng.choice(self._tags["PROJECT"]))]
        if draw > 0.7:
            tags.append(dict(rng.choice(self._tags["COSTCENTER"])))
        return tags

    def _additional(
        self,
        rng: random.Random,
        profile: Profile,
        party: Counterparty | None,
        role: str,
        moment: datetime,
        number: int | None,
    ) -> Fragment:
        attendees: list[str] = []
        if role == "meals" and rng.random() < 0.4:
            attendees = [
                user["name"] for user, _team in rng.sample(self.book.people, rng.randint(1, 3))
            ]
        return {
            "reconciliationId": self.book.next_reconciliation_id(moment.year)
            if number is None
            else reconciliation_id(moment.year, number),
            "attendees": attendees,
            "reconciledEntries": [],
            "invoiceInformation": _invoice(rng, party, moment, profile)
            if profile.invoice
            else None,
        }

    def _contra(self, profile: Profile) -> Fragment:
        # An invoice always raises a payable, whatever the bookkeeping method: its payment
        # (invoice_payment) clears that payable, so crediting the wallet here would pay twice.
        role = profile.contra
        return dict(self.book.wallet_account if role == "wallet" else self.book.accounts[role])

    def _files(self, rng: random.Random, profile: Profile, spec: EntrySpec) -> list[Fragment]:
        """Receipts the sandbox serves itself; the URL stays a path until an item is fetched."""
        link = ReceiptLink(spec.receipt_link or ReceiptLink.VALID)
        files = []
        for _ in range(profile.receipts if spec.receipts is None else spec.receipts):
            image = not profile.invoice and rng.random() < 0.25
            mime = "image/png" if image else "application/pdf"
            receipt = Receipt(seeded_uuid(rng), mime, rng.randint(18_000, 900_000), link)
            self.book.receipts[receipt.id] = receipt
            files.append({"url": receipt.path, "type": receipt.mime, "size": receipt.size})
        return files

    def _note(self, rng: random.Random, role: str) -> str | None:
        draw = rng.random()
        if role == "meals" and draw < 0.5:
            return rng.choice(catalog.MEAL_NOTES)
        if role in ("travel", "lodging") and draw < 0.4:
            city = rng.choice(catalog.COUNTRIES[self.book.country].cities)
            return f"{rng.choice(catalog.TRAVEL_NOTES)}, {city}"
        if role == "software" and draw < 0.3:
            return "Monthly subscription"
        return None


def _narrow(pool: list[Counterparty], keep: Callable[[Counterparty], bool]) -> list[Counterparty]:
    return [party for party in pool if keep(party)] or pool


def _pair(supplier_currency: str, in_supplier: int, wallet: str, in_wallet: int) -> Fragment:
    return {
        "inSupplierCurrency": {"currency": supplier_currency, "value": in_supplier},
        "inWalletCurrency": {"currency": wallet, "value": in_wallet},
    }


def _line_count(rng: random.Random, profile: Profile) -> int:
    draw = rng.random()
    if profile.invoice:
        return 1 + int(draw * 3)
    return 1 if draw < 0.8 else 2 if draw < 0.95 else 3


def _tax_type(
    rng: random.Random, spec: EntrySpec, profile: Profile, party: Counterparty | None
) -> str | None:
    if spec.tax is not None:
        return None if spec.tax == "none" else spec.tax
    if not profile.taxed or party is None or party.tax_type is None:
        return None
    # A few domestic lines are coded with an exclusive tax code, as some ledgers do.
    if party.tax_type == "inclusive" and rng.random() < 0.05:
        return "exclusive"
    return party.tax_type


def _bookkeeping_method(spec: EntrySpec, item_type: str, vendor_based: bool) -> str | None:
    if spec.bookkeeping is not None:
        return spec.bookkeeping
    if not vendor_based:
        return None  # vendor and bookkeeping data only come with vendor-based bookkeeping
    return "accounts_payable" if item_type in ("invoice", "invoice_payment") else "journal"


def _invoice(
    rng: random.Random, party: Counterparty | None, moment: datetime, profile: Profile
) -> Fragment:
    issued = _midnight(moment - timedelta(days=rng.randint(0, 10)))
    paid_by_card = profile.contra == "wallet"
    status = "paid" if paid_by_card else rng.choice(catalog.INVOICE_STATUSES)
    settled = status in ("paid", "marked_as_paid")
    number = f"{rng.choice(('INV', 'F', 'R'))}-{issued.year}-{rng.randint(1, 99_999):05d}"
    return {
        "invoiceNumber": number,
        "invoiceDate": format_timestamp(issued),
        "dueDate": format_timestamp(issued + timedelta(days=30)),
        "paymentDate": format_timestamp(_midnight(moment)) if settled else None,
        "status": status,
        "supplierBankAccount": dict(party.bank_account) if party and party.bank_account else None,
    }


def _service_period(moment: datetime) -> Fragment:
    """The calendar month before the entry: what an invoice is usually for."""
    first_of_this = _midnight(moment).replace(day=1)
    last = first_of_this - timedelta(days=1)
    first = last.replace(day=1)
    return {"from": format_timestamp(first), "to": format_timestamp(last)}


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
