"""Receipt downloads are journaled (a note, not the bytes) and take faults that name them."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from pleo_export_mock.faults import parse_rules
from pleo_export_mock.http import create_app
from pleo_export_mock.journal.export import to_har
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify.evaluate import evaluate

from .test_receipts import SCENARIO, get, links, sandbox_of


@pytest.fixture
def receipts() -> tuple[Sandbox, Client]:
    sandbox = sandbox_of(SCENARIO)
    return sandbox, Client(create_app(sandbox))


def _download(receipts: tuple[Sandbox, Client], key: str = "good") -> tuple[Sandbox, str]:
    sandbox, client = receipts
    return sandbox, links(sandbox, client, key)[0]["url"]


def test_a_download_is_journaled_with_a_note_of_its_bytes(
    receipts: tuple[Sandbox, Client],
) -> None:
    sandbox, url = _download(receipts)
    before = sandbox.journal.size_bytes
    response = get(receipts[1], url)
    entry = sandbox.journal.last
    assert entry is not None and entry.operation_id == "getReceiptFile"
    assert entry.status == 200 and entry.path.startswith("/files/receipts/")
    assert entry.response_body == f"<{len(response.data)} bytes of {response.mimetype}>"
    assert len(response.data) > 1024  # so the weight below tells a note from the file
    assert sandbox.journal.size_bytes - before < 1024  # the file's bytes are not kept
    har = to_har([entry])["log"]["entries"][0]
    assert har["response"]["content"]["text"] == entry.response_body
    json.dumps(har)  # exportable: no raw bytes in it


def test_a_refused_link_is_journaled_but_judged_by_no_rule(
    receipts: tuple[Sandbox, Client],
) -> None:
    sandbox, url = _download(receipts, "stale")  # handed out already expired
    assert get(receipts[1], url).status_code == 403
    entry = sandbox.journal.last
    assert entry is not None and entry.response_body["type"] == "RECEIPT_LINK_EXPIRED"
    assert "authenticates" not in evaluate(sandbox).by_rule()  # a link, not a credential


def test_a_rule_naming_downloads_faults_them_and_a_wildcard_does_not(
    receipts: tuple[Sandbox, Client],
) -> None:
    sandbox, url = _download(receipts)
    sandbox.faults.add(
        parse_rules(
            [
                {"operation": "*", "every": 1, "kind": "status", "status": 500},
                {"operation": "getReceiptFile", "nth": 1, "kind": "status", "status": 503},
                {"operation": "getReceiptFile", "nth": 2, "kind": "drop"},
            ]
        )
    )
    assert get(receipts[1], url).status_code == 503
    with pytest.raises(ConnectionResetError):
        get(receipts[1], url)
    assert get(receipts[1], url).status_code == 200
    downloads = sandbox.journal.for_operation("getReceiptFile")
    assert [(e.status, e.fault_kind) for e in downloads] == [
        (503, "status"),
        (0, "drop"),
        (200, None),
    ]
    wildcard = sandbox.faults.describe()[0]
    assert wildcard["matched"] == 0
