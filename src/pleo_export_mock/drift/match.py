"""Which of our specs a Pleo spec file describes, found by its paths.

Pleo publishes the Export API's versions in one document, so one file may describe several
of ours: each of its paths goes to the spec of ours sharing the longest leading run of path
segments with it (`/v1/subscriptions/{id}` to Webhook Subscriptions, `/v1/export-jobs` to
v0-v2). A path no spec of ours shares a first segment with, or that two share equally, is
left out and listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..spec.loader import shipped_spec
from .allowances import SUBSCRIPTIONS, V0_V2, V3, Allowances
from .document import Document


@dataclass(frozen=True, slots=True)
class OurSpec:
    file: str  # under openapi/
    title: str
    allowances: Allowances

    @property
    def document(self) -> Document:
        """The shipped document, shared and read-only (spec.loader caches it)."""
        return shipped_spec(self.file).document


OURS = (
    OurSpec("export-api.yaml", "Export API v3", V3),
    OurSpec("export-api-v0-v2.yaml", "Export API v0-v2", V0_V2),
    OurSpec("webhook-subscriptions.yaml", "Webhook Subscriptions API", SUBSCRIPTIONS),
)


@dataclass(frozen=True, slots=True)
class Match:
    ours: OurSpec
    pleo: Document  # Pleo's document with only the paths that belong to `ours`


def match(pleo: Document) -> tuple[list[Match], list[str]]:
    """The specs of ours the document describes, and the paths that fit none of them."""
    assigned: dict[str, dict[str, Any]] = {spec.file: {} for spec in OURS}
    unmatched: list[str] = []
    for path, item in pleo["paths"].items():
        owner = owner_of(str(path))
        if owner is None:
            unmatched.append(str(path))
        else:
            assigned[owner.file][path] = item
    matches = [
        Match(spec, {**pleo, "paths": assigned[spec.file]}) for spec in OURS if assigned[spec.file]
    ]
    return matches, unmatched


def owner_of(path: str) -> OurSpec | None:
    scores = {spec.file: _best_overlap(path, spec) for spec in OURS}
    best = max(scores.values())
    winners = [spec for spec in OURS if scores[spec.file] == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _best_overlap(path: str, spec: OurSpec) -> int:
    return max(
        (_overlap(_segments(path), _segments(ours)) for ours in spec.document["paths"]), default=0
    )


def _segments(path: str) -> list[str]:
    # Path templates match whatever their parameter is called: {jobId} and {id} alike.
    return ["{}" if s.startswith("{") else s for s in path.strip("/").split("/")]


def _overlap(a: list[str], b: list[str]) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
