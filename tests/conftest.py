"""Shared fixtures: a fresh sandbox per test, driven in-process through werkzeug's test client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from pleo_export_mock.domain.credentials import Credential, CredentialKind
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

pytest_plugins = ["pytester"]  # the plugin's tests run inner pytest sessions


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
