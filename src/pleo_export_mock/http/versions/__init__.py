"""Pleo's older Export API versions (v0, v1, v2) served from the one state, beside v3.

Each older operation is a thin wrapper round the v3 handler of the same path: the domain call
is the same, and a projection per version (`projections.py`, `export_items.py`) turns the v3
wire shape into the version's own. `deprecation.py` says which v3 operation replaces each one;
`pinning.py` closes the versions a scenario's `api_versions` leaves out.
"""

from .deprecation import deprecation_headers, successor_of
from .handlers import LEGACY_HANDLERS, LEGACY_PREFIXES, legacy_spec, version_of
from .pinning import api_version, require_pinned_version

__all__ = [
    "LEGACY_HANDLERS",
    "LEGACY_PREFIXES",
    "api_version",
    "deprecation_headers",
    "legacy_spec",
    "require_pinned_version",
    "successor_of",
    "version_of",
]
