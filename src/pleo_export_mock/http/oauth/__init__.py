"""The sandbox's OAuth 2.0 authorization server, at Pleo's paths (openapi/oauth.yaml).

Names are imported on first use: the control plane's OAuth handlers (`.control`) live here
too, and serving them must not import authlib, which only the server itself needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .handlers import OAUTH_HANDLERS
    from .tokens import TokenRefused, credential_for

_EXPORTS = {"OAUTH_HANDLERS": ".handlers", "TokenRefused": ".tokens", "credential_for": ".tokens"}
__all__ = ["OAUTH_HANDLERS", "TokenRefused", "credential_for"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value
