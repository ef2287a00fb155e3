"""docs/migration-v1-to-v3.md lists every v1 and v2 call with the v3 operation the spec names."""

from __future__ import annotations

import re
from pathlib import Path

from pleo_export_mock.http.versions import legacy_spec, successor_of
from pleo_export_mock.spec import load_spec

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migration-v1-to-v3.md"
TABLE = re.compile(r"<!-- calls: [^>]*-->\n(.*?)<!-- /calls -->", re.DOTALL)


def expected_calls() -> list[tuple[str, str, str]]:
    """(v1 call, v2 call, v3 replacement) per v3 operation, as the guide writes them."""
    older, current = legacy_spec(), load_spec()
    by_successor: dict[str, dict[str, str]] = {}
    for operation_id, operation in older.operations.items():
        version = operation.path.split("/")[1]
        successor = successor_of(operation)
        if version in ("v1", "v2") and successor is not None:
            cell = f"`{operation.method} {operation.path}` {operation_id}"
            by_successor.setdefault(successor, {})[version] = cell
    rows = []
    for successor, cells in by_successor.items():
        new = current.operations[successor]
        rows.append((cells["v1"], cells["v2"], f"`{new.method} {new.path}` {successor}"))
    return rows


def documented_calls() -> list[tuple[str, str, str, str]]:
    found = TABLE.search(GUIDE.read_text(encoding="utf-8"))
    assert found, "the guide's table lost its markers"
    lines = found.group(1).strip().splitlines()[2:]  # after the header and its rule
    cells = [[c.strip() for c in line.strip().strip("|").split(" | ")] for line in lines]
    return [(row[0], row[1], row[2], row[3]) for row in cells]


def test_every_older_call_is_listed_with_the_v3_operation_the_spec_names() -> None:
    documented = documented_calls()
    listed = sorted(row[:3] for row in documented)
    expected = sorted(expected_calls())
    table = "\n".join(f"| {' | '.join(row)} | ... |" for row in expected)
    assert listed == expected, f"the guide's table should list:\n{table}"
    assert len(listed) == 7
    assert all(row[3] for row in documented), "each call says what changes in the answers"


def test_the_readme_links_the_guide() -> None:
    readme = (GUIDE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "(docs/migration-v1-to-v3.md)" in readme
