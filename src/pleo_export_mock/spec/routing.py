"""The werkzeug routing Map, built from the spec: one Rule per operation, named by operationId."""

from __future__ import annotations

import re
from collections.abc import Iterable

from werkzeug.routing import Map, Rule

from .model import Operation

_TEMPLATE_PARAM = re.compile(r"\{([^}/]+)\}")


def to_rule_path(template: str) -> str:
    """`/v3/export-jobs/{jobId}` -> `/v3/export-jobs/<jobId>` (a colon in a path stays literal)."""
    return _TEMPLATE_PARAM.sub(lambda match: f"<{match.group(1)}>", template)


def build_url_map(operations: Iterable[Operation]) -> Map:
    rules = [
        # Each method gets its own rule so the endpoint names the operation, not the path.
        Rule(to_rule_path(op.path), endpoint=op.operation_id, methods=[op.method])
        for op in operations
    ]
    # No slash or default redirects: a client should see 404, not a 308 it must follow.
    return Map(rules, strict_slashes=True, merge_slashes=False, redirect_defaults=False)
