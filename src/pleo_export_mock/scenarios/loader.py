"""Load scenarios: YAML text -> schema check -> IR -> consistency checks -> Scenario.

Every failure is a ScenarioError naming the file, the place in it and the reason.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from ..errors import did_you_mean
from ..resources import data_path
from .build import build_scenario
from .coherence import check_coherence
from .errors import ScenarioError
from .model import Scenario
from .semantics import check_scenario
from .validate import check_schema
from .yaml_source import Source, parse

SUFFIXES = (".yaml", ".yml")
# Scenarios built lately, by what they were built from. The same text read from the same
# place gives the same (frozen) Scenario object, so every sandbox of it shares one seeded
# first moment and the payloads read from it (sandbox.FirstMoments); an edited file is a new
# text, so a new scenario.
BUILT_LIMIT = 16
_built: OrderedDict[tuple[object, ...], Scenario] = OrderedDict()
_built_lock = threading.Lock()


def fixtures_dir() -> Path:
    """Where the named scenarios live: packaged data, or the checkout's `fixtures/`."""
    return data_path("fixtures")


def load_scenario_text(text: str, source: str = "<body>") -> Scenario:
    return _remembered(("text", text, source), lambda: _load(text, source)[0])


def load_scenario_file(path: str | Path) -> Scenario:
    return _load_file(Path(path), expected_name=None)


def scenario_names() -> list[str]:
    folder = fixtures_dir()
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.iterdir() if path.suffix in SUFFIXES)


def load_named(name: str) -> Scenario:
    return _load_file(_named_path(name), expected_name=name, shipped=True)


def resolve(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (`pending`), or any scenario file by path."""
    text = str(name_or_path)
    looks_like_path = "/" in text or "\\" in text or text.endswith(SUFFIXES)
    if isinstance(name_or_path, Path) or looks_like_path or Path(text).is_file():
        return load_scenario_file(Path(text))
    return load_named(text)


def _load(text: str, source: str, cache_beside: Path | None = None) -> tuple[Scenario, Source]:
    parsed = parse(text, source, cache_beside)
    check_schema(parsed)
    scenario = build_scenario(parsed)
    check_scenario(scenario, parsed)
    check_coherence(scenario, parsed)  # expectations the credentials can reach
    return dataclasses.replace(scenario, text=text), parsed


def _load_file(path: Path, expected_name: str | None, shipped: bool = False) -> Scenario:
    """A shipped scenario's parsed YAML is kept beside it, as the specs' is; a user's file is
    read each time, leaving nothing beside it."""
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(shown, "", "no such scenario file") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise ScenarioError(shown, "", f"cannot read the file: {problem}") from None

    def build() -> Scenario:
        scenario, parsed = _load(text, shown, path if shipped else None)
        if expected_name is not None and scenario.name != expected_name:
            # `serve --scenario X` must serve the scenario that calls itself X.
            message = f"a scenario in {path.name} must be named {expected_name!r}"
            raise parsed.error(("name",), message)
        return dataclasses.replace(scenario, path=path)

    return _remembered(("file", path, shown, text, expected_name, shipped), build)


def _remembered(key: tuple[object, ...], build: Callable[[], Scenario]) -> Scenario:
    """The scenario built from `key` before, or `build()`'s, kept. A refused one is not kept."""
    with _built_lock:
        scenario = _built.get(key)
        if scenario is not None:
            _built.move_to_end(key)
            return scenario
    scenario = build()  # outside the lock: a big scenario must not hold up another's load
    with _built_lock:
        scenario = _built.setdefault(key, scenario)  # a racing thread's, if it came first
        while len(_built) > BUILT_LIMIT:
            _built.popitem(last=False)
    return scenario


def _named_path(name: str) -> Path:
    # One of the names listed, never a path built from the text: a name sent over HTTP
    # (`../../etc/x`) must not reach a file outside the shipped ones.
    names = scenario_names()
    if name in names:
        for suffix in SUFFIXES:
            candidate = fixtures_dir() / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    hint = did_you_mean(name, names)
    known = ", ".join(names) or "none"
    raise ScenarioError(name, "", f"no scenario named {name!r}{hint}; shipped scenarios: {known}")


def _display(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
