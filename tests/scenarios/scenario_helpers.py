"""Helpers shared by the scenario tests (a module, not a conftest, so names never collide)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pleo_export_mock.domain.clock import FrozenClock

START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)

MINIMAL = """\
name: tiny
description: A test scenario.
seed: 1
companies:
  - key: acme
    name: Acme ApS
    entries:
      - key: e1
      - key: e2
    jobs:
      - key: j1
        status: pending
        entries: [e1]
"""


def clock() -> FrozenClock:
    return FrozenClock(START)


def write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
