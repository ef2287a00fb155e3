"""The session's settings as text (a flag, an ini line, an environment variable), parsed.

Where the text came from is the caller's business; a bad value raises SettingError naming
that origin, so the user knows which of the three places to fix.

The pytest plugin reads these at configure time in every project the package is installed
in, used or not: so this module imports nothing beyond the standard library and defines no
dataclass (building one costs about a millisecond). `settings.py` holds ExportMockSettings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import UsageError, did_you_mean

ENV_PREFIX = "PLEO_EXPORT_MOCK_"
# Each setting and what it does; the pytest plugin shows these in --help.
SETTING_HELP = {
    "scenario": "scenario name or YAML file for tests without a marker (default: pending)",
    "seed": "seed for every scenario (default: each scenario's own)",
    "clock": "sandbox clock: frozen (default) or running",
    "strict": "judge the connector's requests after every export_mock test (true/false)",
    "host": "address the sandbox server listens on (default: 127.0.0.1)",
    "bundle_dir": "write a run bundle (`pleo-export-mock replay`) of each failing export_mock "
    "test into this folder",
}
SETTINGS = tuple(SETTING_HELP)

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class SettingError(UsageError):
    """A setting's text cannot be read; the message starts with where it came from."""


def parse_setting(name: str, text: str, origin: str) -> object:
    """One setting's value from its text; SettingError names `origin` if it is wrong."""
    text = text.strip()
    if name == "seed":
        try:
            return int(text)
        except ValueError:
            raise SettingError(f"{origin}: the seed is an integer, not {text!r}") from None
    if name == "clock":
        if text not in ("frozen", "running"):
            raise SettingError(f"{origin}: the clock is 'frozen' or 'running', not {text!r}")
        return text
    if name == "strict":
        if text.lower() not in _TRUE + _FALSE:
            raise SettingError(f"{origin}: strict is true or false, not {text!r}")
        return text.lower() in _TRUE
    return text


def parse_settings(found: Mapping[str, tuple[str, str]]) -> dict[str, object]:
    """{name: value} from {name: (text, origin)}; SettingError names the first bad origin."""
    return {name: parse_setting(name, *found[name]) for name in SETTINGS if name in found}


def environment_setting(name: str) -> tuple[str, str] | None:
    """A setting's text from PLEO_EXPORT_MOCK_<NAME>, with that variable as its origin."""
    variable = ENV_PREFIX + name.upper()
    text = os.environ.get(variable)
    return (text, variable) if text else None


def unknown_environment_variables() -> list[str]:
    """What each PLEO_EXPORT_MOCK_* variable that names no setting is, in a sentence: most
    likely a misspelt one, whose setting silently keeps its default."""
    known = {ENV_PREFIX + name.upper() for name in SETTINGS}
    found = sorted(v for v in os.environ if v.startswith(ENV_PREFIX) and v not in known)
    return [
        f"{variable} names no pleo-export-mock setting"
        f"{did_you_mean(variable, known, quoted=False)}; it is ignored"
        for variable in found
    ]


def folder_problem(path: str) -> str | None:
    """Why files could not be written into the folder `path` (made when first needed), or None.
    Nothing is made: a run whose tests all pass leaves no trace."""
    folder = os.path.abspath(path)
    if os.path.exists(folder):
        if not os.path.isdir(folder):
            return f"{folder} is not a folder"
        existing = folder
    else:
        existing = os.path.dirname(folder)
        while not os.path.exists(existing):
            existing = os.path.dirname(existing)
        if not os.path.isdir(existing):
            return f"{folder} cannot be made: {existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{folder} cannot be written: {existing} is not writable"
    return None
