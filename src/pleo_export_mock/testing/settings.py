"""The session's settings: ExportMockSettings, the defaults a test's marker overrides.

Their text form (names, help, parsing, the environment) lives in `options.py`, which the
pytest plugin reads without importing this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .options import (
    ENV_PREFIX,
    SETTING_HELP,
    SETTINGS,
    SettingError,
    environment_setting,
    parse_setting,
    parse_settings,
)

if TYPE_CHECKING:
    from ..sandbox import ClockMode

__all__ = [
    "DEFAULT_SCENARIO",
    "ENV_PREFIX",
    "SETTINGS",
    "SETTING_HELP",
    "ExportMockSettings",
    "SettingError",
    "environment_setting",
    "parse_setting",
]
# The sandbox's own default (`sandbox.DEFAULT_SCENARIO`), spelt out so as not to import it.
DEFAULT_SCENARIO = "pending"


@dataclass(frozen=True, slots=True)
class ExportMockSettings:
    """The session's defaults; a test's marker overrides scenario, seed and strict."""

    scenario: str = DEFAULT_SCENARIO
    seed: int | None = None
    clock: ClockMode = "frozen"
    strict: bool = False
    host: str = "127.0.0.1"
    bundle_dir: str | None = None  # a folder for a run bundle of each failing test

    @classmethod
    def parse(cls, found: Mapping[str, tuple[str, str]]) -> ExportMockSettings:
        """Settings from {name: (text, origin)}; a name left out keeps its default."""
        values: dict[str, Any] = parse_settings(found)
        return cls(**values)
