"""OAuth clients and token lifetimes declared in scenarios, checked like every other part."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from pleo_export_mock.errors import ToolError
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.scenarios.loader import load_scenario_text

from .flow import Flow

SCENARIO = """\
name: erp_partner
description: Two companies; one OAuth client for the first, with a short-lived token.
seed: 5
companies:
  - key: acme
    name: Acme ApS
    entries: [{key: e, count: 2}]
  - key: beta
    name: Beta AB
oauth:
  access_token_seconds: 120
  clients:
    - id: erp-connector
      secret: erp-connector-secret
      redirect_uris: [http://127.0.0.1:9999/callback]
      companies: [acme]
      scopes: [export-jobs:read]
"""


def _sandbox(text: str) -> Sandbox:
    return Sandbox(load_scenario_text(text, source="test.yaml"))


def test_declared_clients_are_exactly_the_ones_that_exist() -> None:
    sandbox = _sandbox(SCENARIO)
    (client,) = sandbox.state.oauth.clients.values()
    assert client.client_id == "erp-connector"
    assert client.redirect_uris == ("http://127.0.0.1:9999/callback",)
    assert client.company_ids == (sandbox.company_id("acme"),)
    flow = Flow(Client(create_app(sandbox)), client)
    tokens = flow.tokens()
    assert tokens["expires_in"] == 120
    assert tokens["scope"] == "export-jobs:read"
    refused = flow.http.post(
        "/v3/export-job-events",
        json={"jobId": "00000000-0000-4000-8000-000000000000", "event": "started"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert refused.status_code == 403  # the grant carries the client's scopes only


def test_every_company_gets_a_client_by_default() -> None:
    sandbox = _sandbox(SCENARIO.split("oauth:")[0])
    companies = {c.company_ids for c in sandbox.state.oauth.clients.values()}
    assert companies == {(sandbox.company_id("acme"),), (sandbox.company_id("beta"),)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("companies: [acme]", "companies: [gamma]"), "unknown company 'gamma'"),
        (("access_token_seconds: 120", "access_token_seconds: 0"), "access_token_seconds"),
        (("redirect_uris: [http://127.0.0.1:9999/callback]", "redirect_uris: [nope]"), "nope"),
    ],
)
def test_a_broken_client_is_refused_naming_the_place(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ToolError, match=message) as refused:
        _sandbox(SCENARIO.replace(*change))
    assert "test.yaml" in str(refused.value)


def test_two_clients_with_one_id_are_refused() -> None:
    twice = (
        SCENARIO
        + """\
    - id: erp-connector
      companies: [beta]
"""
    )
    with pytest.raises(ToolError, match="the same id is already used"):
        _sandbox(twice)
