"""A scenario whose credentials or OAuth clients cannot work is refused at load."""

from __future__ import annotations

import pytest

from pleo_export_mock.domain.credentials import ALL_SCOPES
from pleo_export_mock.http.versions import legacy_spec
from pleo_export_mock.http.webhooks import subscriptions_spec
from pleo_export_mock.scenarios.errors import ScenarioError
from pleo_export_mock.scenarios.loader import load_scenario_text
from pleo_export_mock.scenarios.validate import scenario_schema
from pleo_export_mock.spec import load_spec

BASE = """\
name: coherence
description: One pending job and the credentials under test.
seed: 7
companies:
  - key: acme
    name: Acme ApS
    country: DK
    entries:
      - {{key: booked, count: 2}}
      - {{key: open, count: 2}}
    jobs:
      - key: export
        status: {status}
        created: -10m
        {started}
        entries: {entries}
credentials:
{credentials}
expect:
  final_status: {{export: {expected}}}
"""
ALL = "[export-jobs:read, export-jobs:write, export-items:read]"


def scenario(
    credentials: list[str],
    expected: str = "completed",
    status: str = "pending",
    entries: str = "[open]",
) -> str:
    return BASE.format(
        status=status,
        started="started: -9m" if status == "in_progress" else "",
        entries=entries,
        credentials="\n".join(
            f"  - {{kind: api_key, companies: [acme], scopes: {scopes}}}" for scopes in credentials
        ),
        expected=expected,
    )


@pytest.mark.parametrize(
    "scopes, expected, missing",
    [
        ("[export-jobs:read, export-items:read]", "completed", "export-jobs:write"),
        ("[export-jobs:read]", "failed", "export-jobs:write to send the job's events"),
        ("[export-jobs:write, export-items:read]", "failed", "export-jobs:read to find the job"),
        ("[export-jobs:read, export-jobs:write]", "completed", "export-items:read to read the"),
    ],
)
def test_an_expectation_the_credentials_cannot_reach_is_a_scenario_error(
    scopes: str, expected: str, missing: str
) -> None:
    text = scenario([scopes], expected)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source="case.yaml")
    error = caught.value
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "final_status" in row)
    assert (error.file, error.line) == ("case.yaml", line)
    assert error.where == "expect.final_status.export"
    assert f"expected to end {expected}" in error.reason and missing in error.reason


def test_one_credential_must_hold_every_scope_needed() -> None:
    split = ["[export-jobs:read, export-items:read]", "[export-jobs:write]"]
    with pytest.raises(ScenarioError, match="export-jobs:write"):
        load_scenario_text(scenario(split))
    assert load_scenario_text(scenario([*split, ALL])).expect.final_status


@pytest.mark.parametrize(
    "scopes, expected, status, entries",
    [
        # every item is booked already: completing needs no entry data
        (
            "[export-jobs:read, export-jobs:write]",
            "completed",
            "in_progress",
            "[{entry: booked, status: successful, exported_at: -8m, external_id: V-1}]",
        ),
        # an item may fail for want of data: completed_with_errors needs no export-items:read
        ("[export-jobs:read, export-jobs:write]", "completed_with_errors", "pending", "[open]"),
    ],
)
def test_reachable_expectations_load(scopes: str, expected: str, status: str, entries: str) -> None:
    loaded = load_scenario_text(scenario([scopes], expected, status, entries))
    assert loaded.expect.final_status["export"] == expected


OAUTH = """\
name: clients
description: One company, one organisation and the OAuth client under test.
seed: 7
companies:
  - {{key: acme, name: Acme ApS, country: DK}}
organisations:
  - {{key: group, companies: [acme]}}
oauth:
  clients:
    - {{companies: [acme]}}
    - {client}
"""


@pytest.mark.parametrize(
    "client, where, reason",
    [
        (
            "{companies: [acme], scopes: [webhooks:write]}",
            "oauth.clients[1].scopes[0]",
            "'webhooks:write' is not one of ['export-jobs:read', 'export-jobs:write'",
        ),
        ("{companies: [nope]}", "oauth.clients[1].companies[0]", "unknown company 'nope'"),
        ("{organisation: nope}", "oauth.clients[1].organisation", "unknown organisation 'nope'"),
        (
            "{companies: [acme], redirect_uris: [/callback]}",
            "oauth.clients[1].redirect_uris[0]",
            "'/callback' is not absolute: give http(s) and a host",
        ),
        (
            "{companies: [acme], redirect_uris: ['https:///callback']}",
            "oauth.clients[1].redirect_uris[0]",
            "is not absolute",
        ),
        (
            "{companies: [acme], redirect_uris: ['https://erp.example/cb', 'erp://callback']}",
            "oauth.clients[1].redirect_uris[1]",
            "uses the scheme 'erp'; the sandbox redirects only to http or https",
        ),
        (
            "{companies: [acme], redirect_uris: ['https://erp example/cb']}",
            "oauth.clients[1].redirect_uris[0]",
            "holds whitespace",
        ),
        (
            "{companies: [acme], redirect_uris: ['https://erp.example:99999/cb']}",
            "oauth.clients[1].redirect_uris[0]",
            "Port out of range",
        ),
        (
            "{companies: [acme], redirect_uris: ['https://erp.example/cb#done']}",
            "oauth.clients[1].redirect_uris[0]",
            "has a fragment",
        ),
    ],
)
def test_a_broken_oauth_client_names_file_place_and_reason(
    client: str, where: str, reason: str
) -> None:
    text = OAUTH.format(client=client)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source="clients.yaml")
    error = caught.value
    assert (error.file, error.line, error.where) == ("clients.yaml", len(text.splitlines()), where)
    assert reason in error.reason


def test_a_sound_oauth_client_loads() -> None:
    client = (
        "{organisation: group, scopes: [export-jobs:read], "
        "redirect_uris: ['http://127.0.0.1:8765/cb?tenant=1', 'https://erp.example/oauth']}"
    )
    loaded = load_scenario_text(OAUTH.format(client=client))
    assert loaded.oauth.clients is not None and len(loaded.oauth.clients) == 2


def test_the_scopes_a_scenario_may_grant_are_those_the_specs_require() -> None:
    """The schema's list is the specs' own: a scope no operation asks for grants nothing."""
    specs = (load_spec(), legacy_spec(), subscriptions_spec())
    required = {scope for spec in specs for op in spec.operations.values() for scope in op.scopes}
    schema = scenario_schema()
    for definition in ("oauth_client", "credential"):
        enum = schema["$defs"][definition]["properties"]["scopes"]["items"]["enum"]
        assert set(enum) == required == set(ALL_SCOPES)
