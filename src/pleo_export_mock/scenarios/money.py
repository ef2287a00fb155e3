"""Amount arithmetic in integer minor units (89696 = 896.96), exact by construction.

Tax types, as the sandbox reads Pleo's schema (the spec only says netAmount is "either
including or excluding tax, depending on the tax type"):

- inclusive: the line amount includes the tax. tax = round(line * r / (1 + r)),
  net = line - tax, so net + tax == line.
- exclusive: the line amount is before tax; the tax is computed on top of it:
  net = line, tax = round(line * r).
- reverse (reverse charge): the buyer self-assesses; nothing was paid to the seller for tax:
  net = line, tax = round(line * r), booked to both VAT accounts.
"""

from __future__ import annotations

from fractions import Fraction

from .catalog import PER_EURO


def split_tax(line: int, rate: Fraction, tax_type: str) -> tuple[int, int]:
    """(net, tax) of a line amount. Signs follow the line (refunds are negative)."""
    sign = -1 if line < 0 else 1
    magnitude = abs(line)
    if tax_type == "inclusive":
        tax = _round_div(magnitude * rate.numerator, rate.denominator + rate.numerator)
        return sign * (magnitude - tax), sign * tax
    tax = _round_div(magnitude * rate.numerator, rate.denominator)
    return sign * magnitude, sign * tax


def convert(amount: int, source: str, target: str) -> int:
    """`amount` minor units of `source` in minor units of `target`, at the sandbox's fixed rates."""
    if source == target:
        return amount
    return round(amount * PER_EURO[target] / PER_EURO[source])


def euros_to_minor(euros: float, currency: str) -> int:
    return round(euros * PER_EURO[currency] * 100)


def split_amount(total: int, weights: list[float]) -> list[int]:
    """Split `total` (>= len(weights)) into parts of at least 1, roughly proportional to
    `weights`, that sum to `total` exactly."""
    scale = sum(weights)
    spare = total - len(weights)
    parts = [1 + int(spare * weight / scale) for weight in weights[:-1]]
    parts.append(total - sum(parts))
    return parts


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)
