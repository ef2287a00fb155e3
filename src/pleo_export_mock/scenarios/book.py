"""One company's books: its chart of accounts, tax codes, people, tags, merchants and vendors.

Built once per company from a seeded stream, so every entry of a company refers to the
same account ids, the same tax codes and the same vendors, as a real ledger would.
The dicts here are payload fragments; the generator copies them into each payload.
"""

from __future__ import annotations

import dataclasses
import random
from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..domain.ids import uuid_text
from . import catalog, counterparties
from .counterparties import Merchant, Supplier
from .receipts import Receipt
from .tax_ids import company_numbers

Fragment = dict[str, Any]

FIRST_RECONCILIATION_NUMBER = 101
_FOREIGN_CURRENCY = {"IE": "EUR", "LU": "EUR", "NL": "EUR", "US": "USD", "AU": "USD"}
# Foreign services are reverse-charged; foreign goods and hotels carry VAT we cannot reclaim.
_REVERSE_CHARGED_ROLES = frozenset({"advertising", "software", "training", "consulting"})


def seeded_uuid(rng: random.Random) -> str:
    """A version-4 UUID from a seeded stream (never uuid4(): runs must repeat)."""
    return uuid_text(rng.getrandbits(128))


def fill(picture: str, rng: random.Random) -> str:
    """A code after a picture: '9' a digit, 'A' a capital letter, anything else as written."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(
        str(rng.randrange(10)) if ch == "9" else rng.choice(letters) if ch == "A" else ch
        for ch in picture
    )


def iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits (ERPs validate them)."""
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


@dataclass(frozen=True, slots=True)
class Counterparty:
    """Who a payment went to: a card merchant or an invoicing supplier, resolved for a company."""

    name: str  # supplier.name: the statement descriptor, or the supplier's legal name
    country: str
    currency: str
    role: str
    euros: tuple[int, int]
    tax_type: str | None  # inclusive | reverse | None (no reclaimable VAT)
    supplier: Fragment
    vendor: Fragment
    bank_account: Fragment | None = None


@dataclass(slots=True)
class Book:
    country: str
    currency: str
    vat: Fraction
    accounts: dict[str, Fragment]
    wallet_account: Fragment
    taxes: dict[str, Fragment]  # tax type -> TaxV3 without its amount
    people: list[tuple[Fragment, Fragment]]  # (user, team)
    tags: list[Fragment]
    merchants: list[Counterparty]
    suppliers: list[Counterparty]
    pleo: Counterparty
    atm: Counterparty
    book_ids: dict[int, int] = field(default_factory=dict)  # year -> last reconciliation number
    # Numbers up to here are the seeded entries' (each its own, see seed.py); entries added
    # later number on from it, each year apart.
    numbered: int = FIRST_RECONCILIATION_NUMBER - 1
    receipt_key: bytes = b""  # signs the links to this company's receipts
    # id -> receipt, as generated. A copy's own (entries added to it) come first; behind them,
    # its origin's: a seeded entry's payload, made whenever first read, registers its
    # receipts there for every copy of the seeded moment to serve.
    receipts: MutableMapping[str, Receipt] = field(default_factory=dict)

    @property
    def admin_id(self) -> str:
        """The finance admin who presses Export (ExportJob.createdBy)."""
        return str(self.people[0][0]["id"])

    def copy(self) -> Book:
        """The same books, numbering on apart from these (the rest never changes)."""
        twin = object.__new__(Book)
        for name in Book.__slots__:  # made at every reset: half what dataclasses.replace costs
            setattr(twin, name, getattr(self, name))
        twin.book_ids = dict(self.book_ids)
        # What the twin adds stays the twin's; what its origin registers, it sees.
        if isinstance(self.receipts, ChainMap):
            twin.receipts = ChainMap(dict(self.receipts.maps[0]), *self.receipts.maps[1:])
        else:
            twin.receipts = ChainMap({}, self.receipts)
        return twin

    def next_reconciliation_id(self, year: int) -> str:
        number = self.book_ids.get(year, self.numbered) + 1
        self.book_ids[year] = number
        return reconciliation_id(year, number)


def reconciliation_id(year: int, number: int) -> str:
    return f"PLEO-{year}-{number:06d}"


def build_book(rng: random.Random, country: str, currency: str) -> Book:
    vat = catalog.COUNTRIES[country].vat
    accounts = {role: _account(rng, name, code) for role, (name, code) in catalog.ACCOUNTS.items()}
    wallet = _account(rng, f"Pleo {currency} Account", catalog.WALLET_ACCOUNT_CODE)
    merchants = [*counterparties.LOCAL_MERCHANTS[country], *counterparties.GLOBAL_MERCHANTS]
    suppliers = [*counterparties.LOCAL_SUPPLIERS[country], *counterparties.GLOBAL_SUPPLIERS]
    book = Book(
        country=country,
        currency=currency,
        vat=vat,
        accounts=accounts,
        wallet_account=wallet,
        taxes=_taxes(rng, vat),
        people=_people(rng),
        tags=[
            {"id": seeded_uuid(rng), "code": code, "groupCode": group}
            for group, codes in catalog.TAG_GROUPS.items()
            for code in codes
        ],
        merchants=[_merchant(rng, merchant, country) for merchant in merchants],
        suppliers=[_supplier(rng, supplier, country) for supplier in suppliers],
        # Pleo bills its fees and pays cashback in the company's own currency.
        pleo=_merchant(rng, dataclasses.replace(counterparties.PLEO, currency=currency), country),
        atm=_merchant(rng, counterparties.ATM, country),
    )
    book.receipt_key = rng.getrandbits(256).to_bytes(32, "big")  # drawn last: nothing shifts
    return book


