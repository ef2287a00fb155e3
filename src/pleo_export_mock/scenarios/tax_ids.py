"""VAT and company-registration numbers that pass each country's check digits.

ERPs validate a vendor's numbers before they create the vendor, so a generated vendor must
carry numbers a real register could have issued. Where the VAT number is built from the
company number (DK, SE, NO, FR, AU) the two agree. The rules are the published ones; the tests
hold them to python-stdnum's validators.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

# EIN prefixes the IRS assigns (a prefix outside its list is invalid).
_EIN_PREFIXES = ("20", "26", "27", "45", "46", "47", "81", "82", "83", "84", "85", "86", "87")
_IRISH_CHECK_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"


def _digits(rng: random.Random, count: int, first: str = "123456789") -> list[int]:
    """`count` random digits, the first one drawn from `first` (no leading zero by default)."""
    return [int(rng.choice(first))] + [rng.randrange(10) for _ in range(count - 1)]


def _weighted(digits: Sequence[int], weights: Sequence[int]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=True))


def _text(digits: Sequence[int]) -> str:
    return "".join(map(str, digits))


def _with_mod11_check(
    rng: random.Random, count: int, weights: Sequence[int], first: str = "123456789"
) -> str:
    """`count` digits then a check digit making the weighted sum divisible by 11.

    Numbers whose check would be 10 are never issued, so another body is drawn.
    """
    while True:
        body = _digits(rng, count, first)
        check = -_weighted(body, weights) % 11
        if check < 10:
            return _text([*body, check])


def _luhn_check(body: Sequence[int]) -> int:
    total = 0
    for position, digit in enumerate(reversed(body)):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return -total % 10


def cvr(rng: random.Random) -> str:
    """Danish CVR: 8 digits, weights 2 7 6 5 4 3 2 1, modulus 11."""
    return _with_mod11_check(rng, 7, (2, 7, 6, 5, 4, 3, 2))


def swedish_orgnr(rng: random.Random) -> str:
    """Swedish organisation number (a limited company's starts 55), Luhn check digit."""
    body = [5, 5, *_digits(rng, 7, "0123456789")]
    return _text([*body, _luhn_check(body)])


def norwegian_orgnr(rng: random.Random) -> str:
    """Norwegian organisation number: starts 8 or 9, weights 3 2 7 6 5 4 3 2, modulus 11."""
    return _with_mod11_check(rng, 8, (3, 2, 7, 6, 5, 4, 3, 2), first="89")


def siren(rng: random.Random) -> str:
    """French SIREN: 9 digits, Luhn check digit."""
    body = _digits(rng, 8)
    return _text([*body, _luhn_check(body)])


def acn(rng: random.Random) -> str:
    """Australian Company Number: 9 digits, weights 8..1, modulus 10 complement."""
    body = _digits(rng, 8)
    return _text([*body, -_weighted(body, range(8, 0, -1)) % 10])


def abn_of(company_number: str) -> str:
    """The Australian Business Number of a company: its ACN behind two check digits."""
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    for prefix in range(11, 100):  # 89 prefixes, one per residue; ABNs never start 10
        digits = [int(ch) for ch in f"{prefix}{company_number}"]
        digits[0] -= 1
        if _weighted(digits, weights) % 89 == 0:
            return f"{prefix}{company_number}"
    raise AssertionError("every ACN has an ABN prefix")


def _gb_vat(rng: random.Random) -> str:
    body = _digits(rng, 7)
    return f"GB{_text(body)}{-_weighted(body, (8, 7, 6, 5, 4, 3, 2)) % 97:02d}"


def _de_vat(rng: random.Random) -> str:
    """ISO 7064 MOD 11,10 over 8 digits."""
    body = _digits(rng, 8)
    product = 10
    for digit in body:
        product = (2 * ((digit + product) % 10 or 10)) % 11
    return f"DE{_text(body)}{(11 - product) % 10}"


def _fr_vat(company_number: str) -> str:
    return f"FR{(12 + 3 * (int(company_number) % 97)) % 97:02d}{company_number}"


def _ie_vat(rng: random.Random) -> str:
    body = _digits(rng, 7, "0123456789")
    letter = _IRISH_CHECK_LETTERS[_weighted(body, range(8, 1, -1)) % 23]
    return f"IE{_text(body)}{letter}"


def _lu_vat(rng: random.Random) -> str:
    body = _text(_digits(rng, 6))
    return f"LU{body}{int(body) % 89:02d}"


def _nl_vat(rng: random.Random) -> str:
    """A BSN-style number (weights 9..2, then -1, modulus 11) and branch B01."""
    while True:
        body = _digits(rng, 8)
        check = _weighted(body, range(9, 1, -1)) % 11
        if check < 10:
            return f"NL{_text([*body, check])}B01"


def _ein(rng: random.Random) -> str:
    return f"{rng.choice(_EIN_PREFIXES)}-{_text(_digits(rng, 7, '0123456789'))}"


def _plain(picture: str) -> Callable[[random.Random], str]:
    """A number with no check digit: '9' a digit, the rest as written."""
    return lambda rng: "".join(str(rng.randrange(10)) if ch == "9" else ch for ch in picture)


# country -> (company number, VAT number made from it and the stream)
_Numbers = Callable[[random.Random], tuple[str, str]]


def _same_number(company: Callable[[random.Random], str], vat: Callable[[str], str]) -> _Numbers:
    def numbers(rng: random.Random) -> tuple[str, str]:
        number = company(rng)
        return number, vat(number)

    return numbers


def _separate(
    company: Callable[[random.Random], str], vat: Callable[[random.Random], str]
) -> _Numbers:
    return lambda rng: (company(rng), vat(rng))


def _australian(rng: random.Random) -> tuple[str, str]:
    number = acn(rng)
    return f"{number[:3]} {number[3:6]} {number[6:]}", abn_of(number)


_COUNTRY_NUMBERS: dict[str, _Numbers] = {
    "DK": _same_number(cvr, lambda number: f"DK{number}"),
    "SE": _same_number(swedish_orgnr, lambda number: f"SE{number}01"),
    "NO": _same_number(norwegian_orgnr, lambda number: f"NO{number}MVA"),
    "FR": _same_number(siren, _fr_vat),
    "GB": _separate(_plain("99999999"), _gb_vat),
    "DE": _separate(_plain("HRB 999999"), _de_vat),
    "IE": _separate(_plain("999999"), _ie_vat),
    "LU": _separate(_plain("B999999"), _lu_vat),
    "NL": _separate(_plain("99999999"), _nl_vat),
    "US": _separate(_plain("C9999999"), _ein),
    "AU": _australian,
}


def company_numbers(rng: random.Random, country: str) -> tuple[str, str]:
    """(registration number, VAT or tax registration number) of a company in `country`."""
    numbers = _COUNTRY_NUMBERS.get(country)
    if numbers is None:  # a country without a known scheme: plain digits, checked by nobody
        return _plain("99999999")(rng), _plain("99999999")(rng)
    return numbers(rng)


def supported_countries() -> tuple[str, ...]:
    """The countries whose numbers carry valid check digits."""
    return tuple(_COUNTRY_NUMBERS)
