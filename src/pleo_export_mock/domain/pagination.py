"""Cursor and offset pagination over an ordered sequence of rows.

A cursor names a row (by a stable identity) and the ordering it was issued for, so a page
costs O(limit) in the natural order whatever the size of the list: a 100,000-item job pages
as cheaply as a 100-item one.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import InvalidPage
from .quick_init import quick_init

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@quick_init  # made for every page served
@dataclass(frozen=True, slots=True)
class PageRequest:
    before: str | None = None
    after: str | None = None
    offset: int | None = None
    limit: int = DEFAULT_LIMIT
    sorting_keys: tuple[str, ...] = ()
    sorting_order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        chosen = [name for name in ("before", "after", "offset") if getattr(self, name) is not None]
        if len(chosen) > 1:
            names = ", ".join(chosen[:-1]) + f" and {chosen[-1]}"
            raise InvalidPage(f"{names} cannot be used together; pick one")
        if self.sorting_order and len(self.sorting_order) != len(self.sorting_keys):
            raise InvalidPage(
                f"sorting_order has {len(self.sorting_order)} values but sorting_keys has "
                f"{len(self.sorting_keys)}; give one order per key"
            )


@quick_init  # made for every page served
@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None
    total: int


@quick_init  # made for every page served
@dataclass(frozen=True, slots=True)
class Ordering(Generic[T]):
    """Rows in their served order, and how to find a row again from a cursor."""

    rows: Sequence[T]
    identity: Callable[[T], str]
    index_of: Callable[[str], int | None]
    tag: str  # names the ordering, so a cursor cannot be replayed against another one


@functools.lru_cache(maxsize=4096)
def encode_cursor(tag: str, identity: str) -> str:
    # Kept: the same rows are listed again and again (every poll, every test on a scenario),
    # and base32 is pure Python, a tenth of a small list's answer.
    raw = json.dumps([tag, identity], separators=(",", ":")).encode()
    return base64.b32encode(raw).decode()


def decode_cursor(cursor: str, tag: str) -> str:
    shown = repr(cursor) if len(cursor) <= 80 else f"{cursor[:80]!r}... ({len(cursor)} chars)"
    try:
        decoded = json.loads(base64.b32decode(cursor))
        cursor_tag, identity = decoded
    except (ValueError, TypeError, RecursionError) as exc:  # whatever a client made up
        raise InvalidPage(f"cursor {shown} was not issued by this sandbox") from exc
    if cursor_tag != tag or not isinstance(identity, str):
        raise InvalidPage(f"cursor {shown} belongs to another list or sort order")
    return identity


def paginate(
    ordering: Ordering[T],
    request: PageRequest,
    matches: Callable[[T], bool] | None = None,
    total: int | None = None,
) -> Page[T]:
    """One page of the rows that `matches` (all rows when None); `total` if already known."""
    rows = ordering.rows
    if request.before is not None:
        end = _locate(ordering, request.before)
        picked, has_previous = _scan_backward(rows, end - 1, request.limit, matches)
        has_next = _any_match(rows, range(end, len(rows)), matches)
    else:
        if request.after is not None:
            start = _locate(ordering, request.after) + 1
        else:
            start = _skip(rows, request.offset or 0, matches)
        picked, has_next = _scan_forward(rows, start, request.limit, matches)
        has_previous = _any_match(rows, range(start - 1, -1, -1), matches)
    page_rows = [rows[i] for i in picked]
    if total is None:
        total = len(rows) if matches is None else sum(1 for row in rows if matches(row))
    return Page(
        rows=page_rows,
        has_next=has_next,
        has_previous=has_previous,
        start_cursor=encode_cursor(ordering.tag, ordering.identity(page_rows[0]))
        if page_rows
        else None,
        end_cursor=encode_cursor(ordering.tag, ordering.identity(page_rows[-1]))
        if page_rows
        else None,
        total=total,
    )


def _locate(ordering: Ordering[T], cursor: str) -> int:
    index = ordering.index_of(decode_cursor(cursor, ordering.tag))
    if index is None:
        raise InvalidPage(f"cursor {cursor!r} points at a row that no longer exists")
    return index


def _skip(rows: Sequence[T], offset: int, matches: Callable[[T], bool] | None) -> int:
    """Index of the row after `offset` matching rows."""
    if matches is None:
        return min(offset, len(rows))
    seen = 0
    for index, row in enumerate(rows):
        if seen == offset:
            return index
        seen += matches(row)
    return len(rows)


def _scan_forward(
    rows: Sequence[T], start: int, limit: int, matches: Callable[[T], bool] | None
) -> tuple[list[int], bool]:
    picked: list[int] = []
    for index in range(start, len(rows)):
        if matches is None or matches(rows[index]):
            if len(picked) == limit:
                return picked, True
            picked.append(index)
    return picked, False


def _scan_backward(
    rows: Sequence[T], start: int, limit: int, matches: Callable[[T], bool] | None
) -> tuple[list[int], bool]:
    picked: list[int] = []
    for index in range(start, -1, -1):
        if matches is None or matches(rows[index]):
            if len(picked) == limit:
                return picked[::-1], True
            picked.append(index)
    return picked[::-1], False


def _any_match(rows: Sequence[T], indexes: range, matches: Callable[[T], bool] | None) -> bool:
    if matches is None:
        return len(indexes) > 0
    return any(matches(rows[i]) for i in indexes)
