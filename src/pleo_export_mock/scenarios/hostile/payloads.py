"""Hostile payloads: valid against the Export API spec, hostile to a connector.

Schemathesis sends a server what its spec allows and watches it break; this goes the other
way round: export items that Pleo's spec allows and that a connector has to survive. Every
payload has the shape `PayloadGenerator.payload()` returns, the ExportItemV3 minus the fields
the sandbox owns (`accountingEntryId`, `companyId`, `_links`), so it goes straight into
`store.add_entry(company_id, payload)`.

    hostile_payloads(seed, count, company_id=None)  count payloads
    hostile_entries(seed, company_id=None)          as many as hostile_job_shape(seed).size
    hostile_job_shape(seed)                         JobShape(size, vendor_based_bookkeeping)
    hostile_themes(seed, count, company_id=None)    which THEMES each payload stresses
    payload_schema()                                the JSON Schema every payload is valid against

How a seed becomes data. The schema is the ExportItemV3 item of getExportItemsV3's 200
response, as `load_spec()` translates it (nullable -> "null" types, $refs inlined), minus the
sandbox's fields. Payload i of (seed, company_id) gets its own `random.Random`, seeded with the
string "hostile:{seed}:{company_id}:{i}:..." (str seeds are hashed with SHA-512, never with
hash(), so PYTHONHASHSEED plays no part). Its themes are one main theme, taken in turn from a
seeded shuffle of THEMES (so any len(THEMES) consecutive payloads have every theme as a main
theme once), plus two to four compatible others. walk.Walker then walks the schema
with that stream and those themes, so the result is valid by construction; the main theme's
*mark* is then stamped on (e.g. `unicode` always puts an emoji in `note`, `timestamps` always
gives `date` a non-Z offset), and unless the payload is `incoherent` its money is made to add
up: one supplier and one wallet currency, `amount` the exact decimal sum of the line amounts,
net = line - tax. Payload i does not depend on `count`: hostile_payloads(s, 5) is a prefix of
hostile_payloads(s, 50).

Why no Hypothesis. The brief suggested hypothesis + hypothesis-jsonschema. Hypothesis has no
public API to draw from a strategy with a given seed: `.example()` is documented as
interactive-only and is not seedable, `find()` shrinks towards the *least* hostile example,
and `@given` + `@seed` runs the whole test engine (health checks, data tree, per-version
output that Hypothesis does not promise to keep). hypothesis-jsonschema is not installed
(schemathesis 4 carries its own generator, a private API), and both are test-only extras, while
`serve --scenario fuzz` must work from a plain `pip install`. So this is the documented
fallback: a small schema walker plus a seeded `random.Random` choosing among hostile variants;
it is stdlib-only, byte-for-byte stable across processes and Hypothesis versions, and under
2 ms a payload (200 in about 0.3 s). The tests check every payload against the spec with
jsonschema and our format checkers, and use Hypothesis where it belongs: to pick the seeds.

The parts: walk.py walks the schema, values.py holds the hostile strings,
numbers, timestamps and ids, marks.py the marks and the money arithmetic.

A scenario builder (`serve --scenario fuzz --seed N`) needs about this much:

    shape = hostile_job_shape(seed)
    ids = [store.add_entry(company, p).id for p in hostile_entries(seed, company_id=company)]
    # store.create_job refuses an empty job (EmptyExport); seed_job(company, job, []) does not.
    store.create_job(company, ids, vendor_based_bookkeeping=shape.vendor_based_bookkeeping)
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ...spec import load_spec
from .marks import MARKS, cohere
from .walk import OWNED, EnumCache, Schema, Walker

THEMES: dict[str, str] = {
    "nulls": "every nullable field null: vendor, supplier, files, tax, accounts, ...",
    "absent": "optional properties left out altogether",
    "full": "every optional property present and not null",
    "long_text": "strings of 4k to 12k code points; `note` always 10,000",
    "unicode": "RTL text and overrides, emoji and ZWJ sequences, combining marks, CJK, astral",
    "control_chars": "NUL-free C0/C1 controls, ANSI escapes, BOM, zero-width, U+2028, U+FFFF",
    "injection": "CSV formulas, SQL, markup, format strings, JSON and null-like text",
    "blank_text": "empty and whitespace-only strings, `reconciliationId` among them",
    "many_lines": "200 to 500 accounting entry lines",
    "no_lines": "no accounting entry lines at all",
    "big_arrays": "20-60 tags a line, 100-300 attendees, 30-100 files, 50-150 reconciled entries",
    "zero": "amounts of 0, 0.0 and -0.0",
    "negative": "negative amounts",
    "huge": "amounts from 1e12 to 2**63 and beyond, past int64 and double precision",
    "fractional": "0.1 + 0.2, 1e-7, 2.675 and other decimals floats get wrong",
    "timestamps": "1970, pre-epoch, 2038, 2099, years 1 and 9999, offsets +14:00 to -12:00, "
    "fractional seconds up to 9 digits, lowercase t and z",
    "enum_edges": "UNDEFINED, XXX/XTS/XAU, withdrawn and brand-new currencies and countries",
    "unknown_types": "type, subType, tax type, bookkeeping method, invoice status outside "
    "today's values",
    "extra_props": "properties the spec does not name, case variants of real keys, __proto__",
    "odd_ids": "uppercase, nil, max and non-v4 UUIDs; two lines with one accountingEntryLineId",
    "incoherent": "mixed currencies, lines that do not add up to the amount",
    "odd_files": "null file entries, sizes 0, -1 and int32 extremes, empty and non-http URLs",
}
# Only ever a payload's main theme: many lines dominate the size, and an entry without lines
# is refused by most connectors before the rest of its hostility is read.
HEAVY = frozenset({"many_lines", "no_lines"})
EXCLUSIVE = (
    frozenset({"nulls", "absent", "full"}),
    frozenset({"many_lines", "no_lines"}),
    frozenset({"many_lines", "big_arrays"}),
)


@dataclass(frozen=True, slots=True)
class JobShape:
    size: int  # entries in the job; 0 is an empty job (which create_job refuses; seed_job not)
    vendor_based_bookkeeping: bool  # False: the sandbox serves vendor and bookkeeping as null


# Empty, single, a few, every theme, exactly one page and PUT batch of 100, one past it.
JOB_SHAPES = (
    JobShape(0, False),
    JobShape(1, True),
    JobShape(7, False),
    JobShape(len(THEMES) + 2, True),
    JobShape(100, True),
    JobShape(101, False),
)


def hostile_payloads(
    seed: int, count: int, *, company_id: str | None = None
) -> list[dict[str, Any]]:
    """`count` hostile payloads; `company_id` only salts the streams (it is not in the data)."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    schema, enums = _schema()
    plans = hostile_themes(seed, count, company_id=company_id)
    return [
        _payload(schema, enums, themes, _stream(seed, company_id, index, "data"))
        for index, themes in enumerate(plans)
    ]


