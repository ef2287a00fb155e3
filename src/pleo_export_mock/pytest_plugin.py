"""The pytest plugin: one sandbox server per session, a fresh scenario for every test.

Fixtures `export_mock` (the handle) and `export_mock_client` (an in-process werkzeug Client),
the marker `@pytest.mark.export_mock(scenario=..., seed=..., strict=...)`, and settings from
the command line, the ini file or `PLEO_EXPORT_MOCK_*`, in that order. No business logic:
everything here is wiring over `Sandbox`, `create_app`, `SandboxServer` and `verify`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from werkzeug.test import Client

from .domain.credentials import Credential, CredentialKind
from .http import HttpSettings, SandboxApp, create_app
from .http.connector_env import connector_env
from .http.state_view import authorization_header, state
from .journal import Journal
from .sandbox import DEFAULT_SCENARIO, ClockMode, Sandbox, SandboxConfig
from .scenarios.loader import resolve
from .scenarios.model import Scenario
from .server import SandboxServer
from .verify import Verdict, evaluate
from .verify.report import format_text

if TYPE_CHECKING:
    from datetime import datetime

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MARKER = "export_mock"
ENV_PREFIX = "PLEO_EXPORT_MOCK_"
SETTINGS = ("scenario", "seed", "clock", "strict", "host")

_settings = pytest.StashKey["ExportMockSettings"]()
_servers = pytest.StashKey[list["ExportMockServer"]]()
_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


# -- settings ------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("export_mock", "pleo-export-mock: the Pleo Export API sandbox")
    helps = {
        "scenario": "scenario name or YAML file for tests without a marker (default: pending)",
        "seed": "seed for every scenario (default: each scenario's own)",
        "clock": "sandbox clock: frozen (default) or running",
        "strict": "judge the connector's requests after every export_mock test (true/false)",
        "host": "address the sandbox server listens on (default: 127.0.0.1)",
    }
    for name, text in helps.items():
        flag = f"--export-mock-{name}"
        if name == "strict":
            group.addoption(
                flag, action="store_const", const="true", dest=f"export_mock_{name}", help=text
            )
        else:
            group.addoption(flag, dest=f"export_mock_{name}", metavar=name.upper(), help=text)
        parser.addini(f"export_mock_{name}", f"{text} [{ENV_PREFIX}{name.upper()}]", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "export_mock(scenario='pending', seed=None, strict=False): the sandbox scenario, seed "
        "and strictness for this test's export_mock fixture",
    )
    config.stash[_settings] = ExportMockSettings.from_config(config)  # a bad value stops here
    config.stash[_servers] = []


@dataclass(frozen=True, slots=True)
class ExportMockSettings:
    """The session's defaults; a test's marker overrides scenario, seed and strict."""

    scenario: str = DEFAULT_SCENARIO
    seed: int | None = None
    clock: ClockMode = "frozen"
    strict: bool = False
    host: str = "127.0.0.1"

    @classmethod
    def from_config(cls, config: pytest.Config) -> ExportMockSettings:
        raw = {name: _raw_setting(config, name) for name in SETTINGS}
        values: dict[str, Any] = {}
        for name, found in raw.items():
            if found is not None:
                value, origin = found
                values[name] = _parse_setting(name, value, origin)
        return cls(**values)


def _raw_setting(config: pytest.Config, name: str) -> tuple[str, str] | None:
    """A setting's text and where it came from: command line, then ini file, then env."""
    option = config.getoption(f"export_mock_{name}")
    if option is not None:
        return str(option), f"--export-mock-{name}"
    ini = config.getini(f"export_mock_{name}")
    if ini not in (None, "", False):
        return str(ini), f"ini option export_mock_{name}"
    env = os.environ.get(ENV_PREFIX + name.upper())
    if env:
        return env, ENV_PREFIX + name.upper()
    return None


def _parse_setting(name: str, value: str, origin: str) -> object:
    value = value.strip()
    if name == "seed":
        try:
            return int(value)
        except ValueError:
            raise pytest.UsageError(f"{origin}: the seed is an integer, not {value!r}") from None
    if name == "clock":
        if value not in ("frozen", "running"):
            raise pytest.UsageError(f"{origin}: the clock is 'frozen' or 'running', not {value!r}")
        return value
    if name == "strict":
        if value.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise pytest.UsageError(f"{origin}: strict is true or false, not {value!r}")
        return value.lower() in ("true", "1", "yes", "on")
    return value


# -- the session: one sandbox, one app, one server -------------------------------------------


