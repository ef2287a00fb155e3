"""The specs drift tests compare: ours (always here) and Pleo's published ones (when present)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pleo_export_mock.spec.loader import shipped_spec

from ..spec.comparison import PLEO_SPEC_ENV, find_pleo_spec

ROOT = Path(__file__).resolve().parents[2]
PLEO_REFERENCE = ROOT.parent / "shared" / "reference"
PLEO_SPECS = {  # our file -> (environment variable, Pleo's published file)
    "export-api.yaml": (PLEO_SPEC_ENV, "pleo-export-openapi-v3.yaml"),
    "export-api-v0-v2.yaml": (f"{PLEO_SPEC_ENV}_V0_V2", "pleo-export-openapi-v0-v2.yaml"),
}


def pleo_spec_path(ours: str) -> Path | None:
    env, name = PLEO_SPECS[ours]
    return find_pleo_spec(PLEO_REFERENCE / name, env)


def base_document(base: str, ours: str = "export-api.yaml") -> dict[str, Any]:
    """A fresh copy to change by hand: our own spec, or Pleo's published one (else a skip)."""
    if base == "ours":
        return copy.deepcopy(shipped_spec(ours).document)
    path = pleo_spec_path(ours)
    if path is None:
        pytest.skip(f"Pleo's published spec for {ours} is not here")
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def write(document: dict[str, Any], folder: Path, name: str = "pleo.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
