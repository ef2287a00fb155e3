"""Testing a connector against the sandbox, without pytest: the session, the handle, a client.

The pytest plugin is thin wiring over these; any other test runner can use them directly:

    server = ExportMockServer(ExportMockSettings())  # once: starts the server thread
    server.load("failed")  # per test: a fresh state
    mock = ExportMock(server)
    ...  # run the connector with mock.env, then mock.assert_conformant()
    server.stop()
"""

from __future__ import annotations

from .client import ExportMockClient
from .handle import ConformanceError, ExportMock
from .serving_errors import ErrorCatcher
from .session import ExportMockServer, ScenarioCache, ScenarioRef
from .settings import ENV_PREFIX, SETTINGS, ExportMockSettings, SettingError

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