class ErrorCatcher:
    """WSGI middleware: an exception while serving is kept for the test and answered 500.

    The test that caused it gets it back at teardown (pytest-httpserver's `check_assertions`
    habit), even though it was raised in a server thread.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._errors: list[Exception] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.app(environ, start_response)
        except Exception as error:
            with self._lock:
                self._errors.append(error)
            request = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
            body = (
                f"pleo-export-mock: {type(error).__name__} while serving {request}; "
                f"the test gets it at teardown.\n{error}\n"
            ).encode()
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ]
            # No exc_info: the app had not started the response, and werkzeug's test Client
            # would raise it right there instead of answering 500.
            start_response("500 Internal Server Error", headers)
            return [body]

    def take(self) -> list[Exception]:
        """The errors recorded since the last call, oldest first."""
        with self._lock:
            errors, self._errors = self._errors, []
        return errors


class ExportMockServer:
    """What lives for the whole session: the sandbox, its app, and the server thread."""

    def __init__(self, settings: ExportMockSettings) -> None:
        self.settings = settings
        self._scenarios: dict[tuple[str, int | None], Scenario] = {}
        first = self.scenario(settings.scenario)
        config = SandboxConfig(seed=settings.seed, clock=settings.clock)
        self.sandbox = Sandbox(first, config)
        self.app = create_app(self.sandbox, HttpSettings(response_violations="raise"))
        self.wsgi = ErrorCatcher(self.app)
        self.server = SandboxServer(self.wsgi, host=settings.host, port=0)
        self.server.start()

    @property
    def url(self) -> str:
        return self.server.url

    def scenario(self, ref: str | Path | Scenario) -> Scenario:
        """A scenario by name, file or object; parsed once per session (Scenarios are frozen)."""
        if isinstance(ref, Scenario):
            return ref
        key = (str(ref), _mtime(ref))
        if key not in self._scenarios:
            self._scenarios[key] = resolve(ref)
        return self._scenarios[key]

    def load(self, ref: str | Path | Scenario, seed: int | None = None) -> None:
        """A fresh state: the scenario's first moment, fresh journal, no recorded errors."""
        scenario = self.scenario(ref)
        if seed is None:
            seed = self.settings.seed if self.settings.seed is not None else scenario.seed
        self.sandbox.load_scenario(scenario, seed=seed)
        self.wsgi.take()

    def stop(self) -> None:
        self.server.stop()


def _mtime(ref: str | Path) -> int | None:
    """A file's modification time, so an edited scenario file is read again."""
    try:
        return os.stat(ref).st_mtime_ns
    except (OSError, ValueError):
        return None


@pytest.fixture(scope="session")
def export_mock_settings(pytestconfig: pytest.Config) -> ExportMockSettings:
    """The session's defaults; override this fixture in a conftest to set them in code."""
    return pytestconfig.stash[_settings]


@pytest.fixture(scope="session")
def export_mock_server(
    pytestconfig: pytest.Config, export_mock_settings: ExportMockSettings
) -> Iterator[ExportMockServer]:
    """The sandbox server on a free port, started once per session."""
    server = ExportMockServer(export_mock_settings)
    pytestconfig.stash[_servers].append(server)
    yield server
    server.stop()
    pytestconfig.stash[_servers].remove(server)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The safety net: stop any server the fixtures did not stop."""
    for server in session.config.stash.get(_servers, []):
        server.stop()
    session.config.stash[_servers] = []


# -- a test's view ------------------------------------------------------------------------------


class ConformanceError(AssertionError):
    """The connector broke rules of Pleo's integration guide; `verdict` holds the findings."""

    def __init__(self, report: str, verdict: Verdict) -> None:
        super().__init__(report)
        self.verdict = verdict


