"""The /_mock control plane: Pleo's side of the sandbox over HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.http import control
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.loader import fixtures_dir

from ..conftest import Api, start


def test_scenario_summary_lists_companies_and_credentials(client: Client) -> None:
    body = client.get("/_mock/scenario").json
    assert body["scenario"] == "pending"
    assert body["companies"] and body["credentials"]
    assert {c["kind"] for c in body["credentials"]} == {"api_key", "bearer"}


def test_press_export_after_adding_entries(
    client: Client, api: Api, pending_job: dict[str, Any]
) -> None:
    company = pending_job["companyId"]
    start(api, pending_job["id"])
    api("POST", "/v3/export-job-events", json={"event": "completed", "jobId": pending_job["id"]})
    created = client.post(
        f"/_mock/companies/{company}/entries",
        json={"count": 3, "overrides": {"note": "team lunch"}},
    )
    assert created.status_code == 201 and len(created.json["data"]) == 3
    job = client.post(
        f"/_mock/companies/{company}/export", json={"accountingEntryIds": created.json["data"]}
    ).json["data"]
    assert (job["status"], job["numberOfItems"]) == ("pending", 3)
    items = api("GET", f"/v3/export-items?job_id={job['id']}").json["data"]
    assert {item["note"] for item in items} == {"team lunch"}


def test_press_export_refuses_while_a_job_is_open(
    client: Client, pending_job: dict[str, Any]
) -> None:
    response = client.post(f"/_mock/companies/{pending_job['companyId']}/export", json={})
    assert (response.status_code, response.json["type"]) == (409, "EXPORT_ALREADY_IN_PROGRESS")


def test_advancing_the_clock_expires_jobs(
    client: Client, api: Api, pending_job: dict[str, Any]
) -> None:
    before = client.get("/_mock/clock").json["now"]
    after = client.post("/_mock/clock/advance", json={"seconds": 3600}).json["now"]
    assert after > before
    job = api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]
    assert (job["status"], job["failureReasonType"]) == ("failed", "job_expired")
    assert client.post("/_mock/clock/advance", json={"seconds": -1}).status_code == 400


def test_reset_brings_back_the_first_moment(
    client: Client, api: Api, pending_job: dict[str, Any]
) -> None:
    start(api, pending_job["id"])
    assert client.post("/_mock/reset").status_code == 200
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"] == pending_job


def test_added_entries_are_bounded_per_state(
    client: Client, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "MAX_ADDED_ENTRIES", 30)
    add = "/_mock/companies/acme/entries"
    assert client.post(add, json={"count": 20}).status_code == 201
    refused = client.post(add, json={"count": 11})
    assert refused.status_code == 409 and refused.json["type"] == "ENTRY_LIMIT_REACHED"
    assert "holds 20 added entries; 11 more would pass the limit of 30" in refused.json["message"]
    assert sandbox.added == 20  # nothing of the refused request was added
    assert client.post(add, json={"count": 10}).status_code == 201
    assert client.post("/_mock/reset").status_code == 200
    assert client.post(add, json={"count": 30}).status_code == 201  # a reset starts again


def test_load_scenario_by_name_and_unknown_names(client: Client, sandbox: Sandbox) -> None:
    loaded = client.post("/_mock/scenario", json={"name": "multi_company", "seed": 9})
    assert loaded.status_code == 200 and len(loaded.json["companies"]) == 3
    assert sandbox.seed == 9
    unknown = client.post("/_mock/scenario", json={"name": "no_such_scenario"})
    assert unknown.status_code == 400 and "no_such_scenario" in unknown.json["message"]


@pytest.mark.parametrize("where", ["absolute", "relative", "beside the shipped ones"])
def test_a_scenario_name_is_never_a_path_on_the_server(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # A valid scenario file the server could read: the control plane must not read it.
    (tmp_path / "mine.yaml").write_text(fixtures_dir().joinpath("failed.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    name = {
        "absolute": str(tmp_path / "mine.yaml"),
        "relative": "mine.yaml",
        "beside the shipped ones": os.path.relpath(tmp_path / "mine", fixtures_dir()),
    }[where]
    refused = client.post("/_mock/scenario", json={"name": name})
    assert refused.status_code == 400 and refused.json["type"] == "INVALID_SCENARIO"
    assert f"no scenario named {name!r}" in refused.json["message"]
    assert client.get("/_mock/scenario").json["scenario"] == "pending"


def test_a_refused_name_shows_no_file_of_the_server(client: Client) -> None:
    refused = client.post("/_mock/scenario", json={"name": "/etc/passwd"})
    assert refused.status_code == 400 and "root:" not in refused.json["message"]
    misspelt = client.post("/_mock/scenario", json={"name": "partial_error"})
    assert "(did you mean 'partial_errors'?)" in misspelt.json["message"]


def test_a_yaml_alias_bomb_is_refused_at_once(client: Client) -> None:
    levels = ['l0: &l0 ["lol"]']
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    bomb = "\n".join([*levels, "name: x\ndescription: y\nseed: 1\ncompanies: *l9\n"])
    assert len(bomb) < 1000  # a billion values in under a kilobyte
    refused = client.post("/_mock/scenario", data=bomb, headers={"Content-Type": "text/yaml"})
    assert refused.status_code == 400 and "aliases are expanded" in refused.json["message"]
    assert client.get("/_mock/scenario").json["scenario"] == "pending"


def test_load_scenario_from_a_yaml_body_reports_the_place(client: Client) -> None:
    broken = client.post(
        "/_mock/scenario",
        data="name: x\ndescription: y\nseed: 1\ncompanies: 7\n",
        headers={"Content-Type": "application/yaml"},
    )
    assert broken.status_code == 400
    assert broken.json["type"] == "INVALID_SCENARIO" and "companies" in broken.json["message"]
    assert client.get("/_mock/scenario").json["scenario"] == "pending"


def test_state_shows_queue_exported_and_jobs(
    client: Client, api: Api, pending_job: dict[str, Any]
) -> None:
    state = client.get("/_mock/state").json
    company = next(c for c in state["companies"] if c["id"] == pending_job["companyId"])
    assert pending_job["id"] in [job["id"] for job in company["jobs"]]
    detail = client.get(f"/_mock/jobs/{pending_job['id']}").json
    assert len(detail["items"]) == pending_job["numberOfItems"]
    assert client.get("/_mock/jobs/00000000-0000-4000-8000-000000000000").status_code == 404


def test_control_plane_errors_are_pleo_shaped(client: Client) -> None:
    assert client.post("/_mock/companies/nobody/entries", json={}).json["type"] == (
        "COMPANY_NOT_FOUND"
    )
    assert client.get("/_mock/nothing").status_code == 404
    assert client.delete("/_mock/reset").headers["Allow"] == "POST"


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "a lot"},
        {"date": "yesterday"},
        {"accountingEntryLines": 7},
        {"accountingEntryId": "00000000-0000-4000-8000-000000000001"},
    ],
)
def test_overrides_that_break_the_spec_are_refused_and_nothing_is_added(
    client: Client, api: Api, sandbox: Sandbox, overrides: dict[str, Any]
) -> None:
    company = sandbox.company_id("acme")
    queue = sandbox.queue(company)
    response = client.post(
        f"/_mock/companies/{company}/entries", json={"count": 2, "overrides": overrides}
    )
    assert (response.status_code, response.json["type"]) == (400, "INVALID_REQUEST")
    assert f"overrides.{next(iter(overrides))}" in response.json["message"]
    assert sandbox.queue(company) == queue


def test_valid_overrides_are_served_as_given(client: Client, sandbox: Sandbox) -> None:
    company = sandbox.company_id("acme")
    response = client.post(
        f"/_mock/companies/{company}/entries", json={"overrides": {"note": "team lunch"}}
    )
    assert response.status_code == 201
