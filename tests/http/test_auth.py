"""Credentials, scopes and tenants."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.domain.credentials import CredentialKind
from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.auth import CredentialCheck
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox

from ..conftest import credential_of


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer wrong-token",
        "Token abc",
        _basic("wrong-key:"),
        "Basic !!!",
    ],
)
def test_missing_or_invalid_credentials_are_401(client: Client, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/v3/export-jobs", headers=headers)
    assert response.status_code == 401
    assert response.json["type"] == "UNAUTHORIZED"
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_both_schemes_work(client: Client, sandbox: Sandbox) -> None:
    for kind in CredentialKind:
        header = authorization_header(credential_of(sandbox, kind))
        assert client.get("/v3/export-jobs", headers={"Authorization": header}).status_code == 200


def test_api_key_needs_base64_and_an_empty_password(client: Client, sandbox: Sandbox) -> None:
    key = credential_of(sandbox).secret
    raw = client.get("/v3/export-jobs", headers={"Authorization": f"Basic {key}"})
    assert raw.status_code == 401 and "base64" in raw.json["message"]
    password = client.get("/v3/export-jobs", headers={"Authorization": _basic(f"{key}:secret")})
    assert password.status_code == 401 and "empty password" in password.json["message"]


def test_raw_api_key_is_accepted_when_switched_on(sandbox: Sandbox) -> None:
    lenient = Client(create_app(sandbox, HttpSettings(accept_raw_api_key=True)))
    key = credential_of(sandbox).secret
    assert (
        lenient.get("/v3/export-jobs", headers={"Authorization": f"Basic {key}"}).status_code == 200
    )


def test_missing_scope_is_403(
    client: Client, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    reader = dataclasses.replace(
        credential_of(sandbox), secret="reader", scopes=frozenset({"export-jobs:read"})
    )
    sandbox.state.credentials.append(reader)
    headers = {"Authorization": authorization_header(reader)}
    client_fresh = Client(create_app(sandbox))
    assert client_fresh.get("/v3/export-jobs", headers=headers).status_code == 200
    items = client_fresh.get(f"/v3/export-items?job_id={pending_job['id']}", headers=headers)
    assert (items.status_code, items.json["type"]) == (403, "FORBIDDEN")
    assert "export-items:read" in items.json["message"]
    event = client_fresh.post(
        "/v3/export-job-events",
        headers=headers,
        json={"event": "started", "jobId": pending_job["id"]},
    )
    assert event.status_code == 403
    assert (
        client_fresh.get(f"/v3/export-jobs/{pending_job['id']}", headers=headers).json["data"][
            "status"
        ]
        == "pending"
    )


def test_credentials_changed_in_place_count_from_the_next_request(
    client: Client, sandbox: Sandbox
) -> None:
    """The app already serving sees a credential added to, or taken from, the state's list."""
    reader = dataclasses.replace(credential_of(sandbox), secret="added-later")
    headers = {"Authorization": authorization_header(reader)}
    assert client.get("/v3/export-jobs", headers=headers).status_code == 401
    sandbox.state.credentials.append(reader)
    assert client.get("/v3/export-jobs", headers=headers).status_code == 200
    sandbox.state.credentials.remove(reader)
    assert client.get("/v3/export-jobs", headers=headers).status_code == 401


def test_a_reset_keeps_the_headers_already_read(sandbox: Sandbox) -> None:
    """Every reset copies the credentials list; the same credentials need no new reading of
    the headers (a tenth of a test's first request), a changed list does."""
    check = CredentialCheck()
    before = check._authenticator(sandbox.state)
    sandbox.reset()
    assert check._authenticator(sandbox.state) is before
    sandbox.load_scenario("partial_errors")
    assert check._authenticator(sandbox.state) is not before


def test_another_companys_job_looks_like_it_does_not_exist(
    sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    other = sandbox.state.store.add_company("Other ApS")
    outsider = dataclasses.replace(
        credential_of(sandbox), secret="outsider", company_ids=(other.id,)
    )
    sandbox.state.credentials.append(outsider)
    client = Client(create_app(sandbox))
    headers = {"Authorization": authorization_header(outsider)}
    job_url = f"/v3/export-jobs/{pending_job['id']}"
    for method, url, body in [
        ("GET", job_url, None),
        ("GET", f"{job_url}/items", None),
        ("PUT", f"{job_url}/items", []),
        ("POST", "/v3/export-job-events", {"event": "started", "jobId": pending_job["id"]}),
        ("GET", f"/v3/export-items?job_id={pending_job['id']}", None),
    ]:
        response = client.open(url, method=method, headers=headers, json=body)
        assert (response.status_code, response.json["type"]) == (404, "EXPORT_NOT_FOUND"), url
    assert client.get("/v3/export-jobs", headers=headers).json["data"] == []
    foreign = client.get(f"/v3/export-jobs?company_id={pending_job['companyId']}", headers=headers)
    assert foreign.status_code == 403
