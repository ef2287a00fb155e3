"""The environment a connector under test is started with: where the sandbox is, who it is.

One builder for every caller (the pytest handle, `verify`), so a connector sees the same
variable names whichever way it is run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ..domain.credentials import Credential, CredentialKind
from ..domain.oauth import OAuthClient

# The variable each kind of credential's secret is given in; the connector picks what it has.
SECRET_VARIABLES = {
    CredentialKind.API_KEY: "PLEO_API_KEY",
    CredentialKind.BEARER: "PLEO_ACCESS_TOKEN",
}
# An OAuth client, for a connector that signs in as partners must. PLEO_AUTH_URL is the
# authorization server's base: the sandbox itself, a different host (auth.pleo.io) at Pleo.
OAUTH_VARIABLES = (
    "PLEO_OAUTH_CLIENT_ID",
    "PLEO_OAUTH_CLIENT_SECRET",
    "PLEO_OAUTH_REDIRECT_URI",
    "PLEO_AUTH_URL",
)
# Every variable the sandbox speaks for, whether this scenario gives it or not.
CONNECTOR_VARIABLES = (
    "PLEO_API_URL",
    "PLEO_COMPANY_ID",
    *SECRET_VARIABLES.values(),
    *OAUTH_VARIABLES,
)


def connector_env(
    url: str,
    company_id: str,
    credentials: Iterable[Credential],
    oauth_client: OAuthClient | None = None,
) -> dict[str, str]:
    """PLEO_API_URL, PLEO_COMPANY_ID, the secret of the first credential of each kind, and
    the OAuth client's PLEO_OAUTH_* variables with PLEO_AUTH_URL when there is one."""
    env = {"PLEO_API_URL": url, "PLEO_COMPANY_ID": company_id}
    given = list(credentials)
    for kind, variable in SECRET_VARIABLES.items():
        first = next((c for c in given if c.kind is kind), None)
        if first is not None:
            env[variable] = first.secret
    if oauth_client is not None:
        values = (oauth_client.client_id, oauth_client.secret, oauth_client.redirect_uris[0], url)
        env.update(zip(OAUTH_VARIABLES, values, strict=True))
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