def _account(rng: random.Random, name: str, code: str) -> Fragment:
    return {"id": seeded_uuid(rng), "name": name, "code": code, "identifier": f"acc-{code}"}


def _taxes(rng: random.Random, vat: Fraction) -> dict[str, Fragment]:
    percent = f"{float(vat * 100):g}"
    layout = {
        "inclusive": (f"I{percent}", catalog.OUTGOING_VAT_ACCOUNT),
        "exclusive": (f"E{percent}", catalog.OUTGOING_VAT_ACCOUNT),
        "reverse": (f"RC{percent}", catalog.REVERSE_VAT_ACCOUNT),
    }
    return {
        tax_type: {
            "id": seeded_uuid(rng),
            "code": code,
            "rate": float(vat),
            "type": tax_type,
            "ingoingTaxAccount": catalog.INGOING_VAT_ACCOUNT,
            "outgoingTaxAccount": outgoing,
        }
        for tax_type, (code, outgoing) in layout.items()
    }


def _people(rng: random.Random) -> list[tuple[Fragment, Fragment]]:
    teams = [{"id": seeded_uuid(rng), "name": name, "code": code} for name, code in catalog.TEAMS]
    return [
        (
            {"id": seeded_uuid(rng), "name": name, "code": f"EMP-{rng.randint(1, 9999):04d}"},
            teams[team],
        )
        for name, team in catalog.PEOPLE
    ]


def _currency_of(country: str) -> str:
    local = catalog.COUNTRIES.get(country)
    return local.currency if local else _FOREIGN_CURRENCY[country]


def _tax_type(country: str, home: str, role: str) -> str | None:
    if country == home:
        return "inclusive"
    return "reverse" if role in _REVERSE_CHARGED_ROLES else None


def _vendor(rng: random.Random, name: str, country: str, currency: str) -> Fragment:
    code = rng.randint(10_000, 99_999)
    registration, vat_number = company_numbers(rng, country)
    return {
        "id": seeded_uuid(rng),
        "name": name,
        "code": f"V{code}",
        "country": country,
        "defaultCurrency": currency,
        "externalId": f"erp-vendor-{code}",
        "registrationNumber": registration,
        "taxRegistrationNumber": vat_number,
    }


def _merchant(rng: random.Random, merchant: Merchant, home: str) -> Counterparty:
    country = merchant.country or home
    currency = merchant.currency or _currency_of(country)
    vendor = _vendor(rng, merchant.legal_name, country, currency)
    supplier = {
        "name": merchant.descriptor,
        "country": country,
        "categoryCode": merchant.mcc or None,
        "code": None,
        "account": None,
        "taxIdentifier": vendor["taxRegistrationNumber"],
    }
    tax_type = _tax_type(country, home, merchant.role)
    return Counterparty(
        merchant.descriptor,
        country,
        currency,
        merchant.role,
        merchant.euros,
        tax_type,
        supplier,
        vendor,
    )


def _supplier(rng: random.Random, supplier: Supplier, home: str) -> Counterparty:
    currency = supplier.currency or _currency_of(supplier.country)
    vendor = _vendor(rng, supplier.name, supplier.country, currency)
    fragment = {
        "name": supplier.name,
        "country": supplier.country,
        "categoryCode": None,
        "code": vendor["code"],
        "account": None,
        "taxIdentifier": vendor["taxRegistrationNumber"],
    }
    return Counterparty(
        supplier.name,
        supplier.country,
        currency,
        supplier.role,
        supplier.euros,
        _tax_type(supplier.country, home, supplier.role),
        fragment,
        vendor,
        _bank_account(rng, supplier.country),
    )


def _bank_account(rng: random.Random, country: str) -> Fragment:
    local = catalog.COUNTRIES.get(country)
    bank_name, bic = rng.choice(local.banks) if local else catalog.FOREIGN_BANKS[country]
    layout = catalog.BBAN_LAYOUT.get(country)
    if layout is None:  # no IBAN (the US): account number and routing code instead
        return {
            "bankName": bank_name,
            "country": country,
            "accountNumber": fill("999999999999", rng),
            "bankCode": "021000021",
            "bic": bic,
            "iban": None,
        }
    bban = bic[:4] + fill(layout[4:], rng) if layout.startswith("aaaa") else fill(layout, rng)
    return {
        "bankName": bank_name,
        "country": country,
        "accountNumber": None,
        "bankCode": None,
        "bic": bic,
        "iban": iban(country, bban),
    }
