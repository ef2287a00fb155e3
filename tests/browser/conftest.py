"""A real browser for the dashboard and the HTML report: Debian's Chromium, driven by Playwright.

Playwright's own browser download needs the network and a supported distribution; Debian's
package needs neither, so Playwright drives /usr/bin/chromium. The setup installs it on first use
(as root, with apt-get) the way the Redocly lint installs its CLI. When it cannot, the tests skip
locally but fail on CI (`CI=true`): a fresh CI machine must really run them.
Screenshots go to `test-artifacts/` at the top of the checkout, for CI to keep.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

import pytest

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.server import SandboxServer
from pleo_export_mock.verify.live import live_verdict

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A company with two entries in its export queue and no job yet: pressing Export makes one.
QUEUED = """\
name: browser
description: One company with two queued entries and no export job yet.
seed: 7
companies:
  - key: acme
    name: Acme Nordic ApS
    entries:
      - {key: taxi, type: card_purchase, category: travel}
      - {key: dinner, type: out_of_pocket, category: meals}
"""


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(reason, allow_module_level=True)


def require_playwright() -> ModuleType:
    """`playwright.sync_api`, for a test module to call as it is collected: without it the
    module is skipped (locally) or fails (on CI) instead of breaking the whole collection."""
    try:
        return importlib.import_module("playwright.sync_api")
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")


def _install_chromium() -> None:
    """Debian's Chromium, when we may install packages (root with apt-get).

    Each pytest-xdist worker that gets a browser test comes here, and apt-get refuses to run
    beside another (its lock is taken): the workers take turns on a lock file, and the ones
    after the first find Chromium installed.
    """
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return
    import fcntl  # Unix only, as apt-get is

    with open(Path(tempfile.gettempdir()) / "pleo-export-mock-chromium.lock", "w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        if CHROMIUM.exists():
            return
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            [apt, "update"],
            [apt, "install", "-y", "--no-install-recommends", "chromium"],
        ):
            if subprocess.run(command, env=quiet, capture_output=True, timeout=900).returncode:
                return


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    sync_playwright = require_playwright().sync_playwright
    if not CHROMIUM.exists():
        _install_chromium()
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing and could not be installed (apt-get as root)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


@dataclass
class Served:
    """A sandbox on a loopback port, as `serve` runs it: with the verifier as its judge."""

    sandbox: Sandbox
    url: str


@pytest.fixture
def served(browser: Browser) -> Iterator[Served]:
    sandbox = Sandbox("pending", SandboxConfig(clock="frozen"))
    sandbox.load_scenario_text(QUEUED)
    app = create_app(sandbox, HttpSettings(response_violations="raise", judge=live_verdict))
    with SandboxServer(app) as server:
        yield Served(sandbox, server.url)
        # The dashboard polls every second: its pages close before the server does, or a poll
        # in between would be a console error of the test's teardown, not of the page.
        for context in browser.contexts:
            context.close()
    sandbox.close()


@dataclass
class Watched:
    """A page, and every console error and uncaught exception it has had."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(f"console: {message.text}")

    def on_error(error: Error) -> None:
        seen.errors.append(f"uncaught: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield seen
    context.close()
    assert not seen.errors, "\n".join(seen.errors)
