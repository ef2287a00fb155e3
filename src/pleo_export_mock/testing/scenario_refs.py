"""What names a scenario in a test: a shipped name, a YAML file, or a Scenario already built.

A name has no folder separator and no YAML suffix (`pending`), and stays a name even when a
file of that name lies about. Anything else is a file, and a relative one is read from the
folder it was written in (beside the test file, beside the ini file): not from wherever the
process happens to stand when the session's sandbox gets round to loading it.
"""

from __future__ import annotations

from pathlib import Path

from ..scenarios.loader import SUFFIXES, load_named, load_scenario_file
from ..scenarios.model import Scenario

ScenarioRef = str | Path | Scenario


def is_file_ref(ref: str | Path) -> bool:
    """True for a path (a Path, a separator, a .yaml/.yml suffix), False for a scenario name."""
    if isinstance(ref, Path):
        return True
    return "/" in ref or "\\" in ref or ref.endswith(SUFFIXES)


def anchored(ref: ScenarioRef, folder: Path) -> ScenarioRef:
    """`ref` with a relative file path read from `folder`; anything else as it is."""
    if isinstance(ref, Scenario) or not is_file_ref(ref):
        return ref
    return folder / ref  # an absolute path stays itself


def load_ref(ref: ScenarioRef) -> Scenario:
    """The scenario `ref` names; ScenarioError says which file, where and why if it cannot."""
    if isinstance(ref, Scenario):
        return ref
    if isinstance(ref, Path) or is_file_ref(ref):
        return load_scenario_file(ref)
    return load_named(ref)
