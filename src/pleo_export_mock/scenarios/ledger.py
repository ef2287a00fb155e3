"""How an ERP posts export items, and whether the books that result balance.

The posting rule, per export item, in the wallet currency (the company's books):

- each line debits its `account` by its `netAmount`;
- a line's tax debits the tax's `ingoingTaxAccount` (VAT to reclaim); a reverse-charged line's
  tax also credits its `outgoingTaxAccount` (the VAT the buyer owes in the seller's place);
- the whole `amount` credits the `contraAccount` (the wallet, accounts payable, ...).

Negative amounts (refunds, cashback) swap debit and credit by their sign. Books are *balanced*
when, per company and per currency, the debits equal the credits: this holds exactly when every
item balances, which is what an ERP checks before it accepts a voucher.

Books are also *consistent* when a liability that one kind of item raises is the one the item
that settles it clears: invoices credit the account invoice payments debit, and expenses owed to
an employee credit the account reimbursements debit. Otherwise a payment clears a debt that was
never booked and the payables account drifts, even though each voucher balances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# (raising item types, settling item types): the raisers credit what the settlers debit.
CLEARING_PAIRS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"invoice"}), frozenset({"invoice_payment"})),
    (
        frozenset({"out_of_pocket", "mileage", "per_diem"}),
        frozenset({"external_reimbursement", "direct_reimbursement"}),
    ),
)
NO_ACCOUNT = "(no account)"


@dataclass(frozen=True, slots=True)
class Posting:
    """One journal line: positive debits the account, negative credits it (minor units)."""

    account: str
    currency: str
    amount: int


@dataclass(frozen=True, slots=True)
class Imbalance:
    """Where debits and credits differ: `difference` is debits minus credits."""

    company: str
    currency: str
    difference: int


def account_key(account: Mapping[str, Any] | None) -> str:
    """An account as an ERP matches it: by code, else by Pleo's id."""
    if not account:
        return NO_ACCOUNT
    return str(account.get("code") or account.get("id") or NO_ACCOUNT)


def post(item: Mapping[str, Any]) -> list[Posting]:
    """The journal lines an ERP books for one export item payload (see the module docstring)."""
    postings = []
    for line in item.get("accountingEntryLines") or []:
        net = line["netAmount"]["inWalletCurrency"]
        postings.append(Posting(account_key(line.get("account")), net["currency"], net["value"]))
        tax = line.get("tax")
        if tax:
            money = tax["amount"]["inWalletCurrency"]
            currency, value = money["currency"], money["value"]
            postings.append(Posting(str(tax.get("ingoingTaxAccount")), currency, value))
            if tax["type"] == "reverse":
                postings.append(Posting(str(tax.get("outgoingTaxAccount")), currency, -value))
    total = item["amount"]["inWalletCurrency"]
    contra = account_key(item.get("contraAccount"))
    postings.append(Posting(contra, total["currency"], -total["value"]))
    return postings


def imbalances(items: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Imbalance]:
    """Per (company, currency), where debits differ from credits; [] when the books balance.

    `items` are (company id, export item payload) pairs.
    """
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for company, item in items:
        for posting in post(item):
            totals[(company, posting.currency)] += posting.amount
    return [
        Imbalance(company, currency, difference)
        for (company, currency), difference in sorted(totals.items())
        if difference
    ]


def unmatched_clearing(items: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Where settling items debit another account than the one their raising items credit.

    One message per company and pair of item kinds; [] when the books are consistent.
    """
    credited: dict[tuple[str, int], set[str]] = defaultdict(set)
    debited: dict[tuple[str, int], set[str]] = defaultdict(set)
    for company, item in items:
        for pair, (raisers, settlers) in enumerate(CLEARING_PAIRS):
            if item.get("type") in raisers:
                credited[(company, pair)].add(account_key(item.get("contraAccount")))
            elif item.get("type") in settlers:
                debited[(company, pair)].update(_line_accounts(item))
    return [
        f"company {company}: {sorted(CLEARING_PAIRS[pair][1])} debit {sorted(accounts)}, "
        f"but {sorted(CLEARING_PAIRS[pair][0])} credit {sorted(credited[(company, pair)])}"
        for (company, pair), accounts in sorted(debited.items())
        if (company, pair) in credited and accounts != credited[(company, pair)]
    ]


def _line_accounts(item: Mapping[str, Any]) -> set[str]:
    return {account_key(line.get("account")) for line in item.get("accountingEntryLines") or []}
