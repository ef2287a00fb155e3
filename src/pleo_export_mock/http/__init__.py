"""The WSGI face of the sandbox: one pipeline (route, auth, validation, handlers, journal) for
the Export API and the control plane."""

from __future__ import annotations

from ..sandbox import Sandbox
from ..spec import Spec
from .app import SandboxApp
from .pipeline import Exchange, ResponseContractError
from .recording import Recorder
from .settings import HttpSettings


def create_app(
    sandbox: Sandbox | None = None, settings: HttpSettings | None = None, spec: Spec | None = None
) -> SandboxApp:
    """The full sandbox app, its exchanges recorded in the sandbox's journal."""
    sandbox = sandbox or Sandbox()
    app = SandboxApp(sandbox, spec, settings)
    app.observers.append(Recorder(lambda: sandbox.journal))
    return app


__all__ = ["Exchange", "HttpSettings", "ResponseContractError", "SandboxApp", "create_app"]
