"""Deprecation made visible on the wire: RFC 9745 `Deprecation` and a `successor-version` Link.

A sandbox addition (Pleo's answers carry no such headers): every operation our specs mark
deprecated, or that a v3 operation supersedes, answers with `Deprecation`; where the successor
is known, `Link` points at the same resource under `/v3`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ...spec.model import Operation

# Pleo publishes no deprecation date. RFC 9745 wants a date; the epoch says "deprecated since
# before any date a client cares about" without inventing one.
DEPRECATED_SINCE = "@0"
_VERSION_PREFIX = re.compile(r"^/v[0-2](?=/)")
# RFC 3986 `pchar` and `/`: what a path may hold unencoded. The path arrives decoded, and any
# other character (a CR or LF, `>`, a space, non-ASCII) would break the header or the Link.
_PATH_SAFE = "/:@!$&'()*+,;="


def successor_of(operation: Operation) -> str | None:
    """The operationId of the v3 operation that replaces `operation`, if one does."""
    successor = operation.extensions.get("x-superseded-by")
    return str(successor) if successor else None


def deprecation_headers(operation: Operation, path: str) -> dict[str, str]:
    """The headers a call of `operation` at `path` (as decoded) answers with (none for a
    current one), whatever the path holds: answers to malformed paths carry them too."""
    successor = successor_of(operation)
    if not operation.deprecated and successor is None:
        return {}
    headers = {"Deprecation": DEPRECATED_SINCE}
    if successor is not None:
        target = quote(_VERSION_PREFIX.sub("/v3", path), safe=_PATH_SAFE)
        headers["Link"] = f'<{target}>; rel="successor-version"'
    return headers
