"""Reading a snapshot document with every refusal naming its place (`store.jobs[2].status`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from ..domain.clock import EARLIEST_START, LATEST_TIME, format_timestamp
from ..errors import ToolError

T = TypeVar("T")


class SnapshotError(ToolError):
    """A snapshot that cannot be restored: malformed, foreign, or of a newer format."""

    def __init__(self, place: str, reason: str) -> None:
        super().__init__(f"snapshot {place}: {reason}" if place else f"snapshot: {reason}")
        self.place = place
        self.reason = reason


class At:
    """One JSON value and where it sits in the document."""

    def __init__(self, value: Any, place: str = "") -> None:
        self.value = value
        self.place = place

    def fail(self, reason: str) -> SnapshotError:
        return SnapshotError(self.place or "(the document)", reason)

    def _child(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.place}[{key}]"
        return f"{self.place}.{key}" if self.place else key

    def obj(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, found {_kind(self.value)}")
        return self.value

    def get(self, key: str) -> At:
        """A member that must be there."""
        members = self.obj()
        if key not in members:
            raise At(None, self._child(key)).fail("missing")
        return At(members[key], self._child(key))

    def items(self) -> list[At]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, found {_kind(self.value)}")
        return [At(value, self._child(i)) for i, value in enumerate(self.value)]

    def members(self) -> list[tuple[str, At]]:
        return [(key, At(value, self._child(key))) for key, value in self.obj().items()]

    def text(self, key: str, *, null: bool = False) -> Any:
        return self._typed(key, str, "a string", null)

    def whole(self, key: str, *, null: bool = False, minimum: int = 0) -> Any:
        value = self._typed(key, int, "a whole number", null)
        if value is not None and value < minimum:
            raise self.get(key).fail(f"{value} is below {minimum}")
        return value

    def flag(self, key: str) -> bool:
        value: bool = self._typed(key, bool, "true or false", False)
        return value

    def number(self, key: str, *, null: bool = False) -> Any:
        value = self.get(key).value
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.get(key).fail(f"expected a number, found {_kind(value)}")
        return float(value)

    def time(self, key: str, *, null: bool = False) -> Any:
        text = self.text(key, null=null)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.get(key).fail(f"{text!r} is not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise self.get(key).fail(f"{text!r} has no timezone")
        try:
            late = moment.astimezone(UTC) > LATEST_TIME
        except OverflowError:
            raise self.get(key).fail(f"{text!r} is outside the years 1 to 9999 in UTC") from None
        if late:  # an hour's expiry from there would be no date at all
            raise self.get(key).fail(
                f"{text!r} is past the sandbox clock's end, {format_timestamp(LATEST_TIME)}"
            )
        return moment

    def clock_time(self, key: str) -> datetime:
        """A sandbox clock's time: a time (above) a clock may have, from the Unix epoch on."""
        moment: datetime = self.time(key)
        if moment < EARLIEST_START:
            raise self.get(key).fail(
                f"{time_text(moment)} is before the sandbox's calendar, which starts at "
                f"{format_timestamp(EARLIEST_START)}"
            )
        return moment

    def strings(self, key: str) -> list[str]:
        values = self.get(key).items()
        for value in values:
            if not isinstance(value.value, str):
                raise value.fail(f"expected a string, found {_kind(value.value)}")
        return [value.value for value in values]

    def choice(self, key: str, allowed: Callable[[str], T], name: str) -> T:
        """A string converted by `allowed` (an enum), refused when it is not one of them."""
        text = self.text(key)
        try:
            return allowed(text)
        except ValueError:
            raise self.get(key).fail(f"{text!r} is not a known {name}") from None

    def _typed(self, key: str, kind: type, name: str, null: bool) -> Any:
        at = self.get(key)
        if at.value is None and null:
            return None
        # bool is an int in Python; a snapshot's true is never a count
        if not isinstance(at.value, kind) or (kind is int and isinstance(at.value, bool)):
            raise at.fail(f"expected {name}, found {_kind(at.value)}")
        return at.value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def time_text(moment: datetime | None) -> str | None:
    """Times keep their microseconds in a snapshot: a restore must give them back exactly."""
    return None if moment is None else moment.isoformat()


def random_state(state: tuple[Any, ...]) -> dict[str, Any]:
    """A random.Random's getstate() as JSON."""
    version, internal, gauss = state
    return {"version": version, "state": list(internal), "gauss": gauss}


def read_random_state(at: At) -> tuple[Any, ...]:
    version = at.whole("version")
    internal = at.get("state").items()
    if len(internal) != 625 or not all(
        isinstance(v.value, int) and not isinstance(v.value, bool) and 0 <= v.value < 2**32
        for v in internal
    ):
        raise at.get("state").fail("expected the 625 words of a Mersenne Twister")
    if internal[-1].value > 624:  # the last word is the position in the other 624
        raise internal[-1].fail(f"position {internal[-1].value} is beyond 624")
    gauss = at.get("gauss").value
    if gauss is not None and not isinstance(gauss, float):
        raise at.get("gauss").fail("expected a number or null")
    if version != 3:
        raise at.get("version").fail(f"random state version {version} is not 3")
    return (version, tuple(v.value for v in internal), gauss)
