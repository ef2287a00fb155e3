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


def test_a_copy_goes_on_from_where_the_original_stood_and_apart_from_it() -> None:
    original = IdFactory(5)
    original.uuids(3)
    twin = original.copy()
    assert twin.uuids(4) == original.uuids(4)
    original.uuid()  # the original moves on; the twin does not follow
    assert twin.copy().uuid() == twin.uuid() != original.uuid()


def test_copies_of_copies_and_positions_give_the_stream_a_plain_random_would() -> None:
    reference = IdFactory(9)
    expected = reference.uuids(6)
    factory = IdFactory(9)
    assert factory.copy().copy().uuids(2) == expected[:2]
    factory.uuids(2)
    resumed = IdFactory.at(9, factory.position())
    assert resumed.copy().uuids(4) == expected[2:] == factory.uuids(4)
