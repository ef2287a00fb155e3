"""What the request path worked out once, kept for the next request that asks the same.

Headers, query strings, credentials and validity verdicts repeat from request to request, and
each is a pure function of what the client sent; but what the client sends is unbounded, so
every memory of it is bounded. A Memo is a dict that forgets everything at once when full:
clearing is one atomic step under concurrent requests, where evicting the oldest is not, and
reads are plain dict reads (no Python call on the hot path).
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        """Remember `value` for `key` (after forgetting everything, when full)."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
