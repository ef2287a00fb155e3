"""A shipped scenario's parsed YAML is kept beside it, as the specs' is: `serve` starts without
PyYAML. A user's scenario file is read each time and leaves nothing beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pleo_export_mock.scenarios import loader, yaml_source
from pleo_export_mock.scenarios.errors import ScenarioError

SHIPPED = loader.fixtures_dir()


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of shipped scenarios of our own, written to as an installed package's would be."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(loader, "fixtures_dir", lambda: tmp_path)
    shutil.copy(SHIPPED / "pending.yaml", tmp_path)
    return tmp_path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose YAML was really read (not taken from a cache)."""
    files: list[str] = []
    real = yaml_source._read

    def counting(text: str, file: str) -> Any:
        files.append(file)
        return real(text, file)

    monkeypatch.setattr(yaml_source, "_read", counting)
    return files


def test_a_shipped_scenario_is_read_once_and_then_taken_from_beside_it(
    shipped: Path, reads: list[str]
) -> None:
    first = loader.load_named("pending")
    second = loader.load_named("pending")
    assert len(reads) == 1
    assert second == first
    assert (shipped / "__pycache__" / "pending.yaml.marshal").is_file()


def test_an_edited_shipped_scenario_is_read_again(shipped: Path, reads: list[str]) -> None:
    loader.load_named("pending")
    source = shipped / "pending.yaml"
    source.write_text(source.read_text().replace("Acme Nordic ApS", "Acme Baltic UAB"))
    assert loader.load_named("pending").companies[0].name == "Acme Baltic UAB"
    assert len(reads) == 2


def test_an_error_names_the_same_line_when_the_yaml_comes_from_the_cache(
    shipped: Path, reads: list[str]
) -> None:
    broken = (SHIPPED / "pending.yaml").read_text().replace("type: mileage", "type: teleport")
    (shipped / "pending.yaml").write_text(broken)
    errors = []
    for _ in range(2):
        with pytest.raises(ScenarioError) as caught:
            loader.load_named("pending")
        errors.append(str(caught.value))
    assert len(reads) == 1  # valid YAML, so kept, though the scenario is refused
    line = broken.splitlines().index("        type: teleport") + 1
    assert errors[0] == errors[1] and f"(line {line})" in errors[0]


def test_a_users_scenario_file_leaves_nothing_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    mine = tmp_path / "mine.yaml"
    shutil.copy(SHIPPED / "pending.yaml", mine)
    first = loader.load_scenario_file(mine)
    assert loader.load_scenario_file(mine) is first  # the same text: built once
    mine.write_text(mine.read_text().replace("Acme Nordic ApS", "Acme Baltic UAB"))
    assert loader.load_scenario_file(mine).companies[0].name == "Acme Baltic UAB"
    assert len(reads) == 2
    assert sorted(tmp_path.iterdir()) == [mine]


def test_the_same_text_gives_the_same_scenario_and_a_new_text_a_new_one() -> None:
    """What lets every sandbox of a scenario share its seeded first moment (sandbox.py)."""
    text = (SHIPPED / "pending.yaml").read_text()
    assert loader.load_named("pending") is loader.load_named("pending")
    assert loader.load_scenario_text(text) is loader.load_scenario_text(text)
    assert loader.load_scenario_text(text) is not loader.load_scenario_text(text, "other.yaml")
    edited = loader.load_scenario_text(text.replace("seed: 1001", "seed: 9001"))
    assert edited.seed == 9001 and loader.load_scenario_text(text).seed == 1001


def test_a_refused_scenario_is_refused_every_time() -> None:
    broken = (SHIPPED / "pending.yaml").read_text().replace("type: mileage", "type: teleport")
    for _ in range(2):
        with pytest.raises(ScenarioError, match="teleport"):
            loader.load_scenario_text(broken)


STARTS = """
import sys
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox

create_app(Sandbox("pending"))
print("yaml" in sys.modules)
"""


def test_the_second_start_on_a_shipped_scenario_does_not_import_pyyaml() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    starts = [
        subprocess.run(
            [sys.executable, "-c", STARTS], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert starts[1] == "False", starts
