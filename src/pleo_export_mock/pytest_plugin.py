"""The pytest plugin: one sandbox server per session, a fresh scenario for every test.

Fixtures `export_mock` (the handle) and `export_mock_client` (an in-process werkzeug Client),
the marker `@pytest.mark.export_mock(scenario=..., seed=..., strict=...)`, and settings from
the command line, the ini file or `PLEO_EXPORT_MOCK_*`, in that order. Only fixtures and hooks:
the session, the handle and the client live in `pleo_export_mock.testing`, free of pytest.

pytest loads this module in every project the package is installed in, used or not. So at
module level it imports only pytest and the settings (standard library); the sandbox comes in
with the first fixture that needs it, or at configure time when a scenario setting is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import pytest

from . import testing  # the package alone: it imports each of its names when first asked
from .errors import ToolError, did_you_mean
from .testing.options import (
    ENV_PREFIX,
    SETTING_HELP,
    SETTINGS,
    SettingError,
    environment_setting,
    folder_problem,
    parse_settings,
    unknown_environment_variables,
)

if TYPE_CHECKING:
    from .testing.client import ExportMockClient
    from .testing.handle import ConformanceError, ExportMock
    from .testing.scenario_refs import ScenarioRef
    from .testing.serving_errors import ErrorCatcher
    from .testing.session import ExportMockServer
    from .testing.settings import ExportMockSettings

MARKER = "export_mock"
MARKER_SIGNATURE = "@pytest.mark.export_mock(scenario=..., seed=..., strict=...)"

_settings = pytest.StashKey[dict[str, object]]()  # parsed values: the dataclass comes later
_servers = pytest.StashKey[list["ExportMockServer"]]()
_bundles = pytest.StashKey[list[Path]]()  # run bundles written for failing tests


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("export_mock", "pleo-export-mock: the Pleo Export API sandbox")
    for name, text in SETTING_HELP.items():
        flag, dest = _flag(name), f"export_mock_{name}"
        if name == "strict":  # a bare flag; "false" can still come from the ini file or env
            group.addoption(flag, action="store_const", const="true", dest=dest, help=text)
        else:
            group.addoption(flag, dest=dest, metavar=_METAVARS.get(name, name.upper()), help=text)
        parser.addini(dest, f"{text} [{ENV_PREFIX}{name.upper()}]", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "export_mock(scenario='pending', seed=None, strict=False): the sandbox scenario, seed "
        "and strictness for this test's export_mock fixture",
    )
    # A bad value stops the run here, once, before any test: not as an error in every test.
    try:
        config.stash[_settings] = _read_settings(config)
    except SettingError as problem:
        raise pytest.UsageError(str(problem)) from None
    config.stash[_servers] = []
    for unknown in unknown_environment_variables():
        _warn_or_fail(config, unknown)


def _warn_or_fail(config: pytest.Config, problem: str) -> None:
    """As pytest treats an unknown ini option: a warning, or with --strict-config an error."""
    if _strict_config(config):
        raise pytest.UsageError(problem)
    config.issue_config_time_warning(pytest.PytestConfigWarning(problem), stacklevel=2)


def _strict_config(config: pytest.Config) -> bool:
    for ini in ("strict_config", "strict"):  # pytest 9; `strict` turns on every strict_*
        try:
            value = config.getini(ini)
        except ValueError:  # pytest 8 has neither: --strict-config is an option there
            break
        if value is not None:
            return bool(value)
    return bool(getattr(config.option, "strict_config", False))


_METAVARS = {"bundle_dir": "DIR"}

# The tests being run, innermost last (a test may run a whole pytest session inside itself).
# `export_mock` reads its test from here: asking for pytest's `request` fixture instead costs
# every test that uses it about 0.05 ms, a fifth of all pytest's own setup of a test.
_running: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running.append(item)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _running and _running[-1] is item:
        _running.pop()


def _flag(name: str) -> str:
    return f"--export-mock-{name.replace('_', '-')}"


class _Found(NamedTuple):
    text: str
    origin: str  # what the user would fix: a flag, an ini option, a variable
    folder: Path  # where a relative scenario path written there is read from


def _read_settings(config: pytest.Config) -> dict[str, object]:
    found = {name: setting for name in SETTINGS if (setting := _setting(config, name))}
    scenario = found.get("scenario")
    if scenario is not None:
        found["scenario"] = scenario._replace(text=_checked_scenario(scenario))
    bundles = found.get("bundle_dir")
    if bundles is not None:  # a relative folder is read from where the setting was written
        found["bundle_dir"] = bundles._replace(text=str(bundles.folder / bundles.text.strip()))
        problem = folder_problem(found["bundle_dir"].text)
        if problem:  # said once now, not by every failing test's teardown
            raise SettingError(f"{bundles.origin}: {problem}")
    return parse_settings({name: (s.text, s.origin) for name, s in found.items()})


def _setting(config: pytest.Config, name: str) -> _Found | None:
    """A setting's text and where it came from: command line, then ini file, then env."""
    here = config.invocation_params.dir
    option = config.getoption(f"export_mock_{name}")
    if option is not None:
        return _Found(str(option), _flag(name), here)
    ini = config.getini(f"export_mock_{name}")
    if ini not in (None, "", False):
        inipath = config.inipath or config.rootpath
        origin = f"ini option export_mock_{name} ({inipath.name})"
        return _Found(str(ini), origin, inipath.parent if config.inipath else inipath)
    from_env = environment_setting(name)
    return _Found(*from_env, here) if from_env else None


