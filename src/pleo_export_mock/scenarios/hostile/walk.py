"""The schema walker behind payloads.py: a JSON Schema in, one legal but hostile value out.

`Walker.value(schema, path)` follows the schema node by node (objects, arrays, enums,
nullable types, string formats and lengths, integer bounds, uniqueItems), so whatever it
returns is valid against that schema by construction; a keyword it does not understand is
refused with a ValueError rather than guessed at. The *hostility* is in the choices it makes
at each node, all drawn from one `random.Random` and steered by the payload's themes (see
payloads.THEMES): null or absent where allowed, lengths of arrays, odd strings, amounts,
timestamps, ids and enum members, and extra properties where `additionalProperties` allows.
Paths are tuples that start with "$"; "[]" stands for an array's items.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any

from ..catalog import INVOICE_STATUSES
from ..profiles import PROFILES
from .values import (
    AMOUNT_FAMILIES,
    ODD_FILE_SIZES,
    ODD_TAX_RATES,
    ORDINARY,
    PLAIN,
    TAX_RATES,
    TEXT,
    enum_groups,
    enum_pick,
    hostile_text,
    long_text,
    odd_amount,
    odd_uuid,
    ordinary_amount,
    seeded_uuid,
    sized_text,
    timestamp,
)

Schema = dict[str, Any]
Path = tuple[str, ...]
EnumCache = dict[int, tuple[list[str], tuple[list[str], list[str]]]]

OWNED = ("_links", "accountingEntryId", "companyId")  # the sandbox's own fields, never ours
TEXT_FAMILIES = tuple(TEXT)
UNDERSTOOD = frozenset(
    {
        *("type", "properties", "required", "additionalProperties", "items", "enum", "format"),
        *("minLength", "maxLength", "minimum", "maximum", "uniqueItems", "minItems", "maxItems"),
        # Annotations: they constrain nothing.
        *("default", "$comment", "title", "description", "example", "examples", "deprecated"),
        *("readOnly", "writeOnly"),
    }
)
FILES_URL = "https://files.sandbox.pleo.invalid/receipts"
# Strings that carry a code from a known set: (path suffix, the codes Pleo sends today).
CODES: tuple[tuple[Path, tuple[str, ...]], ...] = (
    (("$", "type"), tuple(PROFILES)),
    (("$", "subType"), tuple(sorted({p.sub_type for p in PROFILES.values() if p.sub_type}))),
    (("bookkeeping", "method"), ("journal", "accounts_payable", "none")),
    (("invoiceInformation", "status"), INVOICE_STATUSES),
    (("tax", "type"), ("inclusive", "exclusive", "reverse")),
    (("files", "[]", "type"), ("application/pdf", "image/jpeg", "image/png")),
)
UNKNOWN_CODES = (
    *("crypto_purchase", "subscription_v2", "", "CARD_PURCHASE", "card purchase"),
    *("card_purchase ", "\U0001f4b3", "null", "invoice\u200b", "\u30ab\u30fc\u30c9\u8cfc\u5165"),
    "x" * 300,
)
ODD_MIME = ("", "application/octet-stream", "image/heic", "text/html; charset=utf-8", "PDF")
ODD_URLS = (
    "",
    "receipt.pdf",
    "javascript:alert(1)",
    "data:application/pdf;base64,JVBERi0xLjQK",
    "https://files.sandbox.pleo.invalid/r/\u00e4 \u00f6 \u20ac #1.pdf",
    "https://files.sandbox.pleo.invalid/" + "a" * 8_000 + ".pdf",
    "file:///etc/passwd",
    "//files.sandbox.pleo.invalid/no-scheme.pdf",
)
EXTRA_KEYS = (
    *("x-unknown", "__proto__", "constructor", "", " ", "$ref", "@odata.type", "a.b.c"),
    *("null", "0", "\U0001f511", "n\u00e4me"),
)


class Walker:
    """One payload's worth of choices: create one per payload, with that payload's stream."""

    def __init__(self, rng: random.Random, themes: Collection[str], enums: EnumCache) -> None:
        self.rng = rng
        self.themes = frozenset(themes)
        self.enums = enums  # shared between walkers over one schema: enum filtering is costly
        full = "full" in themes
        self.null_chance = 1.0 if "nulls" in themes else 0.0 if full else 0.04
        self.omit_chance = 0.9 if "absent" in themes else 0.0 if full or "nulls" in themes else 0.05
        self.extra_chance = 0.6 if "extra_props" in themes else 0.0
        self.text = [f for f in TEXT_FAMILIES if f in themes]
        self.amounts = [f for f in AMOUNT_FAMILIES if f in themes]
        self.lines = 0
        self.line_ids: list[str] = []

    def value(self, schema: Schema, path: Path) -> Any:
        unknown = sorted(set(schema) - UNDERSTOOD)
        if unknown:
            raise ValueError(f"{'.'.join(path)}: no hostile generator for {', '.join(unknown)}")
        kind = schema.get("type")
        kinds = [] if kind is None else [kind] if isinstance(kind, str) else list(kind)
        concrete = [k for k in kinds if k != "null"]
        if "null" in kinds and (not concrete or self.rng.random() < self.null_chance):
            return None
        if "enum" in schema:
            return self._enum(schema)
        chosen = concrete[0] if len(concrete) == 1 else self.rng.choice(concrete or ["any"])
        if chosen == "object":
            return self._object(schema, path)
        if chosen == "array":
            return self._array(schema, path)
        if chosen == "string":
            return self._string(schema, path)
        if chosen in ("number", "integer"):
            return self._number(schema, path, chosen == "integer")
        if chosen == "boolean":
            return self.rng.random() < 0.5
        return self.any_json(2)

    # -- structure ----------------------------------------------------------------------------

    def _object(self, schema: Schema, path: Path) -> dict[str, Any]:
        properties: dict[str, Schema] = schema.get("properties", {})
        required = schema.get("required", ())
        out: dict[str, Any] = {}
        for name, sub in properties.items():
            if name in required or self.rng.random() >= self.omit_chance:
                out[name] = self.value(sub, (*path, name))
        extra = schema.get("additionalProperties", True)
        if extra is not False and self.rng.random() < self.extra_chance:
            for _ in range(self.rng.randint(1, 3)):
                key = self.extra_key([*properties, *out], root=path == ("$",))
                nested = isinstance(extra, dict)
                out[key] = self.value(extra, (*path, key)) if nested else self.any_json(2)
            if self.rng.random() < 0.3:  # and the keys in an order no one expects
                items = list(out.items())
                self.rng.shuffle(items)
                out = dict(items)
        return out

    def extra_key(self, taken: list[str], *, root: bool) -> str:
        """A key the schema does not name: odd names and case variants of the real ones."""
        for _ in range(8):
            if taken and self.rng.random() < 0.4:
                name = self.rng.choice(taken)
                key = self.rng.choice((name.upper(), name.swapcase(), name[:1].upper() + name[1:]))
            else:
                key = self.rng.choice(EXTRA_KEYS)
            if key not in taken and not (root and key in OWNED):
                return key
        return f"x-extra-{self.rng.getrandbits(32):08x}"

    def _array(self, schema: Schema, path: Path) -> list[Any]:
        length = max(self._length(path), schema.get("minItems", 0))
        length = min(length, schema.get("maxItems", length))
        items: Schema = schema.get("items", {})
        out: list[Any] = []
        for _ in range(length * 2 if schema.get("uniqueItems") else length):
            item = self.value(items, (*path, "[]"))
            if not (schema.get("uniqueItems") and _contains(out, item)):
                out.append(item)
            if len(out) == length:
                break
        return out

    def _length(self, path: Path) -> int:
        name, rng, themes = path[-1], self.rng, self.themes
        if name == "accountingEntryLines":
            if "many_lines" in themes:
                self.lines = rng.randint(200, 500)
            else:
                self.lines = 0 if "no_lines" in themes else rng.choice((1, 1, 1, 2, 3))
            return self.lines
        big = "big_arrays" in themes
        if name == "tags":
            return rng.randint(20, 60) if big and self.lines <= 10 else rng.randint(0, 2)
        if name == "attendees":
            return rng.randint(100, 300) if big else rng.randint(0, 3)
        if name == "reconciledEntries":
            return rng.randint(50, 150) if big else rng.randint(0, 2)
        if name == "files":
            if big:
                return rng.randint(30, 100)
            return rng.randint(3, 6) if "odd_files" in themes else rng.randint(0, 2)
        return rng.randint(0, 3)

    # -- leaves -------------------------------------------------------------------------------

    def _enum(self, schema: Schema) -> str:
        cached = self.enums.get(id(schema))
        if cached is None:
            low, high = schema.get("minLength", 0), schema.get("maxLength")
            options = [
                v
                for v in schema["enum"]
                if isinstance(v, str) and low <= len(v) and (high is None or len(v) <= high)
            ]
            if not options:
                raise ValueError(f"no string in enum {schema['enum'][:5]}... fits its schema")
            cached = self.enums[id(schema)] = (options, enum_groups(options))
        return enum_pick(self.rng, cached[0], cached[1], "enum_edges" in self.themes)

    def _string(self, schema: Schema, path: Path) -> str:
        rng, themes = self.rng, self.themes
        form = schema.get("format")
        if form == "date-time":
            return timestamp(rng, "timestamps" in themes)
        if form == "uuid":
            return self._uuid(path)
        if form is not None:
            raise ValueError(f"{'.'.join(path)}: no hostile generator for format {form}")
        if "minLength" in schema or "maxLength" in schema:
            low, high = schema.get("minLength", 0), schema.get("maxLength")
            return sized_text(rng, low, high, bool(self.text))
        odd_files = "odd_files" in themes and rng.random() < 0.6
        if path[-3:] == ("files", "[]", "url"):
            return rng.choice(ODD_URLS) if odd_files else f"{FILES_URL}/{seeded_uuid(rng)}.pdf"
        if path[-3:] == ("files", "[]", "type") and odd_files:
            return rng.choice(ODD_MIME)
        for suffix, codes in CODES:
            if path[-len(suffix) :] == suffix:
                unknown = "unknown_types" in themes and rng.random() < 0.6
                return rng.choice(UNKNOWN_CODES if unknown else codes)
        draw = rng.random()
        if "long_text" in themes and "[]" not in path and draw < 0.3:
            return long_text(rng)
        if self.text and draw < 0.75:
            return hostile_text(rng, rng.choice(self.text))
        return rng.choice(ORDINARY.get(path[-1], PLAIN))

    def _uuid(self, path: Path) -> str:
        rng = self.rng
        odd = "odd_ids" in self.themes
        if path[-1] == "accountingEntryLineId" and odd and self.line_ids and rng.random() < 0.3:
            return rng.choice(self.line_ids)  # two lines of one entry with one id
        value = odd_uuid(rng) if odd and rng.random() < 0.4 else seeded_uuid(rng)
        if path[-1] == "accountingEntryLineId":
            self.line_ids.append(value)
        return value

    def _number(self, schema: Schema, path: Path, integer: bool) -> int | float:
        rng = self.rng
        value: int | float
        if path[-3:] == ("files", "[]", "size"):
            odd = "odd_files" in self.themes and rng.random() < 0.6
            value = rng.choice(ODD_FILE_SIZES) if odd else rng.randint(18_000, 900_000)
        elif integer:
            value = rng.randint(0, 1_000)
        elif path[-1] == "rate":
            if self.amounts and rng.random() < 0.5:
                value = rng.choice(ODD_TAX_RATES[rng.choice(self.amounts)])
            else:
                value = rng.choice(TAX_RATES)
        elif self.amounts and rng.random() < 0.6:
            value = odd_amount(rng, rng.choice(self.amounts))
        else:
            value = ordinary_amount(rng)
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return value

    def any_json(self, depth: int) -> Any:
        """Anything at all, for a property the schema does not describe."""
        rng = self.rng
        kind = rng.randrange(7 if depth > 0 else 5)
        if kind == 0:
            return None
        if kind == 1:
            return rng.random() < 0.5
        if kind == 2:
            return rng.choice((0, -1, 2**63, 1e-7, 3.5))
        if kind in (3, 4):
            return hostile_text(rng, rng.choice(TEXT_FAMILIES)) if kind == 3 else rng.choice(PLAIN)
        if kind == 5:
            return [self.any_json(depth - 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(EXTRA_KEYS): self.any_json(depth - 1) for _ in range(rng.randint(0, 3))}


def _contains(items: list[Any], candidate: Any) -> bool:
    """Equality as JSON Schema's uniqueItems sees it: 1 == 1.0, but True != 1 and "1" != 1."""
    return any(_same(item, candidate) for item in items)


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return not isinstance(b, bool) and a == b
    return type(a) is type(b) and a == b
