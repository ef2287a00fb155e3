"""Shared fixtures: a fresh sandbox per test, driven in-process through werkzeug's test client."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from pleo_export_mock.domain.credentials import Credential, CredentialKind
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

pytest_plugins = ["pytester"]  # the plugin's tests run inner pytest sessions

SLOW_SECONDS = 5  # a `slow` test that does not say how slow


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On pytest-xdist's workers, the slow tests first, the slowest first.

    The scheduler hands tests out in collection order (one at a time: pyproject.toml's
    addopts say `--maxschedchunk=1`), so a long test that comes late keeps one worker busy
    while the others have finished. Starting the longest first leaves only short ones for the end.
    Every worker sorts the same way, as pytest-xdist requires.
    """
    if "PYTEST_XDIST_WORKER" in os.environ:
        items.sort(key=lambda item: -_expected_seconds(item))


def _expected_seconds(item: pytest.Item) -> float:
    """The longest a `slow` marker on it says (a parameter's may say more than its test's)."""
    said = (m.kwargs.get("seconds", SLOW_SECONDS) for m in item.iter_markers("slow"))
    return float(max(said, default=0))


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox("pending")


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    return Client(create_app(sandbox))


def credential_of(sandbox: Sandbox, kind: CredentialKind = CredentialKind.API_KEY) -> Credential:
    return next(c for c in sandbox.state.credentials if c.kind is kind)


Api = Callable[..., TestResponse]


@pytest.fixture
def api(client: Client, sandbox: Sandbox) -> Api:
    """`api("GET", "/v3/export-jobs", json=...)` with the scenario's API key."""

    def call(method: str, url: str, json: Any = None, **kwargs: Any) -> TestResponse:
        headers = {
            "Authorization": authorization_header(credential_of(sandbox)),
            **kwargs.pop("headers", {}),
        }
        if json is not None:
            kwargs["json"] = json
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


@pytest.fixture
def pending_job(api: Api) -> dict[str, Any]:
    response = api("GET", "/v3/export-jobs?statuses=pending")
    assert response.status_code == 200
    job: dict[str, Any] = response.json["data"][0]
    return job


def all_items(api: Api, job_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"/v3/export-jobs/{job_id}/items?limit=2"
    while True:
        body = api("GET", url).json
        items += body["data"]
        if not body["pagination"]["hasNextPage"]:
            return items
        url = f"/v3/export-jobs/{job_id}/items?limit=2&after={body['pagination']['endCursor']}"


def start(api: Api, job_id: str) -> None:
    assert (
        api("POST", "/v3/export-job-events", json={"event": "started", "jobId": job_id}).status_code
        == 202
    )
