"""Seeded identifiers: the same seed gives the same ids, run after run."""

from __future__ import annotations

import random
import threading

from .streams import Stream

# A version-4 UUID's fixed bits (RFC 4122: version 4, variant 10), as uuid.UUID(version=4)
# sets them over 128 random bits.
_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_SET = (0x8000 << 48) | (0x4000 << 64)


def uuid_text(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)), in a third of its time (a million entries draw one
    each when they are seeded)."""
    h = "%032x" % (bits & _CLEAR | _SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_BATCH = 4096
_MASKS: dict[int, tuple[int, int]] = {}  # the masks of a full batch, made once


def _uuid_batch(rng: random.Random, count: int) -> list[str]:
    """`count` calls of uuid_text(rng.getrandbits(128)) at once.

    getrandbits(128 * count) draws the same 32-bit words as `count` draws of 128 bits, the
    first draw in the lowest bits; so its hex text holds the draws last to first, 32 digits
    each, and masks repeated `count` times set every draw's version and variant bits at once.
    """
    masks = _MASKS.get(count)
    if masks is None:
        width = 1 << 128
        clear = int.from_bytes((_CLEAR % width).to_bytes(16, "big") * count, "big")
        masks = clear, int.from_bytes(_SET.to_bytes(16, "big") * count, "big")
        if count == _BATCH:
            _MASKS[count] = masks
    clear, set_bits = masks
    h = format(rng.getrandbits(128 * count) & clear | set_bits, f"0{32 * count}x")
    return [
        f"{h[s : s + 8]}-{h[s + 8 : s + 12]}-{h[s + 12 : s + 16]}-"
        f"{h[s + 16 : s + 20]}-{h[s + 20 : s + 32]}"
        for s in range(32 * (count - 1), -1, -32)
    ]


class IdFactory:
    def __init__(self, seed: int, stream: Stream | None = None) -> None:
        self._seed = seed
        self._stream = stream or Stream(seed)
        self._lock = threading.Lock()

    def uuid(self) -> str:
        with self._lock:
            return uuid_text(self._stream.live().getrandbits(128))

    def uuids(self, count: int) -> list[str]:
        """The next `count` ids, as `count` calls of uuid() would give them, in two thirds of
        their time: drawn and formatted a batch at a time."""
        made: list[str] = []
        with self._lock:
            while len(made) < count:
                made += _uuid_batch(self._stream.live(), min(count - len(made), _BATCH))
        return made

    def token(self, prefix: str) -> str:
        """An opaque secret such as an API key; readable prefix, seeded body."""
        with self._lock:
            return f"{prefix}_{self._stream.live().getrandbits(160):040x}"

    def copy(self) -> IdFactory:
        """A factory that goes on from here, apart from this one."""
        with self._lock:
            return IdFactory(self._seed, self._stream.copy())

    @property
    def seed(self) -> int:
        return self._seed

    def position(self) -> tuple[object, ...]:
        """Where the id stream stands (random.getstate()): a snapshot keeps it."""
        with self._lock:
            return self._stream.position()

    @classmethod
    def at(cls, seed: int, position: tuple[object, ...]) -> IdFactory:
        """A factory of `seed` going on from `position` (a snapshot's restore)."""
        return cls(seed, Stream(seed, position))

    def fork(self, label: str) -> random.Random:
        """An independent seeded stream (e.g. for generated data) that does not shift the ids."""
        return random.Random(f"{self._seed}:{label}")
