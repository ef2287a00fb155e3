"""Seeded ids: drawn in bulk, they are the ids drawn one by one."""

from __future__ import annotations

import uuid

import pytest

from pleo_export_mock.domain.ids import IdFactory


@pytest.mark.parametrize("count", [0, 1, 2, 4095, 4096, 4097, 9000])
def test_ids_drawn_in_bulk_are_those_drawn_one_by_one(count: int) -> None:
    bulk, single = IdFactory(11), IdFactory(11)
    assert bulk.uuids(count) == [single.uuid() for _ in range(count)]
    assert bulk.uuid() == single.uuid()  # and the stream goes on from the same place


def test_ids_are_version_4_uuids_as_uuid_writes_them() -> None:
    for text in IdFactory(3).uuids(500):
        parsed = uuid.UUID(text)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == text
