"""Multi-key sorting with Pleo's PageOrder values (ASC, DESC, and their NULLS_FIRST/LAST forms)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .errors import InvalidPage

T = TypeVar("T")
Getter = Callable[[Any], Any]


def sort_rows(
    rows: Iterable[T],
    keys: tuple[str, ...],
    orders: tuple[str, ...],
    fields: Mapping[str, Getter],
) -> list[T]:
    """Rows sorted by `keys`; ties keep their incoming (natural) order."""
    unknown = [key for key in keys if key not in fields]
    if unknown:
        raise InvalidPage(
            f"cannot sort by {', '.join(map(repr, unknown))}; sortable keys: {', '.join(fields)}"
        )
    result = list(rows)
    orders = orders or ("ASC",) * len(keys)
    # Stable sorts applied from the last key to the first give a lexicographic order.
    for key, order in reversed(list(zip(keys, orders, strict=True))):
        result = _sort_once(result, fields[key], order)
    return result


def _sort_once(rows: list[T], getter: Getter, order: str) -> list[T]:
    descending = order.startswith("DESC")
    # PostgreSQL's defaults: nulls last when ascending, first when descending.
    nulls_first = order.endswith("NULLS_FIRST") or (descending and not order.endswith("NULLS_LAST"))
    present = [row for row in rows if getter(row) is not None]
    missing = [row for row in rows if getter(row) is None]
    present.sort(key=getter, reverse=descending)
    return missing + present if nulls_first else present + missing
