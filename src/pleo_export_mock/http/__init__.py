"""The WSGI face of the sandbox: routing, auth, validation, handlers, the control plane."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spec import Spec, load_spec
from .app import Exchange, ResponseContractError, SandboxApp
from .control import ControlPlane
from .recording import Recorder
from .settings import HttpSettings

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def create_app(
    sandbox: Sandbox | None = None, settings: HttpSettings | None = None, spec: Spec | None = None
) -> SandboxApp:
    """The full sandbox app: the Export API, its spec at /openapi.json, and /_mock/."""
    from ..sandbox import Sandbox

    sandbox = sandbox or Sandbox()
    spec = spec or load_spec()
    app = SandboxApp(sandbox, spec, settings, extra_routes=ControlPlane(sandbox, spec))
    app.observers.append(Recorder(lambda: sandbox.journal))
    return app


__all__ = ["Exchange", "HttpSettings", "ResponseContractError", "SandboxApp", "create_app"]
