"""What makes `./dev test` fast: compiled modules kept, the slowest tests handed out first."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import pytest_collection_modifyitems

ROOT = Path(__file__).resolve().parents[1]

MARKED = """
import pytest

def test_quick():
    pass

@pytest.mark.slow
def test_said_slow():
    pass

@pytest.mark.slow(seconds=90)
def test_slowest():
    pass

@pytest.mark.slow(seconds=8)
@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.slow(seconds=25))])
def test_one_parameter_slower(n):
    pass
"""


def _marked_items(pytester: pytest.Pytester) -> list[pytest.Item]:
    pytester.makeini("[pytest]\nmarkers = slow")
    return pytester.getitems(MARKED)


def _dev() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("dev_script", str(ROOT / "dev"))
    spec = importlib.util.spec_from_loader("dev_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_dev_lets_python_keep_compiled_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    dev = _dev()
    env = dev._environment()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PATH"].split(":")[0] == str(dev.BIN)


def test_a_worker_runs_the_slowest_tests_first(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    items = _marked_items(pytester)
    pytest_collection_modifyitems(items)
    assert [item.name for item in items] == [
        "test_slowest",
        "test_one_parameter_slower[2]",
        "test_one_parameter_slower[1]",
        "test_said_slow",
        "test_quick",
    ]


def test_a_single_process_keeps_the_file_order(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    items = _marked_items(pytester)
    pytest_collection_modifyitems(items)
    assert [item.name for item in items][:3] == ["test_quick", "test_said_slow", "test_slowest"]


def test_workers_take_one_test_at_a_time(pytestconfig: pytest.Config) -> None:
    # In chunks, every slow test at the front of the queue would go to the first worker.
    assert pytestconfig.getoption("maxschedchunk") == 1


def test_dev_primes_pytests_caches_on_a_checkouts_first_run_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = _dev()
    started: list[tuple[list[str], Path]] = []

    def popen(command: list[str], **options: object) -> str:
        started.append((command, Path(str(options["cwd"]))))
        return "collection"

    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev.subprocess, "Popen", popen)
    assert dev._prime_pytest({}) == "collection"
    assert "--collect-only" in started[0][0] and started[0][1] == tmp_path
    cache = tmp_path / "tests" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "conftest.cpython-311-pytest-9.2.0.pyc").write_bytes(b"")
    assert dev._prime_pytest({}) is None
    assert len(started) == 1
