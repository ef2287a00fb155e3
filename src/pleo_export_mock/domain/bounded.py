"""Records a client can make without end, kept to a bound: past it, the oldest go first."""

from __future__ import annotations

from itertools import islice
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def forget_oldest(records: dict[K, V], limit: int) -> list[K]:
    """Past `limit`, forget the oldest tenth of `records` (dicts keep the order of adding);
    the keys forgotten. A tenth at a time, so the work is spread over many additions."""
    if len(records) <= limit:
        return []
    gone = list(islice(records, len(records) - limit + limit // 10))
    for key in gone:
        del records[key]
    return gone
