"""Every command in the README's console blocks works as typed.

The commands run in README order with bash, in an empty folder beside a link to `./dev`
(so files they write land there), with `.venv` already set up by the `./dev test` running
this. A `serve` (or a `replay` that serves) runs in the background until the next one or the
end; the one change made to what is typed is the port: each gets `--port 0`, and
`127.0.0.1:8080` in the commands after it becomes the port it chose, so a busy 8080 on this
machine cannot fail it.

A block preceded by `<!-- readme-test: exits N -->` must exit N (a run shown failing on
purpose); one preceded by `<!-- readme-test: skip (reason) -->` is not run; `./dev test` is not
either, being this very suite (tests/test_readme.py checks it is what CI runs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?:<!-- readme-test: (?:skip \((?P<reason>[^)]+)\)|exits (?P<exits>\d+)) -->\n)?"
    r"```(?:console|bash)\n(?P<body>.*?)```",
    re.DOTALL,
)
THIS_SUITE = "./dev test"
BANNER_END = "Press Ctrl+C to stop."
SERVE_BANNER = "pleo-export-mock: Pleo Export API v3 sandbox at"
DEFAULT_ADDRESS = "127.0.0.1:8080"
GUARD_SECONDS = 600  # a hung command fails the test instead of hanging the suite

pytestmark = [pytest.mark.server, pytest.mark.slow(seconds=35)]


@dataclass(frozen=True)
class Command:
    text: str
    skip: str | None
    exits: int = 0  # a block that shows a failing run says so: <!-- readme-test: exits 1 -->

    @property
    def serves(self) -> bool:
        """Whether this starts a sandbox that runs until stopped."""
        words = self.text.split()
        starts = words[:2] == ["./dev", "serve"] or words[:3] == ["./dev", "cli", "serve"]
        replays = words[:3] == ["./dev", "cli", "replay"] and "--judge" not in words
        return (starts or replays) and "--help" not in words


def readme_commands() -> list[Command]:
    commands = []
    for block in BLOCK.finditer(README.read_text(encoding="utf-8")):
        for line in block["body"].splitlines():
            if line.strip():
                exits = int(block["exits"] or 0)
                commands.append(Command(line.strip(), block["reason"], exits))
    return commands


COMMANDS = readme_commands()


class Shell:
    """Runs README commands in `folder`; keeps the latest `serve` running in the background."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server: subprocess.Popen[bytes] | None = None
        self.address = DEFAULT_ADDRESS

    def serve(self, command: str) -> str:
        self.stop()
        log = self.folder / "serve.log"
        with log.open("wb") as out:  # a file, not a pipe: a long log can never block the server
            self.server = subprocess.Popen(
                ["bash", "-c", f"exec {_without_comment(command)} --port 0"],
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        banner = self._banner(log)
        found = re.search(r"sandbox at http://(127\.0\.0\.1:\d+)", banner)
        assert found, banner
        self.address = found.group(1)
        return banner

    def _banner(self, log: Path) -> str:
        deadline = time.monotonic() + GUARD_SECONDS
        assert self.server is not None
        while time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            if BANNER_END in text:
                return text
            if self.server.poll() is not None:
                pytest.fail(f"serve ended with {self.server.returncode}:\n{text}")
            time.sleep(0.05)
        pytest.fail(f"serve printed no banner:\n{log.read_text()}")

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command.replace(DEFAULT_ADDRESS, self.address)],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=GUARD_SECONDS,
        )

    def stop(self) -> None:
        if self.server is not None:
            if self.server.poll() is None:
                os.killpg(self.server.pid, signal.SIGTERM)  # the group this test started
            self.server.wait(timeout=30)
            self.server = None


def _without_comment(command: str) -> str:
    return command.split("  #", 1)[0].strip()


@pytest.fixture
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("runs ./dev, which needs this suite to run in its .venv (./dev test)")
    folder = tmp_path_factory.mktemp("readme")
    (folder / "dev").symlink_to(ROOT / "dev")
    running = Shell(folder)
    yield running
    running.stop()


def test_the_readme_has_commands_to_run() -> None:
    assert any(c.serves for c in COMMANDS)
    assert sum(c.skip is None for c in COMMANDS) >= 8
    # Skips stay rare: only blocks another test runs as typed (verify --scenario all, st run).
    assert sum(c.skip is not None for c in COMMANDS) <= 3


def test_every_readme_command_works_as_typed(shell: Shell) -> None:
    # One test, the commands in README order: each builds on the files and the serve of those
    # before it, which separate tests could not promise when the suite runs on several workers.
    problems = [problem for command in COMMANDS if (problem := _problem(command, shell))]
    assert not problems, "\n\n".join(problems)


def _problem(command: Command, shell: Shell) -> str | None:
    """What is wrong when `command` runs as typed, or None (also for one not run here)."""
    if command.skip or _without_comment(command.text) == THIS_SUITE:
        return None  # another test runs it as typed, or it is this suite
    if command.serves:
        banner = shell.serve(command.text)
        return None if SERVE_BANNER in banner else f"{command.text}: no banner\n{banner}"
    if shell.server is None:
        shell.serve("./dev serve")  # the quick start's sandbox, when run on its own
    if command.text.startswith("curl") and shutil.which("curl") is None:
        return None  # nothing to run it with
    result = shell.run(command.text)
    if result.returncode != command.exits:
        return f"{command.text}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
    if not result.stdout.strip():
        return f"{command.text} printed nothing"
    if command.text.startswith("curl"):  # curl exits 0 on a 4xx too: look at the answer
        answer = json.loads(result.stdout)
        if {"type", "message"} <= set(answer):
            return f"{command.text}: refused: {answer}"
    return None
