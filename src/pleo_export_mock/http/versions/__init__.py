"""Pleo's older Export API versions (v0, v1, v2) served from the one state, beside v3.

Each older operation is a thin wrapper round the v3 handler of the same path: the domain call
is the same, and a projection per version (`projections.py`, `export_items.py`) turns the v3
wire shape into the version's own. `deprecation.py` says which v3 operation replaces each one.
"""

from .deprecation import deprecation_headers, successor_of
from .handlers import LEGACY_HANDLERS, LEGACY_PREFIXES, legacy_spec, version_of

__all__ = [
    "LEGACY_HANDLERS",
    "LEGACY_PREFIXES",
    "deprecation_headers",
    "legacy_spec",
    "successor_of",
    "version_of",
]
