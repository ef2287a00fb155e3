"""Seeded random streams that cost nothing until something is drawn from them.

A reset that copies a scenario's first moment copies its id streams, and most tests draw no new
id and meet no probability fault. Copying a Mersenne Twister (its 625 words out, then in) and
seeding one from text were half of a reset; a `Stream` holds a seed or a frozen position and
becomes a live `random.Random` at its first draw. Callers hold their own lock around it.
"""

from __future__ import annotations

import random

Position = tuple[object, ...]  # what random.Random.getstate() gives


class Stream:
    __slots__ = ("_live", "_position", "_seed")

    def __init__(self, seed: int | str | None = None, position: Position | None = None) -> None:
        self._seed = seed
        self._position = position  # where a stream not live stands; None: at its seed
        self._live: random.Random | None = None

    def live(self) -> random.Random:
        """The stream to draw from, made live where it stands."""
        if self._live is None:
            if self._position is None:
                self._live = random.Random(self._seed)
            else:
                self._live = random.Random.__new__(random.Random)  # unseeded: set just below
                self._live.setstate(self._position)
            self._position = None
        return self._live

    def position(self) -> Position:
        """Where the stream stands. It is frozen there until drawn from again, so that the
        next copy of a stream nothing drew from costs nothing."""
        if self._live is None and self._position is not None:
            return self._position
        self._position, self._live = self.live().getstate(), None
        return self._position

    def copy(self) -> Stream:
        """A stream going on from here, apart from this one."""
        if self._live is None and self._position is None:
            return Stream(self._seed)
        return Stream(self._seed, self.position())
