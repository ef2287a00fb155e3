"""HTTP-level behaviour: routing, methods, media types, sizes, parameter styles."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from pleo_export_mock.errors import SpecError
from pleo_export_mock.http import HttpSettings, ResponseContractError, create_app
from pleo_export_mock.http.app import SandboxApp
from pleo_export_mock.http.handlers import HANDLERS, Call, Reply
from pleo_export_mock.sandbox import Sandbox

from ..conftest import Api, credential_of


def test_unknown_path_is_404_in_pleos_shape(api: Api) -> None:
    response = api("GET", "/v3/export-jobz")
    assert (response.status_code, response.json["type"]) == (404, "NOT_FOUND")
    assert api("GET", "/v3/export-jobs/").status_code == 404


def test_unknown_method_is_405_with_allow(api: Api) -> None:
    response = api("DELETE", "/v3/export-jobs")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert response.json["type"] == "METHOD_NOT_ALLOWED"


def test_colon_path_routes_to_search(api: Api) -> None:
    assert (
        api("POST", "/v3/export-job-items:search", json={"accountingEntryIds": []}).status_code
        == 200
    )
    assert api("GET", "/v3/export-job-items:search").status_code == 405


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json;charset=UTF-8", "application/json; charset=utf-8"],
)
def test_json_with_or_without_charset(
    api: Api, pending_job: dict[str, Any], content_type: str
) -> None:
    body = f'{{"event": "started", "jobId": "{pending_job["id"]}"}}'
    response = api(
        "POST", "/v3/export-job-events", data=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 202


@pytest.mark.parametrize("content_type", ["text/plain", "application/json; charset=latin-1", None])
def test_other_media_types_are_415(api: Api, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = api("POST", "/v3/export-job-events", data=b'{"event": "started"}', headers=headers)
    assert (response.status_code, response.json["type"]) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_malformed_and_missing_json_bodies_are_400(api: Api) -> None:
    broken = api(
        "POST",
        "/v3/export-job-events",
        data=b'{"event": ',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and "not valid JSON" in broken.json["message"]
    empty = api("POST", "/v3/export-job-events", headers={"Content-Type": "application/json"})
    assert empty.status_code == 400 and "required" in empty.json["message"]


def test_oversize_body_is_413_and_changes_nothing(api: Api, pending_job: dict[str, Any]) -> None:
    padding = "x" * (1024 * 1024)
    body = f'{{"event": "started", "jobId": "{pending_job["id"]}", "failureReason": "{padding}"}}'
    response = api(
        "POST", "/v3/export-job-events", data=body, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json["type"]) == (413, "PAYLOAD_TOO_LARGE")
    assert api("GET", f"/v3/export-jobs/{pending_job['id']}").json["data"]["status"] == "pending"


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("limit=abc", "'abc' is not a valid integer"),
        ("limit=5&limit=6", "given 2 times"),
        ("offset=-1", "less than the minimum of 0"),
        ("after=lower-case", "does not match"),
        ("limit=1001", "above the maximum of 1000"),
        ("sorting_keys=createdAt&sorting_order=UP", "'UP' is not one of"),
        ("sorting_keys=colour", "cannot sort by 'colour'"),
        ("company_id=123", "'123' is not a 'uuid'"),
    ],
)
def test_bad_parameters_say_which_and_why(api: Api, query: str, fragment: str) -> None:
    response = api("GET", f"/v3/export-jobs?{query}")
    assert response.status_code == 400
    assert fragment in response.json["message"]


def test_limit_above_maximum_can_be_clamped(sandbox: Sandbox) -> None:
    client = Client(create_app(sandbox, HttpSettings(clamp_limit=True)))
    from pleo_export_mock.http.state_view import authorization_header

    headers = {"Authorization": authorization_header(credential_of(sandbox))}
    body = client.get("/v3/export-jobs?limit=5000", headers=headers).json
    assert body["pagination"]["currentRequestPagination"]["limit"] == 1000


def test_an_operation_without_handler_stops_start_up(sandbox: Sandbox) -> None:
    handlers = {k: v for k, v in HANDLERS.items() if k != "getExportJobByIdV3"}
    with pytest.raises(SpecError, match="getExportJobByIdV3"):
        SandboxApp(sandbox, handlers=handlers)


def test_a_response_breaking_our_spec_is_raised_loudly(sandbox: Sandbox) -> None:
    def broken(call: Call) -> Reply:
        return Reply(200, {"data": {"id": "not-a-uuid"}})

    app = SandboxApp(sandbox, handlers={**HANDLERS, "getExportJobByIdV3": broken})
    client = Client(app)
    from pleo_export_mock.http.state_view import authorization_header

    headers = {"Authorization": authorization_header(credential_of(sandbox))}
    with pytest.raises(ResponseContractError, match="getExportJobByIdV3 answered 200"):
        client.get("/v3/export-jobs/00000000-0000-4000-8000-000000000000", headers=headers)


def test_the_spec_is_served(client: Client) -> None:
    document = client.get("/openapi.json").json
    assert "/v3/export-job-items:search" in document["paths"]
    assert "/_mock/reset" in client.get("/_mock/openapi.json").json["paths"]
