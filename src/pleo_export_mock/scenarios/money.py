"""Amount arithmetic in integer minor units (89696 = 896.96), exact by construction.

Tax types, as the sandbox reads Pleo's schema (the spec only says netAmount is "either
including or excluding tax, depending on the tax type"):

- inclusive: the line amount includes the tax. tax = round(line * r / (1 + r)),
  net = line - tax, so net + tax == line.
- exclusive: the tax code computes the tax on top of the net: the line amount (what was paid)
  is net + round(net * r). net is the amount whose tax on top gives the line; where no net
  does (rounding skips some line amounts), the nearest one, and tax = line - net.
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
    if tax_type == "exclusive":
        net = _net_before_tax(magnitude, rate)
        return sign * net, sign * (magnitude - net)
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


def _net_before_tax(gross: int, rate: Fraction) -> int:
    """The net whose tax on top, rounded, makes `gross`; the nearest one if none does."""
    nearest = _round_div(gross * rate.denominator, rate.denominator + rate.numerator)
    for net in (nearest, nearest - 1, nearest + 1):
        if net >= 0 and net + _round_div(net * rate.numerator, rate.denominator) == gross:
            return net
    return nearest


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)
