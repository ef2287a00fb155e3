"""The connector's process group: the timeout holds for wrappers, and nothing outlives a run."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pleo_export_mock.verify.launch import run_process


def _gone(pid: int) -> bool:
    """No such process, or only its exit status is left (a zombie does no work)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


@pytest.fixture
def pid_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "grandchild.pid"
    yield path
    if path.exists():  # never leave a stray sleeper behind, whatever the test found
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(path.read_text()), signal.SIGKILL)


def _sh(script: str) -> tuple[str, ...]:
    return ("sh", "-c", script)


def test_the_timeout_ends_the_grandchild_of_a_wrapper(pid_file: Path) -> None:
    # `npm start` and `dotnet run` work like this: the shell waits on the real connector.
    script = f"sleep 300 >/dev/null 2>&1 & echo $! > {pid_file}; echo waiting; wait"
    run = run_process(_sh(script), dict(os.environ), timeout=1.0)
    assert run.timed_out and run.stdout == "waiting\n"
    assert _gone(int(pid_file.read_text()))


def test_what_a_connector_leaves_running_is_ended_with_it(pid_file: Path) -> None:
    script = f"sleep 300 >/dev/null 2>&1 & echo $! > {pid_file}"
    run = run_process(_sh(script), dict(os.environ), timeout=30.0)
    assert run.exit_code == 0
    assert _gone(int(pid_file.read_text()))


def test_a_connector_may_clean_up_on_sigterm() -> None:
    script = "trap 'echo cleaned up >&2; exit 3' TERM; sleep 300 & wait"
    run = run_process(_sh(script), dict(os.environ), timeout=1.0)
    assert run.timed_out and "cleaned up" in run.stderr


def test_a_chatty_connector_is_read_without_deadlock() -> None:
    chatty = "import sys; print('x' * 1_000_000); print('y' * 1_000_000, file=sys.stderr)"
    run = run_process((sys.executable, "-c", chatty), dict(os.environ), timeout=30.0)
    assert run.exit_code == 0
    assert len(run.stdout) == len(run.stderr) == 1_000_001


def test_the_watcher_is_called_while_the_connector_runs() -> None:
    calls: list[None] = []
    run_process(_sh("sleep 1"), dict(os.environ), timeout=30.0, watch=lambda: calls.append(None))
    assert calls  # at least the final look, after the connector ended
