"""What payloads.py does to a payload after the walk: the main theme's mark, and coherence.

A *mark* guarantees the main theme's signature feature whatever the walk drew (so any
len(THEMES) consecutive payloads cover every feature): `unicode` puts an emoji in `note`,
`timestamps` a non-Z offset in `date` and a 1970-2099 service period, `zero` zeroes every
amount, and so on. `cohere` then makes the money of a payload that is not `incoherent` add
up: one supplier and one wallet currency, net = line - tax, amount = the exact decimal sum of
the lines (so 0.1 + 0.2 lines give an amount of 0.3, which a float sum does not reach).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .values import (
    AMOUNTS,
    EMOJI,
    OFFSETS,
    TEXT,
    decimal,
    exact,
    long_text,
    odd_uuid,
    offset_timestamp,
)
from .walk import UNKNOWN_CODES, Schema, Walker

Mark = Callable[[dict[str, Any], Walker, Schema], None]
SIDES = ("inSupplierCurrency", "inWalletCurrency")
RECONCILIATION = ("additionalInformation", "reconciliationId")


def cohere(payload: dict[str, Any]) -> None:
    """One currency a side; line net = line - tax; amount = the exact sum of the lines."""
    lines = payload["accountingEntryLines"]
    amount = payload["amount"]
    if not lines:
        return
    for side in SIDES:
        currency = amount[side]["currency"]
        gross_values = []
        for line in lines:
            gross, net = line["lineAmount"][side], line["netAmount"][side]
            tax = line.get("tax")
            taxed = tax["amount"][side] if isinstance(tax, dict) else None
            tax_value = taxed["value"] if taxed is not None else 0
            for money in (gross, net, taxed):
                if money is not None:
                    money["currency"] = currency
            net["value"] = exact(
                decimal(gross["value"]) - decimal(tax_value), gross["value"], tax_value
            )
            gross_values.append(gross["value"])
        total = sum((decimal(value) for value in gross_values), Decimal(0))
        amount[side]["value"] = exact(total, *gross_values)


# -- marks: what each main theme guarantees -------------------------------------------------


def _money(payload: dict[str, Any]) -> dict[str, Any]:
    """The money a mark changes: the first line's amount, or the entry's when it has no line."""
    lines = payload["accountingEntryLines"]
    return lines[0]["lineAmount"] if lines else payload["amount"]  # type: ignore[no-any-return]


def _set_money(payload: dict[str, Any], value: Callable[[Any], int | float]) -> None:
    money = _money(payload)
    for side in SIDES:
        money[side]["value"] = value(money[side]["value"])


def _mark_zero(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    for line in payload["accountingEntryLines"]:
        for part in ("lineAmount", "netAmount"):
            for side in SIDES:
                line[part][side]["value"] = 0
        if isinstance(line.get("tax"), dict):
            for side in SIDES:
                line["tax"]["amount"][side]["value"] = 0
    for side in SIDES:
        payload["amount"][side]["value"] = 0


def _mark_fractional(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    for line, value in zip(payload["accountingEntryLines"], (0.1, 0.2), strict=False):
        for side in SIDES:
            line["lineAmount"][side]["value"] = value  # 0.1 + 0.2 != 0.3 in floating point
    if not payload["accountingEntryLines"]:
        _set_money(payload, lambda _: walker.rng.choice(AMOUNTS["fractional"]))


def _mark_timestamps(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    payload["date"] = offset_timestamp(walker.rng, walker.rng.choice(OFFSETS))
    payload["servicePeriod"] = {
        "from": "1970-01-01T00:00:00Z",
        "to": "2099-12-31T23:59:59.999999999+14:00",
    }


def _mark_enum_edges(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    payload["amount"]["inSupplierCurrency"]["currency"] = "UNDEFINED"
    if isinstance(payload.get("vendor"), dict):
        payload["vendor"]["country"] = "UNDEFINED"


def _mark_extra_props(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    key = walker.extra_key([*schema.get("properties", {}), *payload], root=True)
    payload[key] = walker.any_json(2)


def _mark_odd_ids(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    lines = payload["accountingEntryLines"]
    if lines:
        lines[0]["accountingEntryLineId"] = odd_uuid(walker.rng)
        if len(lines) == 1:
            lines.append(copy.deepcopy(lines[0]))  # the same line twice, one id
        lines[1]["accountingEntryLineId"] = lines[0]["accountingEntryLineId"]


def _mark_odd_files(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    odd = [
        None,
        {"url": "", "type": "", "size": 0},
        {"url": "receipt.pdf", "type": "PDF", "size": -1},
    ]
    files = payload.get("files")
    payload["files"] = [*odd, *(files if isinstance(files, list) else [])]


def _mark_incoherent(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    amount = payload["amount"]["inSupplierCurrency"]
    lines = payload["accountingEntryLines"]
    if lines:
        line = lines[0]["lineAmount"]["inSupplierCurrency"]
        line["currency"] = "EUR" if amount["currency"] != "EUR" else "USD"
        lines[0]["netAmount"]["inSupplierCurrency"]["currency"] = "XXX"
    amount["value"] = exact(decimal(amount["value"]) + 1, amount["value"])


def _mark_big_arrays(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
    info = payload["additionalInformation"]
    attendees = info.get("attendees")
    if not isinstance(attendees, list) or len(attendees) < 100:
        info["attendees"] = [long_text(walker.rng, 40) for _ in range(walker.rng.randint(100, 300))]


def _text_mark(field: tuple[str, ...], make: Callable[[random.Random], str]) -> Mark:
    def mark(payload: dict[str, Any], walker: Walker, schema: Schema) -> None:
        target = payload
        for name in field[:-1]:
            target = target[name]
        target[field[-1]] = make(walker.rng)

    return mark


MARKS: dict[str, Mark] = {
    "nulls": lambda payload, walker, schema: payload.update(vendor=None),
    "absent": lambda payload, walker, schema: payload.pop("vendor", None),
    "long_text": _text_mark(("note",), lambda rng: long_text(rng, 10_000)),
    "unicode": _text_mark(
        ("note",), lambda rng: f"{rng.choice(EMOJI)} {rng.choice(TEXT['unicode'])}"
    ),
    "control_chars": _text_mark(
        RECONCILIATION, lambda rng: f"PLEO-{rng.choice(TEXT['control_chars'])}"
    ),
    "injection": _text_mark(("note",), lambda rng: rng.choice(TEXT["injection"])),
    "blank_text": _text_mark(RECONCILIATION, lambda rng: rng.choice(TEXT["blank_text"])),
    "zero": _mark_zero,
    "negative": lambda payload, walker, schema: _set_money(
        payload, lambda value: -abs(value) if value else -1
    ),
    "huge": lambda payload, walker, schema: _set_money(
        payload, lambda _: walker.rng.choice(AMOUNTS["huge"])
    ),
    "fractional": _mark_fractional,
    "timestamps": _mark_timestamps,
    "enum_edges": _mark_enum_edges,
    "unknown_types": _text_mark(("type",), lambda rng: rng.choice(UNKNOWN_CODES)),
    "extra_props": _mark_extra_props,
    "odd_ids": _mark_odd_ids,
    "odd_files": _mark_odd_files,
    "big_arrays": _mark_big_arrays,
    "incoherent": _mark_incoherent,
}
