"""Testing a connector against the sandbox, without pytest: the session, the handle, a client.

The pytest plugin is thin wiring over these; any other test runner can use them directly:

    server = ExportMockServer(ExportMockSettings())  # once: starts the server thread
    server.load("failed")  # per test: a fresh state
    mock = ExportMock(server)
    ...  # run the connector with mock.env, then mock.assert_conformant()
    server.stop()

Names are imported on first use: the pytest plugin reads its settings from here while
collecting, and a project that never asks for a sandbox must not pay for building one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import ExportMockClient
    from .handle import ConformanceError, ExportMock
    from .options import ENV_PREFIX, SETTINGS, SettingError
    from .scenario_refs import ScenarioRef
    from .serving_errors import ErrorCatcher
    from .session import ExportMockServer, ScenarioCache
    from .settings import ExportMockSettings

_EXPORTS = {
    "ENV_PREFIX": ".options",
    "SETTINGS": ".options",
    "ConformanceError": ".handle",
    "ErrorCatcher": ".serving_errors",
    "ExportMock": ".handle",
    "ExportMockClient": ".client",
    "ExportMockServer": ".session",
    "ExportMockSettings": ".settings",
    "ScenarioCache": ".session",
    "ScenarioRef": ".scenario_refs",
    "SettingError": ".options",
}
__all__ = [
    "ENV_PREFIX",
    "SETTINGS",
    "ConformanceError",
    "ErrorCatcher",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
    "ScenarioCache",
    "ScenarioRef",
    "SettingError",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value
