"""pleo-export-mock: a stateful sandbox of Pleo's Export API v3, driven by its OpenAPI spec.

Names are imported on first use, so loading the pytest plugin (or the CLI) stays cheap for
runs that never touch the sandbox.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .domain.policy import Policy
    from .http import HttpSettings, ResponseContractError, create_app
    from .http.connector_env import connector_env
    from .http.state_view import authorization_header
    from .sandbox import Sandbox, SandboxConfig
    from .server import SandboxServer
    from .testing import (
        ConformanceError,
        ExportMock,
        ExportMockClient,
        ExportMockServer,
        ExportMockSettings,
        SettingError,
    )

_EXPORTS = {
    "ConformanceError": ".testing",
    "ExportMock": ".testing",
    "ExportMockClient": ".testing",
    "ExportMockServer": ".testing",
    "ExportMockSettings": ".testing",
    "HttpSettings": ".http",
    "Policy": ".domain.policy",
    "ResponseContractError": ".http",
    "Sandbox": ".sandbox",
    "SandboxConfig": ".sandbox",
    "SandboxServer": ".server",
    "SettingError": ".testing",
    "authorization_header": ".http.state_view",
    "connector_env": ".http.connector_env",
    "create_app": ".http",
}
__all__ = [
    "ConformanceError",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
    "HttpSettings",
    "Policy",
    "ResponseContractError",
    "Sandbox",
    "SandboxConfig",
    "SandboxServer",
    "SettingError",
    "authorization_header",
    "connector_env",
    "create_app",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value
