"""Scenario files are passed by jsonschema_rs and judged by jsonschema: what the first accepts,
the second must accept too, or a broken file would load unchecked."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from pleo_export_mock.scenarios import fixtures_dir
from pleo_export_mock.scenarios.validate import scenario_schema
from pleo_export_mock.scenarios.yaml_source import parse

# A few strings each pattern of the schema accepts; a character is put into each.
SAMPLES = {
    r"^(now|-(?=\d)(\d{1,5}d)?(\d{1,6}h)?(\d{1,7}m)?(\d{1,8}s)?)$": [
        "now",
        "-1d2h",
        "-30s",
        "-99999d999999h9999999m99999999s",
    ],
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$": [
        "0123abcd-0123-4567-89ab-0123456789ab"
    ],
    r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$": ["a", "Acme_co.1-x"],
    r"^[^\s:\u001c-\u001f\u0085]{8,200}$": ["sbx_key_0123456789"],
    r"^\+(?=\d)(\d{1,5}d)?(\d{1,6}h)?(\d{1,7}m)?(\d{1,8}s)?$": ["+1d", "+2h30m"],
    r"^https?://[^\s\u001c-\u001f\u0085]+$": ["https://erp.example/doc/1"],
}
# Every character of the Basic Multilingual Plane, and a few beyond it.
CHARACTERS = [chr(c) for c in range(0xD800)] + [chr(c) for c in range(0xE000, 0x10000)]
CHARACTERS += ["\U0001f600", "\U000e0001", "\U0010ffff"]


def patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(patterns(value) for value in node))
    return set()


def test_every_pattern_of_the_schema_has_samples() -> None:
    assert patterns(scenario_schema()) == set(SAMPLES)


@pytest.mark.parametrize("pattern", sorted(SAMPLES))
def test_what_jsonschema_rs_accepts_python_accepts_too(pattern: str) -> None:
    fast = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})
    compiled = re.compile(pattern)  # as jsonschema checks a pattern: re.search
    for sample in SAMPLES[pattern]:
        assert fast.is_valid(sample) and compiled.search(sample), sample
        for at in (0, len(sample) // 2, len(sample)):
            for character in CHARACTERS:
                text = sample[:at] + character + sample[at:]
                if fast.is_valid(text):
                    assert compiled.search(text), (pattern, text)


@pytest.mark.parametrize("offset", ["-999999d", "-1000000h", "-10000000m", "-100000000s"])
def test_both_refuse_an_offset_past_the_calendar(offset: str) -> None:
    """About 400 years at most: a start anywhere in the sandbox's calendar stays a date."""
    schema = scenario_schema()["$defs"]["offset"]
    assert not jsonschema_rs.Draft202012Validator(schema).is_valid(offset)
    assert not jsonschema.Draft202012Validator(schema).is_valid(offset)


def test_every_shipped_scenario_passes_both() -> None:
    fast = jsonschema_rs.Draft202012Validator(scenario_schema(), validate_formats=False)
    reference = jsonschema.Draft202012Validator(scenario_schema())
    files = sorted(fixtures_dir().glob("*.yaml"))
    assert files
    for path in files:
        data = parse(path.read_text(encoding="utf-8"), str(path)).data
        assert fast.is_valid(data) and reference.is_valid(data), path.name


PROBE = """
import sys
from pleo_export_mock.scenarios import load_named
load_named("pending")
print("jsonschema" in sys.modules)
"""


def test_a_valid_scenario_loads_without_importing_jsonschema() -> None:
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert probe.stdout.split() == ["False"], probe.stderr
