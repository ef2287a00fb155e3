"""One builder for what a connector under test is given, used by the handle and `verify`."""

from __future__ import annotations

import os

import pytest

from pleo_export_mock import connector_env
from pleo_export_mock.domain.credentials import ALL_SCOPES, Credential, CredentialKind
from pleo_export_mock.domain.oauth import OAuthClient
from pleo_export_mock.http.connector_env import connector_process_env
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.summary import describe_sandbox


def credential(kind: CredentialKind, secret: str) -> Credential:
    return Credential(kind, secret, ("company",), frozenset(ALL_SCOPES), label=secret)


def test_the_first_secret_of_each_kind_is_given() -> None:
    credentials = [
        credential(CredentialKind.BEARER, "token-1"),
        credential(CredentialKind.API_KEY, "key-1"),
        credential(CredentialKind.API_KEY, "key-2"),
    ]
    assert connector_env("http://sandbox", "company", credentials) == {
        "PLEO_API_URL": "http://sandbox",
        "PLEO_COMPANY_ID": "company",
        "PLEO_API_KEY": "key-1",
        "PLEO_ACCESS_TOKEN": "token-1",
    }


def test_a_missing_kind_is_left_out() -> None:
    env = connector_env("http://sandbox", "company", [credential(CredentialKind.API_KEY, "key")])
    assert "PLEO_ACCESS_TOKEN" not in env and env["PLEO_API_KEY"] == "key"


def test_the_process_env_keeps_the_callers_and_drops_stale_pleo_variables() -> None:
    inherited = {"PATH": "/opt/erp/bin", "HOME": "/home/erp", "PLEO_ACCESS_TOKEN": "real-token"}
    given = {"PLEO_API_URL": "http://sandbox", "PLEO_API_KEY": "key"}
    assert connector_process_env(given, inherited) == {
        "PATH": "/opt/erp/bin",
        "HOME": "/home/erp",
        "PLEO_API_URL": "http://sandbox",
        "PLEO_API_KEY": "key",
    }


def test_the_process_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERP_HOME", "/opt/erp")
    assert connector_process_env({"PLEO_API_URL": "u"})["ERP_HOME"] == "/opt/erp"


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for the connector")
def test_a_connector_found_on_path_starts_with_the_handles_env(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = pytester.mkdir("erp-bin")
    script = bin_dir / "my-connector"
    script.write_text('#!/bin/sh\necho "$ERP_TENANT $PLEO_API_URL"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("ERP_TENANT", "tenant-7")
    pytester.makepyfile(
        """
        import subprocess

        def test_run(export_mock):
            run = subprocess.run(
                ["my-connector"], env=export_mock.env, capture_output=True, text=True, check=True
            )
            assert run.stdout.split() == ["tenant-7", export_mock.url]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_stale_pleo_token_of_the_caller_never_reaches_the_connector(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEO_ACCESS_TOKEN", "a-real-token-from-the-shell")
    pytester.makefile(".yaml", keyonly=KEY_ONLY_SCENARIO)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.export_mock(scenario="keyonly.yaml")
        def test_key_only(export_mock):
            assert export_mock.access_token is None
            assert "PLEO_ACCESS_TOKEN" not in export_mock.env
            assert export_mock.env["PLEO_API_KEY"] == export_mock.api_key
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


KEY_ONLY_SCENARIO = """
name: keyonly
description: One company whose connector has an API key and no bearer token.
seed: 7
companies:
  - key: solo
    name: Solo ApS
    country: DK
    entries: [{key: one}]
    jobs: [{key: export, status: pending, created: -5m, entries: [one]}]
credentials:
  - {kind: api_key, companies: [solo]}
"""


def test_an_oauth_client_is_given_with_the_authorization_servers_base() -> None:
    client = OAuthClient("id-1", "secret-1", ("https://erp.example/cb",), ("company",))
    env = connector_env("http://sandbox", "company", [], client)
    assert env == {
        "PLEO_API_URL": "http://sandbox",
        "PLEO_COMPANY_ID": "company",
        "PLEO_OAUTH_CLIENT_ID": "id-1",
        "PLEO_OAUTH_CLIENT_SECRET": "secret-1",
        "PLEO_OAUTH_REDIRECT_URI": "https://erp.example/cb",
        "PLEO_AUTH_URL": "http://sandbox",
    }


def test_a_stale_oauth_variable_of_the_caller_is_dropped() -> None:
    inherited = {"PLEO_OAUTH_CLIENT_SECRET": "real", "PLEO_AUTH_URL": "https://auth.pleo.io"}
    assert connector_process_env({"PLEO_API_URL": "u"}, inherited) == {"PLEO_API_URL": "u"}


def test_serve_prints_every_oauth_client() -> None:
    sandbox = Sandbox("pending")
    banner = describe_sandbox(sandbox, "http://127.0.0.1:8080")
    for client in sandbox.state.oauth.clients.values():
        assert f"PLEO_OAUTH_CLIENT_ID={client.client_id}" in banner
        assert f"PLEO_OAUTH_CLIENT_SECRET={client.secret}" in banner
    assert "PLEO_AUTH_URL=http://127.0.0.1:8080" in banner
