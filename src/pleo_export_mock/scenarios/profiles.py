"""How each export item type looks: who was paid, whether VAT applies, which accounts move."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    counterparty: str  # merchant | supplier | pleo | atm | none
    sign: int  # -1 for money coming back (refunds, cashback, top-ups)
    taxed: bool
    personal: bool  # made by a person: user and team are set
    receipts: int  # files attached by default
    contra: str  # account role of the contra account ("wallet": the Pleo wallet)
    account: str | None = None  # fixed account role of the lines; None: the counterparty's
    sub_type: str | None = None
    invoice: bool = False  # carries invoiceInformation and a service period
    # What people typically buy this way (account roles); None: anything the pool offers.
    roles: frozenset[str] | None = None


# Out-of-pocket and personal spend are meals, trips and small purchases, not SaaS or ads.
_EVERYDAY = frozenset({"meals", "travel", "lodging", "fuel", "office", "phone"})

PROFILES: dict[str, Profile] = {
    "card_purchase": Profile("merchant", 1, True, True, 1, "wallet"),
    "card_invoice": Profile("supplier", 1, True, True, 1, "wallet", invoice=True),
    "out_of_pocket": Profile("merchant", 1, True, True, 1, "employee_payable", roles=_EVERYDAY),
    "mileage": Profile("none", 1, False, True, 0, "employee_payable", "mileage"),
    "per_diem": Profile("none", 1, False, True, 0, "employee_payable", "per_diem"),
    "external_reimbursement": Profile(
        "none", 1, False, True, 0, "bank", "employee_payable", "reimbursement_to_employee"
    ),
    "direct_reimbursement": Profile(
        "none", 1, False, True, 0, "wallet", "employee_payable", "reimbursement_to_employee"
    ),
    "invoice": Profile("supplier", 1, True, True, 1, "payables", invoice=True),
    "invoice_payment": Profile(
        "supplier", 1, False, False, 0, "wallet", "payables", "invoice_payment_sent"
    ),
    "chargeback": Profile("merchant", -1, True, True, 0, "wallet"),
    "refund": Profile("merchant", -1, True, True, 1, "wallet"),
    "cashback": Profile("pleo", -1, False, False, 0, "wallet", "other_income"),
    "atm_withdrawal": Profile("atm", 1, False, True, 0, "wallet", "cash"),
    "wallet_topup": Profile("none", -1, False, False, 0, "wallet", "bank"),
    "wallet_unload": Profile("none", 1, False, False, 0, "wallet", "bank"),
    "personal_spend": Profile(
        "merchant", 1, False, True, 0, "wallet", "employee_receivable", roles=_EVERYDAY
    ),
    "fee": Profile("pleo", 1, False, False, 1, "wallet", "bank_fees"),
}

# The mix of types in a typical export queue, for entries that name no type.
_MIX = {
    "card_purchase": 50,
    "out_of_pocket": 10,
    "invoice": 10,
    "mileage": 5,
    "per_diem": 4,
    "card_invoice": 4,
    "refund": 4,
    "invoice_payment": 3,
    "fee": 2,
    "direct_reimbursement": 2,
    "atm_withdrawal": 1,
    "chargeback": 1,
    "external_reimbursement": 1,
    "cashback": 1,
    "personal_spend": 1,
    "wallet_topup": 1,
}
MIX_TYPES = tuple(_MIX)
MIX_WEIGHTS = tuple(itertools.accumulate(_MIX.values()))

# Typical sizes, whole euros, of the types that have no merchant or supplier to size them.
EUROS: dict[str, tuple[int, int]] = {
    "external_reimbursement": (20, 800),
    "direct_reimbursement": (20, 800),
    "wallet_topup": (1_000, 20_000),
    "wallet_unload": (500, 5_000),
    "cashback": (5, 80),
}

# Account roles a scenario may ask for with `category`; each has merchants or suppliers.
CATEGORIES = (
    "travel",
    "lodging",
    "meals",
    "fuel",
    "office",
    "phone",
    "equipment",
    "software",
    "advertising",
    "training",
    "consulting",
    "rent",
)
