"""What the spec tests share: finding Pleo's reference specs, and the comparison as lines.

The comparison itself is `pleo_export_mock.drift`, the code behind `pleo-export-mock drift`:
it walks Pleo's document and ours side by side with every ``$ref`` followed and records each
difference as a `Change`. Here a test sees the changes that are not one of our documented
deviations (`drift.allowances`), each as one readable line saying where it is and what differs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from pleo_export_mock.drift.allowances import Allowances
from pleo_export_mock.drift.compare import Comparison, compare

PLEO_SPEC_ENV = "PLEO_REFERENCE_SPEC"


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def find_pleo_spec(default: Path, env: str = PLEO_SPEC_ENV) -> Path | None:
    """The env var wins so CI can point at another copy; otherwise the shared reference folder."""
    candidates = [os.environ.get(env), default]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def compare_specs(pleo: dict[str, Any], ours: dict[str, Any], allow: Allowances) -> list[str]:
    """Every difference that is not a documented deviation, as `where: what` lines."""
    return [change.line for change in compare(pleo, ours, allow).changes if change.is_drift]


def walked(pleo: dict[str, Any], ours: dict[str, Any], allow: Allowances) -> Comparison:
    """The comparison itself, for its counts of what it walked."""
    return compare(pleo, ours, allow)
