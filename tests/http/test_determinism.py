"""The same scenario and seed give the same ids and the same bytes; `serve --seed N` replays."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from pleo_export_mock import Sandbox, SandboxConfig, authorization_header, create_app
from pleo_export_mock.scenarios.loader import scenario_names


def _bytes(scenario: str, seed: int | None) -> list[bytes]:
    sandbox = Sandbox(scenario, SandboxConfig(seed=seed, clock="frozen"))
    sandbox.faults.clear()  # the data is under test here, not the scenario's faults
    client = Client(create_app(sandbox))
    headers = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    pages = [client.get("/_mock/state").data, client.get("/_mock/scenario").data]
    for job in sandbox.store.jobs():
        if job.status.is_open and job.company_id in sandbox.state.credentials[0].company_ids:
            pages.append(
                client.get(f"/v3/export-items?job_id={job.id}&limit=1000", headers=headers).data
            )
    return pages


@pytest.mark.parametrize("scenario", [n for n in scenario_names() if n != "large"])
def test_same_scenario_and_seed_same_bytes(scenario: str) -> None:
    assert _bytes(scenario, None) == _bytes(scenario, None)


@pytest.mark.parametrize("seed", [5, 17])
def test_a_fuzz_seed_comes_back_exactly_and_seeds_differ(seed: int) -> None:
    first = _bytes("fuzz", seed)
    assert first == _bytes("fuzz", seed)
    assert first != _bytes("fuzz", seed + 1)
