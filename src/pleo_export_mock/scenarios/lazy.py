"""Generated entries whose payloads are made when first read, and the bounded cache of them.

A seeded entry's payload is a pure function of its company's books, its entry spec, its
index among the spec's entries and the seed: entry i draws from a stream of its own, named
after the scenario's keys and i, and its reconciliation number is its spec's first plus i.
So a payload can be made when a connector first reads it, in any order, on any thread, after
any reset, and be the same bytes every time; a job of a million entries loads in the time its
ids take. The latest payloads made are kept (`PayloadCache`), so pages read again do not pay
again and memory stays bounded however many entries are read.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from .generator import PayloadGenerator
from .model import EntrySpec

# Payloads kept per process: about 6.4 KiB each made (tracemalloc, bench_scale.py), so at
# most about 100 MiB. Enough for every entry of `large` (12,000) read over and over, and for
# a hundred and more pages of a bigger job.
CACHE_LIMIT = 16_384


class PayloadCache:
    """The latest payloads made, least recently read dropped first; safe across threads.

    Keyed by (source, index): the key keeps its source alive, and the limit keeps them all.
    """

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        if limit < 1:
            raise ValueError("a payload cache keeps at least one payload")
        self.limit = limit
        self.made = 0  # payloads put in: how many were generated (tests and the bench read it)
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[object, int], dict[str, Any]] = OrderedDict()

    def get(self, source: object, index: int) -> dict[str, Any] | None:
        key = (source, index)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, source: object, index: int, payload: dict[str, Any]) -> dict[str, Any]:
        """Keep `payload`, or the equal one a racing thread kept first; returns the kept one."""
        key = (source, index)
        with self._lock:
            self.made += 1
            kept = self._kept.setdefault(key, payload)
            self._kept.move_to_end(key)
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
            return kept

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


# One per process: a bound on the memory every sandbox in it spends on payloads together.
PAYLOADS = PayloadCache()


class GeneratedEntries:
    """The payloads of one entry spec's entries in one company (a PayloadSource)."""

    __slots__ = ("before", "cache", "first_number", "generator", "spec", "stream", "vendor_based")

    def __init__(
        self,
        generator: PayloadGenerator,
        spec: EntrySpec,
        *,
        stream: str,
        before: datetime,
        vendor_based: bool,
        first_number: int,
        cache: PayloadCache,
    ) -> None:
        self.generator = generator
        self.spec = spec
        self.stream = stream  # entry i draws from random.Random(f"{stream}:{i}")
        self.before = before
        self.vendor_based = vendor_based
        self.first_number = first_number  # entry i's reconciliation number: this plus i
        self.cache = cache

    def payload(self, index: int) -> dict[str, Any]:
        found = self.cache.get(self, index)
        if found is None:
            # Made outside the cache's lock: two threads may both make it, equal bytes either way.
            found = self.cache.put(self, index, self.make(index))
        return found

    def make(self, index: int) -> dict[str, Any]:
        """Entry `index`'s payload, made now, whatever was made before."""
        return self.generator.payload(
            random.Random(f"{self.stream}:{index}"),
            self.spec,
            before=self.before,
            vendor_based=self.vendor_based,
            number=self.first_number + index,
        )
