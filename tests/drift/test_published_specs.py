"""Pleo's published specs against ours: no drift beyond our documented deviations.

Needs Pleo's files (PLEO_REFERENCE_SPEC, PLEO_REFERENCE_SPEC_V0_V2, or the shared reference
folder beside the checkout); without them these skip, as the spec comparison tests do.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from pleo_export_mock.drift import drift
from pleo_export_mock.drift.allowances import WHY
from pleo_export_mock.drift.match import OURS

from .specs import PLEO_SPECS, pleo_spec_path


@pytest.mark.parametrize("ours", sorted(PLEO_SPECS))
def test_pleos_published_spec_is_no_drift(ours: str) -> None:
    path = pleo_spec_path(ours)
    if path is None:
        pytest.skip(f"Pleo's published spec for {ours} is not here")
    (report,) = drift([path]).files
    assert [s.ours.file for s in report.specs] == [ours]
    assert report.unmatched == ()
    (spec,) = report.specs
    assert [f.change.line for f in spec.drift] == []
    # Every allowance of that spec explains at least one difference: none is left over.
    allowances = next(o.allowances for o in OURS if o.file == ours)
    declared = {WHY[f.name] for f in fields(allowances) if getattr(allowances, f.name)}
    used = {f.change.documented for f in spec.found}
    assert declared <= used, declared - used
