"""pleo-export-mock: a stateful sandbox of Pleo's Export API v3, driven by its OpenAPI spec."""

from .domain.policy import Policy
from .http import HttpSettings, ResponseContractError, create_app
from .http.state_view import authorization_header
from .sandbox import Sandbox, SandboxConfig
from .server import SandboxServer

__all__ = [
    "HttpSettings",
    "Policy",
    "ResponseContractError",
    "Sandbox",
    "SandboxConfig",
    "SandboxServer",
    "authorization_header",
    "create_app",
]
