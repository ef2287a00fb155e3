"""The session: one sandbox, its app and a server thread, reloaded with a scenario per test."""

from __future__ import annotations

import os
from pathlib import Path

from ..http import HttpSettings, create_app
from ..sandbox import Sandbox, SandboxConfig
from ..scenarios.model import Scenario
from ..server import SandboxServer
from ..verify.live import live_verdict
from .scenario_refs import ScenarioRef, is_file_ref, load_ref
from .serving_errors import ErrorCatcher
from .settings import ExportMockSettings

__all__ = ["ExportMockServer", "ScenarioCache", "ScenarioRef"]


class ScenarioCache:
    """Scenarios parsed once per session: a test suite loads the same few again and again."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int | None], Scenario] = {}

    def get(self, ref: ScenarioRef) -> Scenario:
        """A scenario by name, file or object (Scenarios are frozen, so sharing is safe)."""
        if isinstance(ref, Scenario):
            return ref
        # A file's modification time, so an edited file is read again; a name is never a file.
        key = (str(ref), _mtime(ref) if is_file_ref(ref) else None)
        if key not in self._parsed:
            self._parsed[key] = load_ref(ref)
        return self._parsed[key]


def _mtime(ref: str | Path) -> int | None:
    try:
        return os.stat(ref).st_mtime_ns
    except (OSError, ValueError):
        return None


class ExportMockServer:
    """What lives for the whole session: the sandbox, its app, and the server thread."""

    def __init__(self, settings: ExportMockSettings) -> None:
        """Build the sandbox on the settings' scenario and start serving on a free port."""
        self.settings = settings
        self._scenarios = ScenarioCache()
        first = self.scenario(settings.scenario)
        config = SandboxConfig(seed=settings.seed, clock=settings.clock)
        self.sandbox = Sandbox(first, config)
        # A response that breaks the spec is raised, so the test that caused it fails.
        http = HttpSettings(response_violations="raise", judge=live_verdict)
        self.app = create_app(self.sandbox, http)
        self.wsgi = ErrorCatcher(self.app)
        self.server = SandboxServer(self.wsgi, host=settings.host, port=0)
        self.server.start()

    @property
    def url(self) -> str:
        """The server's base URL, e.g. http://127.0.0.1:PORT."""
        return self.server.url

    def scenario(self, ref: ScenarioRef) -> Scenario:
        """A scenario by name, file or object; parsed once per session (Scenarios are frozen)."""
        return self._scenarios.get(ref)

    def load(self, ref: ScenarioRef, seed: int | None = None) -> None:
        """A fresh state: the scenario's first moment, fresh journal, no recorded errors."""
        scenario = self.scenario(ref)
        if seed is None:
            seed = self.settings.seed if self.settings.seed is not None else scenario.seed
        self.sandbox.load_scenario(scenario, seed=seed)
        self.wsgi.take()

    def take_errors(self) -> list[Exception]:
        """The errors raised while serving since the last load or call, oldest first."""
        return self.wsgi.take()

    def stop(self) -> None:
        """Stop the server thread and the sandbox's webhook deliveries."""
        self.server.stop()
        self.sandbox.close()