def _checked_scenario(setting: _Found) -> str:
    """The scenario setting, a relative path made absolute, once loaded to prove it loads."""
    from .testing.scenario_refs import anchored, load_ref

    ref = anchored(setting.text.strip(), setting.folder)
    try:
        load_ref(ref)
    except ToolError as problem:
        raise SettingError(f"{setting.origin}: {problem}") from None
    return str(ref)


# pytest resolves every fixture of the chain again for every test that asks for `export_mock`,
# cached or not, and under pytest 9 the `request` fixture is made anew each time: in the chain,
# it cost every test about 0.03 ms, a sixth of the fixture's cost. So the session fixtures
# ask for no `request` and read the session's config through the running test instead.


def _config() -> pytest.Config:
    """The running test's config: a fixture is only ever set up while some test is."""
    return _running[-1].config


@pytest.fixture(scope="session")
def export_mock_settings() -> ExportMockSettings:
    """The session's defaults; override this fixture in a conftest to set them in code."""
    from .testing.settings import ExportMockSettings

    values: dict[str, Any] = _config().stash[_settings]
    return ExportMockSettings(**values)


@pytest.fixture(scope="session")
def export_mock_server(export_mock_settings: ExportMockSettings) -> Iterator[ExportMockServer]:
    """The sandbox server on a free port, started once per session.

    If it cannot start, the session stops with that one reason: every test after would only
    fail the same way.
    """
    from .testing.session import ExportMockServer

    try:
        server = ExportMockServer(export_mock_settings)
    except ToolError as problem:  # a scenario set in code (an overridden settings fixture)
        _stop_session(str(problem))
    except (OSError, ValueError) as problem:  # the socket, or waitress refusing the address
        _stop_session(f"cannot listen on host {export_mock_settings.host!r}: {problem}")
    servers = _config().stash[_servers]
    servers.append(server)
    yield server
    server.stop()
    servers.remove(server)


