"""The README's examples are part of the product: every ```python block in it must run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
ALL_BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
# Blocks that open with `# test_....py` are pytest files: run by pytest, not executed here.
PYTEST_FILES = [block for block in ALL_BLOCKS if re.match(r"# test_\w+\.py\n", block)]
BLOCKS = [block for block in ALL_BLOCKS if block not in PYTEST_FILES]


def test_the_readme_has_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(source: str) -> None:
    exec(compile(source, str(README), "exec"), {"__name__": "readme_example"})


def test_quick_start_is_what_ci_runs() -> None:
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "./dev test" in ci and "./dev test" in README.read_text(encoding="utf-8")


SCENARIOS = re.findall(r"```yaml\n(name: .*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("text", SCENARIOS, ids=[f"scenario{i}" for i in range(len(SCENARIOS))])
def test_readme_scenario_example_loads_and_seeds(text: str) -> None:
    from pleo_export_mock import Sandbox
    from pleo_export_mock.scenarios.loader import load_scenario_text

    sandbox = Sandbox(load_scenario_text(text, source="README.md"))
    assert sandbox.state.store.jobs()


def test_readme_rules_table_matches_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    from pleo_export_mock.cli import main

    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out.strip() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("source", PYTEST_FILES, ids=[f"file{i}" for i in range(len(PYTEST_FILES))])
def test_readme_pytest_example_passes(source: str, pytester: pytest.Pytester) -> None:
    name = source.splitlines()[0].removeprefix("# ").removesuffix(".py")
    pytester.makepyfile(**{name: source})
    examples = pytester.path / "examples"
    examples.mkdir()
    for script in ("reference_connector.py", "fake_erp.py", "oauth_session.py"):
        (examples / script).write_text((README.parent / "examples" / script).read_text())
    result = pytester.runpytest("-q")  # the plugin comes in through its entry point
    result.assert_outcomes(passed=source.count("\ndef test_"))
