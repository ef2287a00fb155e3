"""A scenario's `api_versions` closes every other version: 403, journaled, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import Client

from pleo_export_mock.faults import parse_rules
from pleo_export_mock.http import create_app
from pleo_export_mock.resources import data_path
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.errors import ScenarioError
from pleo_export_mock.scenarios.loader import load_scenario_file

from ..conftest import Api


def pinned(tmp_path: Path, versions: str) -> Path:
    """The default scenario with `api_versions: <versions>` added."""
    text = data_path("fixtures", "pending.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pending.yaml"
    path.write_text(f"{text}api_versions: {versions}\n", encoding="utf-8")
    return path


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(pinned(tmp_path, "[v1, v3]"))


def _start(api: Api, version: str, job_id: str) -> int:
    body = {"event": "started", "jobId": job_id}
    return api("POST", f"/{version}/export-job-events", json=body).status_code


@pytest.mark.parametrize(("version", "operation_id"), [("v0", ""), ("v2", "V2")])
def test_a_call_to_a_version_left_out_is_refused_journaled_and_changes_nothing(
    api: Api, sandbox: Sandbox, pending_job: dict[str, str], version: str, operation_id: str
) -> None:
    body = {"event": "started", "jobId": pending_job["id"]}
    refused = api("POST", f"/{version}/export-job-events", json=body)
    assert refused.status_code == 403
    assert refused.json == {
        "type": "FORBIDDEN",
        "message": "This scenario lets connectors call only v1, v3 of the Export API "
        f"(api_versions); {version} is not one of them.",
    }
    recorded = sandbox.journal[-1]
    assert (recorded.operation_id, recorded.status) == ("createExportJobEvent" + operation_id, 403)
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]["status"] == "pending"


def test_the_pinned_versions_are_served_as_ever(api: Api, pending_job: dict[str, str]) -> None:
    assert _start(api, "v1", pending_job["id"]) == 202
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]["status"] == (
        "in_progress"
    )


def test_v3_itself_can_be_left_out(tmp_path: Path, api: Api, sandbox: Sandbox) -> None:
    sandbox.load_scenario(pinned(tmp_path, "[v2]"))
    assert api("GET", "/v3/export-jobs").status_code == 403
    assert api("GET", "/v2/export-jobs").status_code == 200


def test_a_closed_version_is_refused_before_credentials_and_faults(sandbox: Sandbox) -> None:
    """The version is not there for this run: who calls and what the network does is moot."""
    sandbox.faults.add(
        parse_rules([{"operation": "*", "every": 1, "kind": "status", "status": 503}])
    )
    client = Client(create_app(sandbox))
    assert client.get("/v2/export-jobs").status_code == 403  # no credentials at all
    assert client.get("/v3/export-jobs").status_code == 503
    assert [rule["matched"] for rule in sandbox.faults.describe()] == [1]  # the v3 call only


@pytest.mark.parametrize(
    ("versions", "reason"),
    [("[v4]", "'v4' is not one of"), ("[]", "should be non-empty"), ("[v1, v1]", "non-unique")],
)
def test_a_scenario_with_a_bad_pin_is_refused_naming_the_place(
    tmp_path: Path, versions: str, reason: str
) -> None:
    with pytest.raises(ScenarioError) as refused:
        load_scenario_file(pinned(tmp_path, versions))
    assert "pending.yaml" in str(refused.value) and "api_versions" in str(refused.value)
    assert reason in str(refused.value)


def test_without_a_pin_every_version_is_served(api: Api) -> None:
    assert load_scenario_file(data_path("fixtures", "pending.yaml")).api_versions is None
