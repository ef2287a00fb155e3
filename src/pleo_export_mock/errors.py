"""The root of every error a *user of the tool* can cause (bad scenario file, bad flag, ...).

Distinct from domain errors, which are refusals the sandbox makes on Pleo's behalf to a
connector: a ToolError means the tool was given wrong input and cannot start.
"""

from __future__ import annotations

from collections.abc import Iterable


class ToolError(Exception):
    """Wrong input to the tool itself; the CLI prints str(error) and exits non-zero."""


class SpecError(ToolError):
    """The OpenAPI document cannot drive the sandbox."""


class UsageError(ToolError):
    """A command-line flag or argument is wrong."""


def did_you_mean(word: str, choices: Iterable[str], *, quoted: bool = True) -> str:
    """` (did you mean X?)` naming the choice nearest a misspelt `word`, or "" if none is near."""
    import difflib  # only on the way to an error: importing this module stays light

    close = difflib.get_close_matches(word, sorted(choices), n=1)
    if not close:
        return ""
    return f" (did you mean {close[0]!r}?)" if quoted else f" (did you mean {close[0]}?)"
