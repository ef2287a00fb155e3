"""Many threads on one job: no 500, no lost update, exactly one `started` wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

from ..conftest import credential_of


def test_racing_started_events_and_item_updates(sandbox: Sandbox) -> None:
    app = create_app(sandbox)
    headers = {"Authorization": authorization_header(credential_of(sandbox))}
    job = Client(app).get("/v3/export-jobs?statuses=pending", headers=headers).json["data"][0]
    entries = [item.accounting_entry_id for item in sandbox.store.job(job["id"]).items]

    def claim(_: int) -> int:
        return (
            Client(app)
            .post(
                "/v3/export-job-events",
                headers=headers,
                json={"event": "started", "jobId": job["id"]},
            )
            .status_code
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(claim, range(64)))
    assert statuses.count(202) == 1 and statuses.count(422) == 63

    def mark(entry: str) -> dict[str, Any]:
        update = [{"accountingEntryId": entry, "status": "successful", "externalId": entry}]
        response = Client(app).put(
            f"/v3/export-jobs/{job['id']}/items", headers=headers, json=update
        )
        assert response.status_code == 200
        return dict(response.json)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(mark, entries * 4))
    assert all(result["errors"] == [] for result in results)
    items = sandbox.store.job(job["id"]).items
    assert all(
        item.outcome.status.value == "successful"
        and item.outcome.external_id == item.accounting_entry_id
        for item in items
    )
    assert sorted(sandbox.exported(job["companyId"])) == sorted(entries)
