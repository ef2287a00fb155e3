"""quick_init builds the same frozen dataclass instances as dataclasses' own __init__."""

from __future__ import annotations

import dataclasses

import pytest

from pleo_export_mock.domain.quick_init import quick_init


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Quick:
    name: str
    count: int = 3
    note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:
    name: str
    count: int = 3
    note: str | None = None


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), (("a", 5), {}), (("a",), {"note": "n"}), ((), {"name": "b", "count": 0})],
)
def test_instances_hold_what_the_dataclass_init_would(args: tuple, kwargs: dict) -> None:
    quick, plain = Quick(*args, **kwargs), Plain(*args, **kwargs)
    assert dataclasses.astuple(quick) == dataclasses.astuple(plain)
    assert repr(quick).removeprefix("Quick") == repr(plain).removeprefix("Plain")
    assert quick == Quick(*args, **kwargs) and hash(quick) == hash(Quick(*args, **kwargs))


def test_it_stays_frozen_and_replace_still_works() -> None:
    quick = Quick("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.count = 4  # type: ignore[misc]
    assert dataclasses.replace(quick, count=9) == Quick("a", 9)


def test_a_missing_or_unknown_argument_is_refused_as_by_dataclasses() -> None:
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick("a", colour="red")  # type: ignore[call-arg]


def test_a_default_factory_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="default_factory"):

        @quick_init
        @dataclasses.dataclass(frozen=True, slots=True)
        class Listed:
            items: list[int] = dataclasses.field(default_factory=list)


def test_post_init_runs_last_and_may_refuse() -> None:
    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        low: int
        high: int = 10

        def __post_init__(self) -> None:
            if self.low > self.high:
                raise ValueError(f"{self.low} > {self.high}")

    assert Checked(1).high == 10
    with pytest.raises(ValueError, match="5 > 2"):
        Checked(5, 2)
