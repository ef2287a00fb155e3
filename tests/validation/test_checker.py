"""The fast validator (jsonschema_rs) and the reference one (jsonschema) must agree."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pleo_export_mock.spec import load_spec
from pleo_export_mock.validation.checker import CompiledSchema

SPEC = load_spec()
JOB = SPEC.operation("getExportJobByIdV3").responses["200"]
ITEMS_PAGE = SPEC.operation("getExportItemsV3").responses["200"]
assert JOB is not None and ITEMS_PAGE is not None
COMPILED = CompiledSchema(JOB)

VALID_JOB: dict[str, Any] = {
    "data": {
        "id": "3c1f6f0e-8f0a-4d5e-9a43-1f2a3b4c5d6e",
        "companyId": "0b6f5e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "status": "pending",
        "createdAt": "2026-01-15T09:00:00Z",
        "createdBy": None,
        "startedAt": None,
        "completedAt": None,
        "lastUpdatedAt": "2026-01-15T09:00:00Z",
        "expiresIn": 3600,
        "expiredAt": None,
        "failureReason": None,
        "failureReasonType": None,
        "isInteractive": True,
        "numberOfItems": 3,
        "vendorBasedBookkeeping": False,
    }
}


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(VALID_JOB)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


CASES = [
    VALID_JOB,
    _with(("data", "id"), "not-a-uuid"),
    _with(("data", "id"), "{3c1f6f0e-8f0a-4d5e-9a43-1f2a3b4c5d6e}"),
    _with(("data", "createdAt"), "2026-13-01T00:00:00Z"),
    _with(("data", "createdAt"), "2026-01-15 09:00:00"),
    _with(("data", "createdAt"), "2026-01-15T09:00:00"),
    _with(("data", "expiresIn"), 2**31),
    _with(("data", "status"), "done"),
    _with(("data", "failureReasonType"), "job_expired"),
    _with(("data", "isInteractive"), None),
    _with(("data",), None),
]


@pytest.mark.parametrize("instance", CASES)
def test_engines_agree_on_hand_picked_cases(instance: dict[str, Any]) -> None:
    reference_valid = not list(COMPILED.reference.iter_errors(instance))
    assert COMPILED.fast.is_valid(instance) is reference_valid
    assert (not list(COMPILED.iter_errors(instance))) is reference_valid


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=40)
    | st.sampled_from(["2026-01-15T09:00:00Z", "3c1f6f0e-8f0a-4d5e-9a43-1f2a3b4c5d6e", "pending"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(field=st.sampled_from(sorted(VALID_JOB["data"])), value=JSON)
def test_engines_agree_on_generated_values(field: str, value: Any) -> None:
    instance = _with(("data", field), value)
    assert COMPILED.fast.is_valid(instance) is (not list(COMPILED.reference.iter_errors(instance)))


@pytest.mark.parametrize(
    "value, valid",
    [
        ("2026-01-15T09:00:00Z", True),
        ("2026-01-15T09:00:00.123+05:30", True),
        ("2016-12-31T23:59:60Z", True),  # a leap second is RFC 3339
        ("2026-01-15t09:00:00z", True),
        ("2026-01-15T09:00Z", False),  # seconds are required
        ("2026-01-15T09:00:00+0530", False),
        ("2024-W01-1T00:00:00Z", False),
        ("2026-02-30T00:00:00Z", False),
        ("2026-01-15T09:00:00,5Z", False),
        ("2026-01-15T09:00:00", False),
        ("0958-09-18T18:29:10.5Z", True),  # an odd year, but a time the sandbox can hold
        ("0001-01-01T00:00:00+01:00", False),  # the year 0 in UTC: no answer could show it
        ("9999-12-31T23:00:00-01:00", False),  # the year 10000 in UTC
    ],
)
def test_date_time_is_rfc_3339(value: str, valid: bool) -> None:
    from pleo_export_mock.validation.checker import is_date_time

    assert is_date_time(value) is valid
    assert COMPILED.fast.is_valid(_with(("data", "createdAt"), value)) is valid


@pytest.mark.parametrize(
    "moment, shown",
    [
        ("0958-09-18T18:29:10+00:00", "0958-09-18T18:29:10Z"),  # strftime's %Y gives "958"
        ("2026-01-15T10:00:00.9+01:00", "2026-01-15T09:00:00Z"),
    ],
)
def test_every_time_is_answered_in_rfc_3339(moment: str, shown: str) -> None:
    from datetime import datetime

    from pleo_export_mock.domain.clock import format_timestamp
    from pleo_export_mock.validation.checker import is_date_time

    assert format_timestamp(datetime.fromisoformat(moment)) == shown
    assert is_date_time(shown)
