"""The pytest plugin: one sandbox server per session, a fresh scenario for every test.

Fixtures `export_mock` (the handle) and `export_mock_client` (an in-process werkzeug Client),
the marker `@pytest.mark.export_mock(scenario=..., seed=..., strict=...)`, and settings from
the command line, the ini file or `PLEO_EXPORT_MOCK_*`, in that order. Only fixtures and hooks:
the session, the handle and the client live in `pleo_export_mock.testing`, free of pytest.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import cast

import pytest

from .testing.client import ExportMockClient
from .testing.handle import ConformanceError, ExportMock
from .testing.serving_errors import ErrorCatcher, raise_first
from .testing.session import ExportMockServer, ScenarioRef
from .testing.settings import (
    ENV_PREFIX,
    SETTING_HELP,
    SETTINGS,
    ExportMockSettings,
    SettingError,
    environment_setting,
)

MARKER = "export_mock"

_settings = pytest.StashKey[ExportMockSettings]()
_servers = pytest.StashKey[list[ExportMockServer]]()
_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("export_mock", "pleo-export-mock: the Pleo Export API sandbox")
    for name, text in SETTING_HELP.items():
        flag, dest = f"--export-mock-{name}", f"export_mock_{name}"
        if name == "strict":  # a bare flag; "false" can still come from the ini file or env
            group.addoption(flag, action="store_const", const="true", dest=dest, help=text)
        else:
            group.addoption(flag, dest=dest, metavar=name.upper(), help=text)
        parser.addini(dest, f"{text} [{ENV_PREFIX}{name.upper()}]", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "export_mock(scenario='pending', seed=None, strict=False): the sandbox scenario, seed "
        "and strictness for this test's export_mock fixture",
    )
    found = {name: text for name in SETTINGS if (text := _setting_text(config, name))}
    try:  # a bad value stops the run here, before any test
        config.stash[_settings] = ExportMockSettings.parse(found)
    except SettingError as problem:
        raise pytest.UsageError(str(problem)) from None
    config.stash[_servers] = []


def _setting_text(config: pytest.Config, name: str) -> tuple[str, str] | None:
    """A setting's text and where it came from: command line, then ini file, then env."""
    option = config.getoption(f"export_mock_{name}")
    if option is not None:
        return str(option), f"--export-mock-{name}"
    ini = config.getini(f"export_mock_{name}")
    if ini not in (None, "", False):
        return str(ini), f"ini option export_mock_{name}"
    return environment_setting(name)


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


@dataclass(frozen=True, slots=True)
class _MarkerOptions:
    scenario: ScenarioRef | None = None
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
    errors = export_mock_server.take_errors()
    if _failed(request.node):  # its own failure says more than what followed from it
        return
    raise_first(errors)
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


@pytest.fixture
def export_mock_client(
    export_mock: ExportMock, export_mock_server: ExportMockServer
) -> ExportMockClient:
    """An in-process client over the same app and state as `export_mock`, already logged in."""
    return ExportMockClient(export_mock_server.wsgi, lambda: export_mock.authorization)


# Re-exported: these were defined here before `pleo_export_mock.testing`, and tests import them.
__all__ = [
    "ConformanceError",
    "ErrorCatcher",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
]
