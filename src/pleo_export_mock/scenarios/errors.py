"""A scenario that cannot be loaded: which file, where in it, and why."""

from __future__ import annotations

from ..errors import ToolError


class ScenarioError(ToolError):
    """Raised for YAML syntax errors, schema violations and inconsistent scenarios.

    `where` is a JSON-path-like place (`companies[0].jobs[1].status`, "" for the document
    itself) and `line` the 1-based YAML line of that place when it is known.
    """

    def __init__(self, file: str, where: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.where = where
        self.reason = reason
        self.line = line
        # The constructor's own arguments, so the error survives pickling (pytest-xdist, ...).
        super().__init__(file, where, reason, line)

    def __str__(self) -> str:
        place = self.where
        if self.line is not None:
            place = f"{place} (line {self.line})" if place else f"line {self.line}"
        return f"{self.file}: {place}: {self.reason}" if place else f"{self.file}: {self.reason}"
