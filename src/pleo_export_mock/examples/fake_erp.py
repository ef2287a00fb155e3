"""A fake ERP for the reference connector: an in-memory ledger that books Pleo export items.

It stands in for the accounting system a real connector talks to, and is strict the way a real
one is: it refuses an entry it cannot book, and says why in Pleo's item failure vocabulary
(`ExportJobItemFailureReasonType`), so the connector can report the refusal item by item:

- an accounts-payable entry (`bookkeeping.method == "accounts_payable"`) without a vendor:
  "Vendor not found" -> `vendor_unknown` (Pleo's mapping table: "Vendor not found");
- an entry line without an account -> `account_unknown`;
- an entry without any line -> `validation_failure`.

Booking is idempotent by accounting entry id: booking the same entry again returns the voucher
made the first time and never creates a second one (a connector that retries must not double-book).

Standard library only; no knowledge of the sandbox.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

ERP_BASE_URL = "https://erp.example.invalid"


@dataclass(frozen=True)
class Voucher:
    """What the ERP made of one entry: Pleo's `externalId` and `externalUrl`."""

    id: str
    url: str
    accounting_entry_id: str
    journal: str  # "JNL" (general journal) or "AP" (accounts payable)
    amount: int  # minor units, wallet currency
    currency: str


class ErpRejected(Exception):
    """The ERP refused one entry; `reason_type` is an ExportJobItemFailureReasonType."""

    def __init__(self, reason_type: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_type = reason_type
        self.reason = reason


class ErpUnavailable(Exception):
    """The ERP cannot be reached at all: a job-level problem, not an item-level one."""


class FakeErp:
    """An in-memory ledger; `unreachable=True` (env FAKE_ERP_UNREACHABLE=1) simulates an outage."""

    def __init__(self, unreachable: bool | None = None) -> None:
        if unreachable is None:
            unreachable = os.environ.get("FAKE_ERP_UNREACHABLE", "") not in ("", "0")
        self.unreachable = unreachable
        self.vouchers: dict[str, Voucher] = {}  # accounting entry id -> voucher
        self._numbers: dict[str, int] = {}

    def ping(self) -> None:
        """Cheap readiness check done before claiming work (pre-export validation)."""
        if self.unreachable:
            raise ErpUnavailable("ERP did not answer (connection refused)")

    def book(self, item: dict[str, Any]) -> Voucher:
        """Book one ExportItemV3 as a voucher, or raise ErpRejected / ErpUnavailable."""
        self.ping()
        entry_id = item["accountingEntryId"]
        if entry_id in self.vouchers:  # idempotent: the same entry is never booked twice
            return self.vouchers[entry_id]
        method = (item.get("bookkeeping") or {}).get("method")
        if method == "accounts_payable" and item.get("vendor") is None:
            raise ErpRejected(
                "vendor_unknown", "Vendor not found: accounts-payable entry has no vendor"
            )
        lines = item.get("accountingEntryLines") or []
        if not lines:
            raise ErpRejected("validation_failure", "Entry has no lines to book")
        for number, line in enumerate(lines, start=1):
            if not line.get("account"):
                raise ErpRejected("account_unknown", f"Line {number} has no account")
        journal = "AP" if method == "accounts_payable" else "JNL"
        self._numbers[journal] = self._numbers.get(journal, 0) + 1
        voucher_id = f"{journal}-{self._numbers[journal]:06d}"
        wallet_amount = item["amount"]["inWalletCurrency"]
        voucher = Voucher(
            id=voucher_id,
            url=f"{ERP_BASE_URL}/vouchers/{voucher_id}",
            accounting_entry_id=entry_id,
            journal=journal,
            amount=wallet_amount["value"],
            currency=wallet_amount["currency"],
        )
        self.vouchers[entry_id] = voucher
        return voucher
