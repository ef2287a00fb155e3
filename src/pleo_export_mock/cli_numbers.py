"""The ranges of the command line's numeric options, checked as argparse reads them, and
the worker threads of the two commands that serve in the foreground.

A value out of range is a usage error naming the option, the value and the range (exit 2),
before any command starts: `serve --threads 0` once started a server that never answered.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# `serve`'s and `replay`'s worker threads. The interpreter lock runs one at a time, so more
# only lengthen the tail under contention (64 racing connectors, p99: 36-41 ms with 2 or 3,
# 42-50 with 4, 53 with 8); each latency fault holds one while it waits (docs/decisions.md,
# "The sandbox's own surface").
SERVE_THREADS = 3


@dataclass(frozen=True, slots=True)
class Range:
    """The values a numeric option takes; `low_open` refuses `low` itself (a timeout of 0)."""

    low: float
    high: float | None = None
    low_open: bool = False

    def refusal(self, value: float) -> str | None:
        """Why `value` is out of range, or None when it is in."""
        if not math.isfinite(value):
            return "must be a finite number"
        too_low = value <= self.low if self.low_open else value < self.low
        if too_low or (self.high is not None and value > self.high):
            return f"must be {self.describe()}"
        return None

    def describe(self) -> str:
        low = _shown(self.low)
        if self.high is None:
            return f"more than {low}" if self.low_open else f"{low} or more"
        if self.low_open:
            return f"more than {low} and at most {_shown(self.high)}"
        return f"from {low} to {_shown(self.high)}"


def _shown(number: float) -> str:
    return str(number) if isinstance(number, int) else f"{number:g}"


MAX_SEED = 2**63 - 1  # the scenario schema's bound: a seed given here fits in a scenario file
# Every numeric option of every command, by its dest. An option missing here stops the CLI at
# start, so no number reaches a command unchecked (`serve --threads 0` once hung for good).
NUMBER_RANGES: dict[str, Range] = {
    "port": Range(0, 65535),
    # Each is an OS thread over one store and its lock: beyond a few dozen they only queue.
    "threads": Range(1, 256),
    "seed": Range(0, MAX_SEED),
    # Upper bounds keep a typo from meaning "forever" (and a timeout inside what a wait takes).
    "seeds": Range(1, 10_000),
    "timeout": Range(0, 86_400, low_open=True),
    "max_examples": Range(1, 100_000),
    "run_number": Range(1, 1_000_000),  # `replay --run N`: a run of the bundle
}


def check_numbers(commands: Iterable[argparse.ArgumentParser]) -> None:
    """Make every int or float option of `commands` refuse what is out of its range."""
    for command in commands:
        for action in command._actions:
            if action.type in (int, float):
                if action.dest not in NUMBER_RANGES:
                    raise LookupError(f"--{action.dest} is a number without a range: add one")
                action.type = _in_range(action.type, NUMBER_RANGES[action.dest])


def _in_range(kind: Callable[[str], float], bounds: Range) -> Callable[[str], float]:
    noun = "a whole number" if kind is int else "a number"

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        problem = bounds.refusal(value)
        if problem:
            raise argparse.ArgumentTypeError(f"{text}: {problem}")
        return value

    return parse
