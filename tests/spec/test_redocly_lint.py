"""Our OpenAPI documents load and lint cleanly in the JavaScript toolchain users point at them.

PyYAML forgives YAML that JavaScript parsers refuse (a flow sequence closed at its parent's
indentation once stopped Redocly CLI at "deficient indentation"), so the Python tests alone cannot
promise that the specs work elsewhere. This runs a pinned Redocly CLI, configured by the repo's
`redocly.yaml`, over every `openapi/*.yaml` and fails on any error it reports. The CLI is installed
from npm on first use into a cache directory, so CI needs node and npm but nothing set up by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDOCLY_VERSION = "2.77.0"  # pinned: a new release may add rules, which must be a deliberate change
SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def _cache_dir() -> Path:
    """Beside the project's virtual environment when there is one, else in the temp directory."""
    venv = ROOT / ".venv"
    base = venv / "cache" if venv.is_dir() else Path(tempfile.gettempdir())
    return base / f"redocly-cli-{REDOCLY_VERSION}"


def _redocly() -> list[str]:
    """The command that runs the pinned CLI, installing it first when it is not cached."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed; the Redocly CLI lint of the specs needs them")
    cache = _cache_dir()
    cli = cache / "node_modules" / "@redocly" / "cli" / "bin" / "cli.js"
    if not cli.is_file():
        install = [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(cache)]
        subprocess.run(
            [*install, f"@redocly/cli@{REDOCLY_VERSION}"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return [node, str(cli)]


def test_every_spec_passes_redocly_lint() -> None:
    assert len(SPECS) >= 2, "expected the Export API and control-plane specs under openapi/"
    redocly = _redocly()
    result = subprocess.run(
        [*redocly, "lint", "--format=stylish", *map(str, SPECS)],
        cwd=ROOT,  # picks up redocly.yaml
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"redocly lint found errors:\n{result.stdout}\n{result.stderr}"
