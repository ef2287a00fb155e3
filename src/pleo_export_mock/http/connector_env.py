"""The environment a connector under test is started with: where the sandbox is, who it is.

One builder for every caller (the pytest handle, `verify`), so a connector sees the same
variable names whichever way it is run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ..domain.credentials import Credential, CredentialKind

# The variable each kind of credential's secret is given in; the connector picks what it has.
SECRET_VARIABLES = {
    CredentialKind.API_KEY: "PLEO_API_KEY",
    CredentialKind.BEARER: "PLEO_ACCESS_TOKEN",
}
# Every variable the sandbox speaks for, whether this scenario gives it or not.
CONNECTOR_VARIABLES = ("PLEO_API_URL", "PLEO_COMPANY_ID", *SECRET_VARIABLES.values())


def connector_env(url: str, company_id: str, credentials: Iterable[Credential]) -> dict[str, str]:
    """PLEO_API_URL, PLEO_COMPANY_ID, and the secret of the first credential of each kind."""
    env = {"PLEO_API_URL": url, "PLEO_COMPANY_ID": company_id}
    given = list(credentials)
    for kind, variable in SECRET_VARIABLES.items():
        first = next((c for c in given if c.kind is kind), None)
        if first is not None:
            env[variable] = first.secret
    return env


def connector_process_env(
    given: Mapping[str, str], inherited: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A whole environment for the connector's process: `inherited` (os.environ) plus `given`.

    The connector needs the caller's PATH, HOME, proxies and virtualenv to start at all. Every
    CONNECTOR_VARIABLES name is the sandbox's alone, though: one the caller had (a real Pleo
    token in the shell, say) is dropped when `given` has no value for it, so a connector can
    never mix the sandbox's address with credentials from elsewhere.
    """
    base = os.environ if inherited is None else inherited
    env = {name: value for name, value in base.items() if name not in CONNECTOR_VARIABLES}
    env.update(given)
    return env
