"""Seeded identifiers: the same seed gives the same ids, run after run."""

from __future__ import annotations

import random
import threading
import uuid


class IdFactory:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def uuid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def token(self, prefix: str) -> str:
        """An opaque secret such as an API key; readable prefix, seeded body."""
        with self._lock:
            return f"{prefix}_{self._random.getrandbits(160):040x}"

    def copy(self) -> IdFactory:
        """A factory that goes on from here, apart from this one."""
        twin = IdFactory(self._seed)
        with self._lock:
            twin._random.setstate(self._random.getstate())
        return twin

    @property
    def seed(self) -> int:
        return self._seed

    def position(self) -> tuple[object, ...]:
        """Where the id stream stands (random.getstate()): a snapshot keeps it."""
        with self._lock:
            return self._random.getstate()

    @classmethod
    def at(cls, seed: int, position: tuple[object, ...]) -> IdFactory:
        """A factory of `seed` going on from `position` (a snapshot's restore)."""
        factory = cls(seed)
        factory._random.setstate(position)
        return factory

    def fork(self, label: str) -> random.Random:
        """An independent seeded stream (e.g. for generated data) that does not shift the ids."""
        return random.Random(f"{self._seed}:{label}")
