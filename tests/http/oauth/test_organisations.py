"""Organisations: one credential, API key, token or OAuth grant, for all of their companies."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from pleo_export_mock.domain.credentials import CredentialKind
from pleo_export_mock.errors import ToolError
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.loader import load_scenario_text
from tests.delivery.receiver import Receiver

from .flow import Flow, client_of

COMPANIES = ("uk", "dk", "se", "no")  # Newday Norge has no job until the timeline plays


@pytest.fixture
def organisation() -> Sandbox:
    return Sandbox("organisation")


def _headers(sandbox: Sandbox, http: Client) -> dict[str, dict[str, str]]:
    """The Authorization of each of the organisation's credentials, OAuth's included."""
    static = {
        kind.value: authorization_header(
            next(c for c in sandbox.state.credentials if c.kind is kind)
        )
        for kind in CredentialKind
    }
    token = Flow(http, client_of(sandbox)).tokens()["access_token"]
    return {
        name: {"Authorization": value}
        for name, value in {**static, "oauth": f"Bearer {token}"}.items()
    }


def test_every_organisation_credential_covers_its_companies(organisation: Sandbox) -> None:
    http = Client(create_app(organisation))
    for name, headers in _headers(organisation, http).items():
        for key in COMPANIES:
            company_id = organisation.company_id(key)
            listed = http.get(f"/v3/export-jobs?company_id={company_id}", headers=headers)
            assert listed.status_code == 200, name
            assert {job["companyId"] for job in listed.json["data"]} <= {company_id}, name
            assert listed.json["data"] or key == "no", name


def test_an_organisation_credential_must_name_the_company(organisation: Sandbox) -> None:
    http = Client(create_app(organisation))
    for name, headers in _headers(organisation, http).items():
        response = http.get("/v3/export-jobs", headers=headers)
        assert response.status_code == 400, name
        assert response.json["type"] == "COMPANY_ID_REQUIRED", name


def test_an_organisations_oauth_grant_is_for_all_of_its_companies(organisation: Sandbox) -> None:
    client = client_of(organisation)
    assert set(client.company_ids) == {organisation.company_id(key) for key in COMPANIES}


def test_an_organisation_subscription_hears_every_company_and_names_the_organisation(
    organisation: Sandbox,
) -> None:
    http = Client(create_app(organisation))
    org_key = next(c for c in organisation.state.credentials if c.kind is CredentialKind.API_KEY)
    assert org_key.organisation_id is not None
    headers = {"Authorization": authorization_header(org_key)}
    with Receiver() as receiver:
        body = {"endpointUrl": receiver.url, "eventTypes": ["v1.export-job.created"]}
        made = http.post("/v1/subscriptions", json=body, headers=headers).json["data"]
        organisation.advance_clock(2)  # the timeline: Newday Norge presses Export
        assert organisation.outbox.wait_idle()
        [delivery] = receiver.received
    announced = json.loads(delivery.body)["data"]
    assert announced["companyId"] == organisation.company_id("no")
    activities = http.get(f"/v1/subscriptions/{made['id']}/activities", headers=headers)
    assert [a["actorUrn"] for a in activities.json["data"]] == [
        f"urn:pleo:organisation:{org_key.organisation_id}"
    ]
    organisation.close()


BASE = """\
name: org
description: An organisation of two.
seed: 1
companies:
  - {key: a, name: A}
  - {key: b, name: B}
organisations:
  - {key: group, companies: [a, b]}
"""


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("credentials:\n  - {kind: api_key, organisation: nope}\n", "unknown organisation 'nope'"),
        ("oauth:\n  clients:\n    - {organisation: nope}\n", "unknown organisation 'nope'"),
        (
            "credentials:\n  - {kind: api_key, organisation: group, companies: [a]}\n",
            "credentials",
        ),
    ],
)
def test_a_wrong_organisation_is_refused_naming_the_place(tail: str, message: str) -> None:
    with pytest.raises(ToolError, match=message) as refused:
        load_scenario_text(BASE + tail, source="org.yaml")
    assert "org.yaml" in str(refused.value)


def test_an_organisation_of_unknown_companies_is_refused() -> None:
    text = BASE.replace("companies: [a, b]}", "companies: [a, z]}")
    with pytest.raises(ToolError, match="unknown company 'z'"):
        load_scenario_text(text, source="org.yaml")
