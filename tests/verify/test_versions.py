"""A connector that mixes API versions is judged as one workflow; deprecated use is named."""

from __future__ import annotations

from pathlib import Path

from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.resources import data_path
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify import RULES, evaluate
from pleo_export_mock.verify.model import Severity

# Rules about what became of the jobs: a connector that did nothing else leaves them open.
WORKFLOW_OUTCOMES = ("all-eligible-jobs-finished", "scenario-expectations")


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


def test_calls_to_a_version_the_scenario_leaves_out_are_one_finding_and_nothing_else(
    tmp_path: Path,
) -> None:
    """The v2 calls never reached the API: not a refused credential, not a deprecated call,
    not a repeated refusal; only the pin, named with every call that broke it."""
    text = data_path("fixtures", "pending.yaml").read_text(encoding="utf-8")
    (tmp_path / "pending.yaml").write_text(text + "api_versions: [v3]\n", encoding="utf-8")
    sandbox = Sandbox(tmp_path / "pending.yaml")
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    for _ in range(4):
        assert client.get("/v2/export-jobs", headers=auth).status_code == 403
    client.get("/v0/export-items", headers=auth)
    verdict = evaluate(sandbox, rule_ids=[r for r in RULES if r not in WORKFLOW_OUTCOMES])
    assert [(f.rule_id, f.evidence) for f in verdict.findings] == [
        ("pinned-api-versions", (5,)),
        ("pinned-api-versions", (1, 2, 3, 4)),
    ]
    assert "v2 was called 4 time(s) although the scenario allows only v3" in (
        verdict.findings[1].message
    )