def _stop_session(reason: str) -> NoReturn:
    __tracebackhide__ = True
    reason = f"pleo-export-mock: the session's sandbox cannot start: {reason}"
    pytest.exit(reason, returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The safety net: stop any server the fixtures did not stop."""
    for server in session.config.stash.get(_servers, []):
        server.stop()
    session.config.stash[_servers] = []


class _MarkerOptions(NamedTuple):  # not a dataclass: building one costs the import a millisecond
    scenario: ScenarioRef | None = None
    seed: int | None = None
    strict: bool | None = None


def _marker_options(node: pytest.Item) -> _MarkerOptions:
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return _MarkerOptions()
    wrong = _wrong_arguments(marker.args, marker.kwargs)
    if wrong:
        pytest.fail(f"{MARKER_SIGNATURE}: {wrong}", pytrace=False)
    options = _MarkerOptions(*marker.args, **marker.kwargs)
    seed, strict = options.seed, options.strict
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        pytest.fail(f"{MARKER_SIGNATURE}: seed is an integer, not {seed!r}", pytrace=False)
    if strict is not None and not isinstance(strict, bool):
        pytest.fail(f"{MARKER_SIGNATURE}: strict is True or False, not {strict!r}", pytrace=False)
    return options


def _wrong_arguments(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str | None:
    """What is wrong with the marker's arguments, in the marker's terms, or None."""
    names = _MarkerOptions._fields
    if len(args) > len(names):
        return f"takes at most {len(names)} arguments ({', '.join(names)}), got {len(args)}"
    for name in kwargs:
        if name in names[: len(args)]:
            return f"{name} is given twice, by position and by name"
        if name not in names:
            hint = did_you_mean(name, names, quoted=False)
            return f"no argument {name!r}{hint}; it takes {', '.join(names)}"
    return None


def _load_marked(
    server: ExportMockServer, node: pytest.Item, options: _MarkerOptions, default: str
) -> None:
    """The marker's scenario, a relative path read beside the test file; or the default."""
    if options.scenario is None:
        server.load(default, options.seed)
        return
    from .testing.scenario_refs import anchored

    ref = anchored(options.scenario, node.path.parent)
    try:
        server.load(ref, options.seed)
        return
    except ToolError as problem:
        reason = str(problem)
    if isinstance(ref, Path) and not ref.exists():
        reason += " (a relative path in the marker is read from the test file's folder)"
    # Out of the except block: pytest would print the ToolError too, "during handling" of it.
    pytest.fail(f"{MARKER_SIGNATURE}: {reason}", pytrace=False)


@pytest.fixture
def export_mock(export_mock_server: ExportMockServer) -> Iterator[ExportMock]:
    """The session's sandbox server, freshly loaded with this test's scenario.

    At teardown, an error raised while serving this test's requests is raised again here;
    with `strict`, the connector's requests are judged too. Neither when the test failed.
    """
    __tracebackhide__ = True  # a teardown failure is about the test, not about this frame
    # The server's own settings: each fixture asked for costs every test a little more.
    settings = export_mock_server.settings
    node = _running[-1]
    failures_before = node.session.testsfailed
    options = _marker_options(node)
    _load_marked(export_mock_server, node, options, settings.scenario)
    # An attribute of the package, not an import here: that would cost every test a little.
    handle = testing.ExportMock(export_mock_server, scenario_folder=node.path.parent)
    yield handle
    errors = export_mock_server.take_errors()
    # The test's own failure says more than what followed from it. Its setup and call were
    # reported before this teardown, so the session's count of failures grew if it failed.
    if node.session.testsfailed > failures_before:
        _bundle(settings, handle, node)
        return
    strict = options.strict if options.strict is not None else settings.strict
    try:
        if errors:
            from .testing.serving_errors import raise_first

            raise_first(errors)
        if strict:
            handle.assert_conformant()
    except Exception:
        _bundle(settings, handle, node)
        raise


def _bundle(settings: ExportMockSettings, handle: ExportMock, node: pytest.Item) -> None:
    """With a bundle folder set, a failing test leaves its run bundle there."""
    if settings.bundle_dir is None:
        return
    from .testing.bundles import write_test_bundle

    try:
        path = write_test_bundle(handle.sandbox, Path(settings.bundle_dir), node.nodeid)
    except ToolError as problem:  # the folder was fine at the start; a full disk, say
        reason = str(problem)
    else:
        if path is not None:
            node.config.stash.setdefault(_bundles, []).append(path)
        return
    pytest.fail(f"pleo-export-mock: no run bundle for this test: {reason}", pytrace=False)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Where the failing tests' run bundles went, and how to look at one."""
    written = config.stash.get(_bundles, [])
    if written:
        terminalreporter.write_sep("-", "pleo-export-mock run bundles of failing tests")
        for path in written:
            terminalreporter.write_line(str(path))
        terminalreporter.write_line("judge one again: pleo-export-mock replay FILE --judge")


@pytest.fixture
def export_mock_client(
    export_mock: ExportMock, export_mock_server: ExportMockServer
) -> ExportMockClient:
    """An in-process client over the same app and state as `export_mock`, already logged in."""
    return testing.ExportMockClient(export_mock_server.wsgi, lambda: export_mock.authorization)


# Re-exported, on first use: these were defined here before `pleo_export_mock.testing`, and
# tests import them from here.
__all__ = [
    "ConformanceError",
    "ErrorCatcher",
    "ExportMock",
    "ExportMockClient",
    "ExportMockServer",
    "ExportMockSettings",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(testing, name)