def hostile_themes(
    seed: int, count: int, *, company_id: str | None = None
) -> list[tuple[str, ...]]:
    """The themes of each payload hostile_payloads would make, the main theme first."""
    order = list(THEMES)
    _stream(seed, company_id, "order").shuffle(order)
    return [
        _themes(order[i % len(order)], _stream(seed, company_id, i, "themes")) for i in range(count)
    ]


def hostile_job_shape(seed: int) -> JobShape:
    """Seeds take the shapes in turn: any len(JOB_SHAPES) consecutive seeds meet them all."""
    return JOB_SHAPES[seed % len(JOB_SHAPES)]


def hostile_entries(seed: int, *, company_id: str | None = None) -> list[dict[str, Any]]:
    """The payloads of one job: as many as hostile_job_shape(seed) says, possibly none."""
    return hostile_payloads(seed, hostile_job_shape(seed).size, company_id=company_id)


def payload_schema() -> Schema:
    """ExportItemV3 without the sandbox's fields: every hostile payload is valid against it."""
    return copy.deepcopy(_schema()[0])


# -- internals ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> tuple[Schema, EnumCache]:
    page = load_spec().operation("getExportItemsV3").responses.get("200")
    if page is None:
        raise ValueError("getExportItemsV3 has no JSON 200 response in the spec")
    item: Schema = copy.deepcopy(page["properties"]["data"]["items"])
    for name in OWNED:
        item.get("properties", {}).pop(name, None)
    item["required"] = [name for name in item.get("required", ()) if name not in OWNED]
    return item, {}


def _stream(seed: int, company_id: str | None, *labels: object) -> random.Random:
    label = ":".join(["hostile", str(seed), company_id or "", *map(str, labels)])
    # Bytes seed exactly as the str would (SHA-512 of its UTF-8), lone surrogates included.
    return random.Random(label.encode("utf-8", "surrogatepass"))


def _themes(main: str, rng: random.Random) -> tuple[str, ...]:
    others = [theme for theme in THEMES if theme != main and theme not in HEAVY]
    rng.shuffle(others)
    chosen = [main]
    wanted = rng.randint(2, 4)
    for theme in others:
        if len(chosen) > wanted:
            break
        if not any(theme in group and group & set(chosen) for group in EXCLUSIVE):
            chosen.append(theme)
    return tuple(chosen)


def _payload(
    schema: Schema, enums: EnumCache, themes: tuple[str, ...], rng: random.Random
) -> dict[str, Any]:
    walker = Walker(rng, themes, enums)
    payload: dict[str, Any] = walker.value(schema, ("$",))
    mark = MARKS.get(themes[0])
    if mark is not None:
        mark(payload, walker, schema)
    if "incoherent" not in themes:
        cohere(payload)
    return payload
