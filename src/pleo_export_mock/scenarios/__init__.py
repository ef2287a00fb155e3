"""Scenarios: YAML files -> validated scenario model -> a seeded sandbox store."""

from __future__ import annotations

from .errors import ScenarioError
from .loader import (
    fixtures_dir,
    load_named,
    load_scenario_file,
    load_scenario_text,
    resolve,
    scenario_names,
)
from .model import Scenario
from .seed import SeededSandbox, build_store

__all__ = [
    "Scenario",
    "ScenarioError",
    "SeededSandbox",
    "build_store",
    "fixtures_dir",
    "load_named",
    "load_scenario_file",
    "load_scenario_text",
    "resolve",
    "scenario_names",
]
