"""Every nullable property of every Export API answer is present, as `null` when it has no value.

Pleo's examples send nullable fields as explicit nulls (`"subType": null`, `"externalId": null`),
so a connector written against Pleo may index `item["subType"]`; on the sandbox that must work
too. The properties are found by walking our spec's response schemas, not from a hand list, and
every GET operation of the spec is read, on every shipped scenario and a few seeds of `fuzz`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from werkzeug.test import Client

from pleo_export_mock.domain.credentials import Credential
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox, SandboxConfig
from pleo_export_mock.spec.loader import safe_loader

ROOT = Path(__file__).resolve().parents[2]
# libyaml's loader, as the spec loader's: every pytest worker reads this while collecting.
SPEC_TEXT = (ROOT / "openapi" / "export-api.yaml").read_text()
DOCUMENT: dict[str, Any] = yaml.load(SPEC_TEXT, Loader=safe_loader())
SCENARIOS = sorted(path.stem for path in (ROOT / "fixtures").glob("*.yaml"))
FUZZ_SEEDS = (1, 2, 3, 4, 5, 6)
PAGE = 1000


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = DOCUMENT
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token]
        node = target
    return node


def success_schema(operation_id: str) -> dict[str, Any]:
    for item in DOCUMENT["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                content = resolve(operation["responses"]["200"])["content"]
                return resolve(next(iter(content.values()))["schema"])
    raise KeyError(operation_id)


def get_operations() -> set[str]:
    return {item["get"]["operationId"] for item in DOCUMENT["paths"].values() if "get" in item}


def nullable_places(schema: dict[str, Any], where: str = "") -> Iterator[str]:
    """Every nullable property a schema declares, as a path without array indices."""
    schema = resolve(schema)
    if "items" in schema:
        yield from nullable_places(schema["items"], f"{where}[]")
    for name, sub in schema.get("properties", {}).items():
        if resolve(sub).get("nullable"):
            yield f"{where}.{name}"
        yield from nullable_places(sub, f"{where}.{name}")


@dataclass(frozen=True)
class Shape:
    """One schema node of DOCUMENT reduced to what the check needs (built once per node)."""

    nullable: tuple[str, ...]  # its nullable properties
    below: tuple[tuple[str, dict[str, Any]], ...]  # properties with nullable properties under them
    items: dict[str, Any] | None  # an array's element schema, when that has any


_SHAPES: dict[int, Shape] = {}  # by id of a resolved node of DOCUMENT, which lives on


def shape(schema: dict[str, Any]) -> Shape:
    schema = resolve(schema)
    if id(schema) not in _SHAPES:
        properties = schema.get("properties", {})
        items = schema.get("items")
        _SHAPES[id(schema)] = Shape(
            nullable=tuple(n for n, sub in properties.items() if resolve(sub).get("nullable")),
            below=tuple((n, sub) for n, sub in properties.items() if any(nullable_places(sub))),
            items=items if items is not None and any(nullable_places(items)) else None,
        )
    return _SHAPES[id(schema)]


def absent_nullables(
    value: Any, schema: dict[str, Any], where: str, seen: set[str]
) -> Iterator[str]:
    """Nullable properties left out of an object that is there; `seen` collects those checked."""
    node = shape(schema)
    if isinstance(value, list) and node.items is not None:
        for element in value:
            yield from absent_nullables(element, node.items, f"{where}[]", seen)
    if not isinstance(value, dict):
        return
    for name in node.nullable:
        seen.add(f"{where}.{name}")
        if name not in value:
            yield f"{where}.{name}"
    for name, sub in node.below:
        if name in value:
            yield from absent_nullables(value[name], sub, f"{where}.{name}", seen)


@dataclass
class Reader:
    """Reads every GET operation's answers for one sandbox, as a connector would."""

    sandbox: Sandbox
    client: Client = field(init=False)
    problems: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)  # operation -> nullable paths checked

    def __post_init__(self) -> None:
        self.sandbox.faults.clear()  # fault scenarios would cut answers short
        self.client = Client(create_app(self.sandbox))

    def read(self, credential: Credential, operation_id: str, url: str) -> dict[str, Any] | None:
        """The answer's body; None when the company has no contra accounts for export items."""
        headers = {"Authorization": authorization_header(credential)}
        response = self.client.get(url, headers=headers)
        if response.status_code == 400 and response.json["type"] == "MISSING_CONTRA_ACCOUNTS":
            return None
        assert response.status_code == 200, (url, response.status_code, response.json)
        body: dict[str, Any] = response.json
        seen = self.seen.setdefault(operation_id, set())
        for place in absent_nullables(body, success_schema(operation_id), "", seen):
            self.problems.append(f"{operation_id} {url}: {place} is missing")
        return body

    def pages(self, credential: Credential, operation_id: str, url: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        joiner = "&" if "?" in url else "?"
        page = self.read(credential, operation_id, f"{url}{joiner}limit={PAGE}")
        while page is not None:
            rows += page["data"]
            if not page["pagination"]["hasNextPage"]:
                break
            after = page["pagination"]["endCursor"]
            page = self.read(credential, operation_id, f"{url}{joiner}limit={PAGE}&after={after}")
        return rows

    def read_everything(self) -> None:
        for credential in self.sandbox.state.credentials:
            for company_id in sorted(credential.company_ids):
                self.read_company(credential, company_id)

    def read_company(self, credential: Credential, company_id: str) -> None:
        jobs = self.pages(
            credential, "getExportJobsListV3", f"/v3/export-jobs?company_id={company_id}"
        )
        for job in jobs:
            self.read(credential, "getExportJobByIdV3", f"/v3/export-jobs/{job['id']}")
            items = self.pages(
                credential, "getExportJobItemsV3", f"/v3/export-jobs/{job['id']}/items"
            )
            if items:
                entry = items[0]["accountingEntryId"]
                url = f"/v3/export-job-items?company_id={company_id}&accounting_entry_id={entry}"
                self.read(credential, "getExportJobItemByAccountingEntryIdV3", url)
            if job["status"] in ("pending", "in_progress"):
                self.pages(credential, "getExportItemsV3", f"/v3/export-items?job_id={job['id']}")


@functools.cache
def reading(scenario: str, seed: int | None = None) -> Reader:
    """Each sandbox is read once, however many tests look at what was found."""
    reader = Reader(Sandbox(scenario, SandboxConfig(seed=seed)))
    reader.read_everything()
    return reader


def sandboxes() -> Iterator[Any]:
    for name in SCENARIOS:
        yield pytest.param(name, None, id=name)
    for seed in FUZZ_SEEDS:
        yield pytest.param("fuzz", seed, id=f"fuzz-seed-{seed}")


@pytest.mark.parametrize(("scenario", "seed"), list(sandboxes()))
def test_every_nullable_property_is_present(scenario: str, seed: int | None) -> None:
    reader = reading(scenario, seed)
    assert not reader.problems, "\n".join(reader.problems[:20])


def test_the_walk_reaches_every_get_operation_and_nullable_property() -> None:
    """A reader that silently skipped an operation, or data that never shows a parent object,
    would make the test above prove little: over all scenarios, every place is checked."""
    seen: dict[str, set[str]] = {}
    # `large` is left out: the others reach every place without it, and reading its 12,000
    # entries again here (its own test above reads them on another worker) costs 4 s.
    for name in (name for name in SCENARIOS if name != "large"):
        for operation_id, places in reading(name, None).seen.items():
            seen.setdefault(operation_id, set()).update(places)
    assert set(seen) == get_operations()
    for operation_id in sorted(seen):
        declared = set(nullable_places(success_schema(operation_id)))
        assert declared and seen[operation_id] == declared, (
            operation_id,
            declared - seen[operation_id],
        )


def test_filling_nulls_leaves_the_stored_entries_as_they_were() -> None:
    """Answers are filled in copies: concurrent requests share the stored payloads."""
    sandbox = Sandbox("pending")
    store = sandbox.store
    entries = [entry for company in store.companies() for entry in store.entries(company.id)]
    before = {entry.id: repr(entry.payload) for entry in entries}
    assert any("subType" not in entry.payload for entry in entries)  # else this proves nothing
    reader = Reader(sandbox)
    reader.read_everything()
    assert not reader.problems
    assert {entry.id: repr(entry.payload) for entry in entries} == before
