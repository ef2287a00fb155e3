"""What a test gets: the running sandbox's address and credentials, and Pleo's side of it.

Methods that raise for the test's own sake set `__tracebackhide__` (pytest's convention, a
plain local anywhere else), so a failure points at the test's line, not at these frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.credentials import Credential, CredentialKind
from ..errors import ToolError
from ..http.connector_env import connector_env, connector_process_env
from ..http.state_view import authorization_header, state
from ..verify import Verdict, evaluate
from ..verify.report import format_text
from .scenario_refs import ScenarioRef, anchored
from .session import ExportMockServer

if TYPE_CHECKING:
    from datetime import datetime

    from ..http import SandboxApp
    from ..journal import Journal


class ConformanceError(AssertionError):
    """The connector broke rules of Pleo's integration guide; `verdict` holds the findings."""

    def __init__(self, report: str, verdict: Verdict) -> None:
        super().__init__(report)
        self.verdict = verdict


class ExportMock:
    """The handle on a session's sandbox, as one test sees it.

    Credentials and ids follow the loaded scenario, so read them after `load_scenario`.
    """

    def __init__(self, server: ExportMockServer, scenario_folder: Path | None = None) -> None:
        """A view of `server`'s sandbox; it follows whatever scenario is loaded next.

        `load_scenario` reads a relative file path from `scenario_folder` (the pytest plugin
        gives the test file's folder, as for the marker), or from the working directory.
        """
        self._server = server
        self._scenario_folder = scenario_folder
        self.url = server.url
        self.sandbox = server.sandbox

    def __repr__(self) -> str:
        return f"<ExportMock {self.sandbox.scenario.name} (seed {self.sandbox.seed}) at {self.url}>"

    def url_for(self, path: str) -> str:
        """The sandbox's URL for `path`, with or without its leading slash."""
        return self.url + ("" if path.startswith("/") else "/") + path

    # -- who the connector is --------------------------------------------------------------

    @property
    def credentials(self) -> list[Credential]:
        """Every credential of the loaded scenario."""
        return list(self.sandbox.read_state().credentials)

    @property
    def credential(self) -> Credential:
        """The credential `authorization` and `api_key` (or `access_token`) come from."""
        return self._first(CredentialKind.API_KEY) or self.sandbox.read_state().credentials[0]

    @property
    def api_key(self) -> str | None:
        """The first API key's secret, if the scenario has one."""
        credential = self._first(CredentialKind.API_KEY)
        return credential.secret if credential else None

    @property
    def access_token(self) -> str | None:
        """The first bearer token's secret, if the scenario has one."""
        credential = self._first(CredentialKind.BEARER)
        return credential.secret if credential else None

    @property
    def authorization(self) -> str:
        """The Authorization header value for `credential`."""
        return authorization_header(self.credential)

    @property
    def company_id(self) -> str:
        """The first company of the scenario."""
        return next(iter(self.sandbox.read_state().company_ids.values()))

    def company(self, key: str) -> str:
        """A company's id from its key in the scenario file."""
        __tracebackhide__ = True
        company_ids = self.sandbox.read_state().company_ids
        if key not in company_ids:
            known = ", ".join(company_ids)
            raise KeyError(f"no company {key!r} in scenario {self.scenario_name} (keys: {known})")
        return company_ids[key]

    @property
    def env(self) -> dict[str, str]:
        """The environment to start a connector with: this process's own, read now, plus
        PLEO_API_URL, PLEO_COMPANY_ID, PLEO_API_KEY, PLEO_ACCESS_TOKEN and the OAuth client's
        PLEO_OAUTH_CLIENT_ID, PLEO_OAUTH_CLIENT_SECRET, PLEO_OAUTH_REDIRECT_URI and PLEO_AUTH_URL.

        So `subprocess.run([...], env=export_mock.env)` keeps PATH, HOME and the rest. A
        PLEO_* variable of this process that the scenario has no value for is left out.
        """
        return connector_process_env(self.connector_env)

    @property
    def connector_env(self) -> dict[str, str]:
        """Only the PLEO_* variables of `env`: what the sandbox tells a connector."""
        state = self.sandbox.read_state()
        client = state.oauth.client_for(self.company_id)
        return connector_env(self.url, self.company_id, state.credentials, client)

    def _first(self, kind: CredentialKind) -> Credential | None:
        return next((c for c in self.sandbox.read_state().credentials if c.kind is kind), None)

    # -- the sandbox -----------------------------------------------------------------------

    @property
    def scenario_name(self) -> str:
        """The loaded scenario's name."""
        return self.sandbox.scenario.name

    @property
    def app(self) -> SandboxApp:
        """The WSGI app the server and `export_mock_client` serve (before error catching)."""
        return self._server.app

    @property
    def journal(self) -> Journal:
        """Every request the sandbox answered since the last load or reset."""
        return self.sandbox.journal

    @property
    def state(self) -> dict[str, Any]:
        """Every company's queue, exported entries and jobs, as /_mock/state shows them."""
        return state(self.sandbox)

    def load_scenario(self, scenario: ScenarioRef, seed: int | None = None) -> None:
        """Another scenario, fresh (parsed YAML is cached for the session).

        A ScenarioError names the file, the place and the reason; it is raised from here, as
        the loader's own frames would only stand between the test's line and that message.
        """
        __tracebackhide__ = True
        if self._scenario_folder is not None:
            scenario = anchored(scenario, self._scenario_folder)
        try:
            self._server.load(scenario, seed)
        except ToolError as problem:
            raise problem.with_traceback(None) from None

    def reset(self) -> None:
        """Back to the loaded scenario's first moment, with a fresh journal."""
        self.sandbox.reset()

    def advance_clock(self, seconds: float) -> datetime:
        """Move the sandbox's clock on by `seconds`; returns the new time."""
        return self.sandbox.advance_clock(seconds)

    # -- the judge ---------------------------------------------------------------------------

    def verdict(self, companies: Iterable[str] | None = None) -> Verdict:
        """Pleo's connector rules, judged over the journal and the state since the last reset."""
        return evaluate(self.sandbox, None if companies is None else list(companies))

    def assert_conformant(self, companies: Iterable[str] | None = None) -> Verdict:
        """Raise ConformanceError, with the readable report, if any rule found an error."""
        __tracebackhide__ = True
        verdict = self.verdict(companies)
        if not verdict.ok:
            report = format_text(verdict, self.journal.snapshot())
            raise ConformanceError(f"the connector broke Pleo's rules:\n{report}", verdict)
        return verdict
