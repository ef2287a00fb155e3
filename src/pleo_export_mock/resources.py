"""Locate the data the package ships (openapi/, fixtures/), installed or in a checkout.

The wheel force-includes the repository's top-level `openapi/` and `fixtures/` folders as
`pleo_export_mock/_data/...`; an editable install has no `_data`, so we fall back to the
folders at the top of the checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = "pleo_export_mock"
# src/pleo_export_mock/resources.py -> the repository root
_REPO_ROOT = Path(__file__).resolve().parents[2]


def data_path(*parts: str) -> Path:
    """The packaged copy of `parts` if it exists, else the checkout's copy (which may not)."""
    packaged = resources.files(_PACKAGE).joinpath("_data", *parts)
    # Only a real filesystem location is useful to callers that list or open files by path.
    if isinstance(packaged, Path) and packaged.exists():
        return packaged
    return _REPO_ROOT.joinpath(*parts)
