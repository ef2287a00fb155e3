"""Decode a request body as JSON, strictly, once.

UTF-8 only (RFC 8259 section 8.1), no NaN or Infinity (they are not JSON, and would make the
journal's own exports invalid), and nesting too deep for the decoder is a malformed body
rather than a crash.
"""

from __future__ import annotations

import json
from typing import Any


class NotJson:
    """A body that was sent but is not JSON; `reason` says why, for a 400 that helps."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<not JSON: {self.reason}>"


def decode_json(raw: bytes) -> Any:
    """The decoded body; None when empty; a NotJson when it does not decode."""
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as problem:
        return NotJson(f"not UTF-8 ({problem.reason} at byte {problem.start})")
    except ValueError as problem:
        return NotJson(str(problem))
    except RecursionError:
        return NotJson("nested too deeply")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
