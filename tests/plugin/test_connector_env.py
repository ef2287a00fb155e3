"""One builder for what a connector under test is given, used by the handle and `verify`."""

from __future__ import annotations

from pleo_export_mock import connector_env
from pleo_export_mock.domain.credentials import ALL_SCOPES, Credential, CredentialKind


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
