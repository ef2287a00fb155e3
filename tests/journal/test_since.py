"""A live view reads the journal by sequence number: only what is new is built and sent."""

from __future__ import annotations

from datetime import UTC, datetime

from pleo_export_mock.journal import Journal, JournalEntry


def test_a_bounded_journal_pages_from_what_it_still_keeps() -> None:
    journal = Journal(max_entries=3, max_bytes=1 << 30)  # bounded: entries built per read
    made: list[int] = []

    def make(seq: int) -> JournalEntry:
        made.append(seq)
        return _entry(seq)

    for _ in range(6):
        journal.append(make)
    assert [e.seq for e in journal.since(0)] == [4, 5, 6]  # 1-3 were trimmed
    made.clear()
    assert [e.seq for e in journal.since(4, 1)] == [5] and made == [5]  # only that one built
    assert journal.latest == 6 and not journal.since(6)


def _entry(seq: int) -> JournalEntry:
    return JournalEntry(
        seq,
        0.0,
        datetime(2026, 1, 1, tzinfo=UTC),
        None,
        "GET",
        "/",
        {},
        {},
        {},
        None,
        404,
        {},
        None,
    )
