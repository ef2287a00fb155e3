"""The environment a connector under test is started with: where the sandbox is, who it is.

One builder for every caller (the pytest handle, `verify`), so a connector sees the same
variable names whichever way it is run.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.credentials import Credential, CredentialKind

# The variable each kind of credential's secret is given in; the connector picks what it has.
SECRET_VARIABLES = {
    CredentialKind.API_KEY: "PLEO_API_KEY",
    CredentialKind.BEARER: "PLEO_ACCESS_TOKEN",
}


def connector_env(url: str, company_id: str, credentials: Iterable[Credential]) -> dict[str, str]:
    """PLEO_API_URL, PLEO_COMPANY_ID, and the secret of the first credential of each kind."""
    env = {"PLEO_API_URL": url, "PLEO_COMPANY_ID": company_id}
    given = list(credentials)
    for kind, variable in SECRET_VARIABLES.items():
        first = next((c for c in given if c.kind is kind), None)
        if first is not None:
            env[variable] = first.secret
    return env
