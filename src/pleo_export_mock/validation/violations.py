"""A single way in which a request or response breaks the spec."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    location: str  # "path" | "query" | "header" | "body" | "response"
    where: str  # parameter name or JSON path such as body[3].status
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
