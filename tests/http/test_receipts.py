"""Receipt files: the sandbox serves them itself, behind signed links that expire like Pleo's."""

from __future__ import annotations

import struct
import zlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from openapi_spec_validator import validate
from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.receipts import RECEIPT_HANDLERS
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios import ScenarioError
from pleo_export_mock.scenarios.receipt_files import receipt_bytes
from pleo_export_mock.scenarios.receipts import Receipt
from pleo_export_mock.spec import load_spec
from pleo_export_mock.spec.loader import default_spec_path

from ..conftest import Api, credential_of

DAY = 24 * 3600
BASE = "http://sandbox.test:8123"

SCENARIO = """\
name: receipts
description: One receipt of each fate.
seed: 5
companies:
  - key: acme
    name: Acme ApS
    entries:
      - {key: good, type: card_purchase, receipts: 2}
      - {key: gone, type: card_purchase, receipts: 1, receipt_link: missing}
      - {key: stale, type: out_of_pocket, receipts: 1, receipt_link: expired}
    jobs:
      - {key: export, status: pending, entries: [good, gone, stale]}
"""


def fetch_items(sandbox: Sandbox, client: Client) -> dict[str, dict[str, Any]]:
    """Export items of the open job by type, fetched through `BASE`."""
    headers = {"Authorization": authorization_header(credential_of(sandbox))}
    body = client.get("/v3/export-items", headers=headers, base_url=BASE).json
    return {item["accountingEntryId"]: item for item in body["data"]}


def sandbox_of(text: str) -> Sandbox:
    sandbox = Sandbox()
    sandbox.load_scenario_text(text)
    return sandbox


def links(sandbox: Sandbox, client: Client, key: str) -> list[dict[str, Any]]:
    items = fetch_items(sandbox, client)
    return [file for entry_id in sandbox.state.entry_ids[key] for file in items[entry_id]["files"]]


def get(client: Client, url: str) -> Any:
    parts = urlsplit(url)
    return client.get(parts.path, query_string=parts.query, base_url=BASE)


@pytest.fixture
def receipts() -> tuple[Sandbox, Client]:
    sandbox = sandbox_of(SCENARIO)
    return sandbox, Client(create_app(sandbox))


def test_every_receipt_link_points_at_the_sandbox_and_serves_the_announced_file(
    api: Api, client: Client, sandbox: Sandbox
) -> None:
    items = fetch_items(sandbox, client)
    files = [file for item in items.values() for file in item["files"]]
    assert files
    for file in files:
        assert file["url"].startswith(f"{BASE}/files/receipts/")
        response = get(client, file["url"])
        assert response.status_code == 200
        assert response.mimetype == file["type"]
        assert len(response.data) == file["size"]  # what a size limit would check


def test_a_link_works_for_24_hours_from_the_fetch(receipts: tuple[Sandbox, Client]) -> None:
    sandbox, client = receipts
    first = links(sandbox, client, "good")[0]["url"]
    sandbox.advance_clock(1800)
    later = links(sandbox, client, "good")[0]["url"]  # fetched again: a new link
    sandbox.advance_clock(DAY - 1800 - 1)
    assert get(client, first).status_code == 200
    sandbox.advance_clock(1)
    response = get(client, first)
    assert (response.status_code, response.json["type"]) == (403, "RECEIPT_LINK_EXPIRED")
    assert get(client, later).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda q: {**q, "signature": "0" * 64}, 403, "RECEIPT_LINK_INVALID"),
        (lambda q: {**q, "expires": str(int(q["expires"]) + DAY)}, 403, "RECEIPT_LINK_INVALID"),
        (lambda q: {k: v for k, v in q.items() if k != "signature"}, 400, "INVALID_REQUEST"),
        (lambda q: {**q, "expires": "soon"}, 400, "INVALID_REQUEST"),
    ],
)
def test_a_tampered_link_is_refused(
    receipts: tuple[Sandbox, Client], change: Any, status: int, code: str
) -> None:
    sandbox, client = receipts
    url = links(sandbox, client, "good")[0]["url"]
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    response = client.get(parts.path, query_string=change(query), base_url=BASE)
    assert (response.status_code, response.json["type"]) == (status, code)


def test_an_unknown_receipt_is_404(receipts: tuple[Sandbox, Client]) -> None:
    sandbox, client = receipts
    url = links(sandbox, client, "good")[0]["url"]
    parts = urlsplit(url)
    other = "/files/receipts/00000000-0000-4000-8000-000000000000.pdf"
    response = client.get(other, query_string=parts.query, base_url=BASE)
    assert (response.status_code, response.json["type"]) == (404, "RECEIPT_NOT_FOUND")


def test_a_scenario_can_make_a_receipt_missing_or_expired(
    receipts: tuple[Sandbox, Client],
) -> None:
    sandbox, client = receipts
    (gone,) = links(sandbox, client, "gone")
    response = get(client, gone["url"])
    assert (response.status_code, response.json["type"]) == (404, "RECEIPT_NOT_FOUND")
    (stale,) = links(sandbox, client, "stale")
    response = get(client, stale["url"])
    assert (response.status_code, response.json["type"]) == (403, "RECEIPT_LINK_EXPIRED")


def test_the_same_scenario_serves_the_same_links_and_bytes() -> None:
    runs = []
    for _ in range(2):
        sandbox = sandbox_of(SCENARIO)
        client = Client(create_app(sandbox))
        files = links(sandbox, client, "good")
        runs.append([(file["url"], get(client, file["url"]).data) for file in files])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("size", [18_000, 123_457, 900_000])
def test_a_pdf_receipt_is_a_well_formed_pdf_of_its_size(size: int) -> None:
    data = receipt_bytes(Receipt("8d3c3a4e-1d2b-4c6f-9a1e-2f3b4c5d6e7f", "application/pdf", size))
    assert len(data) == size
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref_at:].startswith(b"xref\n")
    entries = data[xref_at:].split(b"\n")[3:8]  # the five objects after the free entry
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


@pytest.mark.parametrize("size", [18_000, 654_321])
def test_a_png_receipt_is_a_well_formed_png_of_its_size(size: int) -> None:
    data = receipt_bytes(Receipt("8d3c3a4e-1d2b-4c6f-9a1e-2f3b4c5d6e7f", "image/png", size))
    assert len(data) == size and data.startswith(b"\x89PNG\r\n\x1a\n")
    at, kinds = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        kinds.append(kind)
        at += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"tEXt", b"IEND"]


def test_the_receipts_spec_is_valid_openapi_and_every_operation_is_served() -> None:
    path = default_spec_path().with_name("receipts.yaml")
    validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    spec = load_spec(path)
    assert set(spec.operations) == set(RECEIPT_HANDLERS)
    assert all(op.path.startswith("/files/") for op in spec.operations.values())


def test_an_unknown_receipt_fate_is_refused_with_its_place() -> None:
    with pytest.raises(ScenarioError, match=r"receipt_link.*'lost' is not one of"):
        sandbox_of(SCENARIO.replace("receipt_link: missing", "receipt_link: lost"))
