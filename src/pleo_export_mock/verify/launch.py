"""The connector as a child process: its own process group, read without deadlock, ended whole.

A connector is often a wrapper (`npm start`, `dotnet run`, `sh -c ...`) whose real work happens
in a grandchild. Killing the direct child alone leaves the grandchild running and holding the
output pipes, so the timeout would not hold. The connector therefore runs as the leader of a new
session (and process group), and the whole group is ended: at the timeout, and also when the
leader exits, so that nothing it left behind outlives the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO

from ..errors import UsageError
from .model import ConnectorRun

GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL: time for a connector to clean up
TICK_SECONDS = 0.2  # how often `watch` is called while the connector runs
DRAIN_SECONDS = 2.0  # how long to wait for the pipes to close once the group is gone


def run_process(
    command: Sequence[str],
    env: dict[str, str],
    timeout: float,
    watch: Callable[[], None] | None = None,
    until: Callable[[], bool] | None = None,
) -> ConnectorRun:
    """Run `command` to its end, to `timeout` or until `until()` is true, then end its group.

    `watch` is called about every TICK_SECONDS while the connector runs (progress reports);
    so is `until` (a service that never exits by itself is stopped when its work is done).
    A service (`until` given) is also stopped the same way at the timeout: it is not expected
    to exit by itself, so how it takes SIGTERM is its exit status either way, and whether its
    work got done is for the rules to judge.
    """
    started = time.monotonic()
    process = _start(command, env)
    stdout, stderr = _Drain(process.stdout), _Drain(process.stderr)
    code, stopped = _wait(process, started + timeout, _both(watch, until))
    end_group(process)
    if stopped or (code is None and until is not None):
        code = process.returncode
    if watch is not None:
        watch()
    return ConnectorRun(
        tuple(command), code, time.monotonic() - started, stdout.text(), stderr.text()
    )


def end_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to every process of the group, SIGKILL to what is left after the grace period."""
    group = process.pid  # a session leader's process group id is its pid
    if not _signal_group(group, signal.SIGTERM):
        process.wait()
        return
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        process.poll()  # reap the leader, or it would count as a member forever
        if not _group_alive(group):
            break
        time.sleep(0.05)
    else:
        _signal_group(group, signal.SIGKILL)
    process.wait()


def _start(command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[str]:
    try:
        return subprocess.Popen(
            list(command),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",  # a connector may print anything; its bytes are not ours to judge
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as problem:
        raise UsageError(
            f"cannot start the connector `{' '.join(command)}`: {problem.strerror or problem}"
        ) from None


def _both(watch: Callable[[], None] | None, until: Callable[[], bool] | None) -> Callable[[], bool]:
    def tick() -> bool:
        if watch is not None:
            watch()
        return until is not None and until()

    return tick


def _wait(
    process: subprocess.Popen[str], deadline: float, tick: Callable[[], bool]
) -> tuple[int | None, bool]:
    """The leader's exit status (None when the deadline came first), and whether `tick` said
    to stop it."""
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            return process.wait(timeout=min(TICK_SECONDS, remaining)), False
        except subprocess.TimeoutExpired:
            if tick():
                return None, True
    return None, False


def _signal_group(group: int, signum: int) -> bool:
    """Send `signum` to the group; False when no process of it is left."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed its credentials; nothing more we may do
        return False
    return True


def _group_alive(group: int) -> bool:
    return _signal_group(group, 0)  # signal 0: only whether some member exists


class _Drain:
    """Reads a pipe on its own thread, so a chatty connector never blocks on a full pipe."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._chunks: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str] | None) -> None:
        if stream is None:
            return
        with stream:
            for line in stream:  # line by line: what was read is kept even if never closed
                self._chunks.append(line)

    def text(self) -> str:
        # A process that left the group (setsid) may hold the pipe open: keep what was read.
        self._thread.join(DRAIN_SECONDS)
        return "".join(self._chunks)
