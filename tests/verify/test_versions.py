"""A connector that mixes API versions is judged as one workflow; deprecated use is named."""

from __future__ import annotations

from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify import evaluate
from pleo_export_mock.verify.model import Severity


def _mixed_run() -> Sandbox:
    """Detect and claim through v1, report through v3, finish through v2."""
    sandbox = Sandbox("pending")
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    job = client.get("/v1/export-jobs?status=pending", headers=auth).json["data"][0]["id"]
    client.post("/v1/export-job-events", headers=auth, json={"event": "started", "jobId": job})
    items = client.get(f"/v3/export-jobs/{job}/items", headers=auth).json["data"]
    client.get(f"/v3/export-items?job_id={job}", headers=auth)
    updates = [
        {
            "accountingEntryId": item["accountingEntryId"],
            "status": "successful",
            "externalId": f"JNL-{n}",
            "externalUrl": f"https://erp.invalid/{n}",
            "exportedAt": "2026-01-15T09:00:00Z",
        }
        for n, item in enumerate(items)
    ]
    assert client.put(f"/v3/export-jobs/{job}/items", headers=auth, json=updates).status_code == 200
    client.post("/v2/export-job-events", headers=auth, json={"event": "completed", "jobId": job})
    return sandbox


def test_a_mixed_run_is_one_workflow_with_only_deprecation_warnings() -> None:
    verdict = evaluate(_mixed_run())
    assert verdict.ok, [f.message for f in verdict.errors]
    assert {f.rule_id for f in verdict.findings} == {"uses-current-api"}
    messages = sorted(f.message for f in verdict.findings)
    assert len(messages) == 3  # the job list and the v1 event, the v2 event: one per operation
    assert any("getExportJobsListV1" in m and "getExportJobsListV3" in m for m in messages)
    assert all(f.severity is Severity.WARNING for f in verdict.findings)


def test_no_deprecated_makes_each_use_an_error_naming_the_v3_replacement() -> None:
    verdict = evaluate(_mixed_run(), as_errors=("uses-current-api",))
    assert not verdict.ok
    expected = sorted(f.expected for f in verdict.errors)
    assert expected == [
        "Call createExportJobEventV3 (POST /v3/export-job-events) instead.",
        "Call createExportJobEventV3 (POST /v3/export-job-events) instead.",
        "Call getExportJobsListV3 (GET /v3/export-jobs) instead.",
    ]
