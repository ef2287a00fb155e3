"""`drift` as a whole: each given file matched to our specs, compared, its changes mapped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .compare import compare
from .document import ShapeError, load_document
from .match import OURS, Match, OurSpec, match
from .model import Change, Direction, Impact
from .touches import Touches, touches


@dataclass(frozen=True, slots=True)
class Found:
    change: Change
    touches: Touches


@dataclass(frozen=True, slots=True)
class SpecReport:
    ours: OurSpec
    found: tuple[Found, ...]  # every change, documented ones too

    @property
    def drift(self) -> tuple[Found, ...]:
        return tuple(f for f in self.found if f.change.is_drift)

    def count(self, impact: Impact) -> int:
        return sum(f.change.impact is impact for f in self.drift)


@dataclass(frozen=True, slots=True)
class FileReport:
    path: Path
    specs: tuple[SpecReport, ...]
    unmatched: tuple[str, ...]  # Pleo's paths that belong to no spec of ours


@dataclass(frozen=True, slots=True)
class DriftReport:
    files: tuple[FileReport, ...]

    @property
    def has_drift(self) -> bool:
        return any(spec.drift for report in self.files for spec in report.specs)


def drift(paths: Iterable[Path]) -> DriftReport:
    """Compare each file with the specs of ours it describes; a usage error for a bad file."""
    return DriftReport(tuple(_file_report(Path(path)) for path in paths))


def _file_report(path: Path) -> FileReport:
    document = load_document(path)
    matches, unmatched = match(document)
    if not matches:
        ours = ", ".join(f"openapi/{m.file}" for m in OURS)
        raise UsageError(f"{path}: none of its paths belongs to a spec of ours ({ours})")
    try:
        specs = tuple(_spec_report(m) for m in matches)
    except (ShapeError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{path}: not a usable OpenAPI 3 document: {_describe(exc)}") from None
    return FileReport(path, specs, tuple(unmatched))


def _spec_report(found: Match) -> SpecReport:
    changes = compare(found.pleo, found.ours.document, found.ours.allowances).changes
    # A named schema reaches a connector only through the operations that use it, where the
    # walk already met it with its side (request or response): report it there, once.
    wanted = (c for c in changes if c.direction is not Direction.COMPONENT)
    return SpecReport(found.ours, tuple(Found(c, touches(c)) for c in wanted))


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"a required key {exc.args[0]!r} is missing"
    return str(exc) or type(exc).__name__
