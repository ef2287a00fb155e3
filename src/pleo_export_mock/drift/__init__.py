"""Compare Pleo's published specs with the ones the sandbox serves (`pleo-export-mock drift`).

The spec comparison tests use the same walk (`compare`), with the same documented deviations.
"""

from __future__ import annotations

from .model import Change, Delta, Direction, Impact, Kind
from .report import render_json, render_text
from .run import DriftReport, drift

__all__ = [
    "Change",
    "Delta",
    "Direction",
    "DriftReport",
    "Impact",
    "Kind",
    "drift",
    "render_json",
    "render_text",
]