class ExportMock:
    """What a test gets: the running sandbox's address and credentials, and Pleo's side of it.

    Credentials and ids follow the loaded scenario, so read them after `load_scenario`.
    """

    def __init__(self, server: ExportMockServer) -> None:
        self._server = server
        self.url = server.url
        self.sandbox = server.sandbox

    def __repr__(self) -> str:
        return f"<ExportMock {self.sandbox.scenario.name} (seed {self.sandbox.seed}) at {self.url}>"

    def url_for(self, path: str) -> str:
        return self.url + ("" if path.startswith("/") else "/") + path

    # -- who the connector is --------------------------------------------------------------

    @property
    def credentials(self) -> list[Credential]:
        return list(self.sandbox.state.credentials)

    @property
    def credential(self) -> Credential:
        """The credential `authorization` and `api_key` (or `access_token`) come from."""
        return self._first(CredentialKind.API_KEY) or self.sandbox.state.credentials[0]

    @property
    def api_key(self) -> str | None:
        credential = self._first(CredentialKind.API_KEY)
        return credential.secret if credential else None

    @property
    def access_token(self) -> str | None:
        credential = self._first(CredentialKind.BEARER)
        return credential.secret if credential else None

    @property
    def authorization(self) -> str:
        """The Authorization header value for `credential`."""
        return authorization_header(self.credential)

    @property
    def company_id(self) -> str:
        """The first company of the scenario."""
        return next(iter(self.sandbox.state.company_ids.values()))

    def company(self, key: str) -> str:
        """A company's id from its key in the scenario file."""
        company_ids = self.sandbox.state.company_ids
        if key not in company_ids:
            known = ", ".join(company_ids)
            raise KeyError(f"no company {key!r} in scenario {self.scenario_name} (keys: {known})")
        return company_ids[key]

    @property
    def env(self) -> dict[str, str]:
        """What a connector under test is given: PLEO_API_URL, _API_KEY, _ACCESS_TOKEN, ..."""
        return connector_env(self.url, self.company_id, self.sandbox.state.credentials)

    def _first(self, kind: CredentialKind) -> Credential | None:
        return next((c for c in self.sandbox.state.credentials if c.kind is kind), None)

    # -- the sandbox -----------------------------------------------------------------------

    @property
    def scenario_name(self) -> str:
        return self.sandbox.scenario.name

    @property
    def app(self) -> SandboxApp:
        """The WSGI app the server and `export_mock_client` serve (before error catching)."""
        return self._server.app

    @property
    def journal(self) -> Journal:
        return self.sandbox.journal

    @property
    def state(self) -> dict[str, Any]:
        """Every company's queue, exported entries and jobs, as /_mock/state shows them."""
        return state(self.sandbox)

    def load_scenario(self, scenario: str | Path | Scenario, seed: int | None = None) -> None:
        """Another scenario, fresh (parsed YAML is cached for the session)."""
        self._server.load(scenario, seed)

    def reset(self) -> None:
        """Back to the loaded scenario's first moment, with a fresh journal."""
        self.sandbox.reset()

    def advance_clock(self, seconds: float) -> datetime:
        return self.sandbox.advance_clock(seconds)

    # -- the judge ---------------------------------------------------------------------------

    def verdict(self, companies: Iterable[str] | None = None) -> Verdict:
        """Pleo's connector rules, judged over the journal and the state since the last reset."""
        return evaluate(self.sandbox, None if companies is None else list(companies))

    def assert_conformant(self, companies: Iterable[str] | None = None) -> Verdict:
        """Raise ConformanceError, with the readable report, if any rule found an error."""
        verdict = self.verdict(companies)
        if not verdict.ok:
            report = format_text(verdict, self.journal.snapshot())
            raise ConformanceError(f"the connector broke Pleo's rules:\n{report}", verdict)
        return verdict


@dataclass(frozen=True, slots=True)
class _MarkerOptions:
    scenario: str | Path | Scenario | None = None
    seed: int | None = None
    strict: bool | None = None


def _marker_options(node: pytest.Item) -> _MarkerOptions:
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return _MarkerOptions()
    try:
        return _MarkerOptions(*marker.args, **marker.kwargs)
    except TypeError as problem:
        where = "@pytest.mark.export_mock(scenario=..., seed=..., strict=...)"
        pytest.fail(f"{where}: {problem}", pytrace=False)


@pytest.fixture
def export_mock(
    request: pytest.FixtureRequest,
    export_mock_server: ExportMockServer,
    export_mock_settings: ExportMockSettings,
) -> Iterator[ExportMock]:
    """The session's sandbox server, freshly loaded with this test's scenario.

    At teardown, an error raised while serving this test's requests is raised again here;
    with `strict`, the connector's requests are judged too. Neither when the test failed.
    """
    options = _marker_options(cast(pytest.Item, request.node))
    export_mock_server.load(options.scenario or export_mock_settings.scenario, options.seed)
    handle = ExportMock(export_mock_server)
    yield handle
    errors = export_mock_server.wsgi.take()
    if _failed(request.node):
        return
    if errors:
        first = errors[0]
        if len(errors) > 1:
            first.add_note(f"(and {len(errors) - 1} more error(s) while serving this test)")
        raise first
    strict = options.strict if options.strict is not None else export_mock_settings.strict
    if strict:
        handle.assert_conformant()


def _failed(node: pytest.Item | pytest.Collector) -> bool:
    return any(report.failed for report in node.stash.get(_reports, {}).values())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so the fixture's teardown knows if it failed."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


class ExportMockClient(Client):
    """werkzeug's test Client over the sandbox app, in process, on the test's fresh state.

    Every request carries the handle's Authorization header unless it sends its own; set
    `authorization` to another value to change it, or to None to send none.
    """

    def __init__(self, app: WSGIApplication, default: Callable[[], str]) -> None:
        super().__init__(self._serve)
        self._app = app
        self._default = default
        self._pinned: tuple[str | None] | None = None

    @property
    def authorization(self) -> str | None:
        return self._default() if self._pinned is None else self._pinned[0]

    @authorization.setter
    def authorization(self, value: str | None) -> None:
        self._pinned = (value,)

    def _serve(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        authorization = self.authorization
        if authorization is not None:
            environ.setdefault("HTTP_AUTHORIZATION", authorization)
        return self._app(environ, start_response)


@pytest.fixture
def export_mock_client(
    export_mock: ExportMock, export_mock_server: ExportMockServer
) -> ExportMockClient:
    """An in-process client over the same app and state as `export_mock`, already logged in."""
    return ExportMockClient(export_mock_server.wsgi, lambda: export_mock.authorization)


__all__ = [
    "ConformanceError",
    "ErrorCatcher",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
]
