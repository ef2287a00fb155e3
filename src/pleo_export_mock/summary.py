"""What `serve` prints at start: where the sandbox is, who may call it, which companies exist,
and the Schemathesis command that holds it to its spec."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .domain.credentials import CredentialKind
from .http.connector_env import SECRET_VARIABLES
from .http.state_view import authorization_header, summary

if TYPE_CHECKING:
    from .sandbox import Sandbox


def describe_sandbox(sandbox: Sandbox, url: str) -> str:
    info = summary(sandbox)
    lines = [
        f"pleo-export-mock: Pleo Export API v3 sandbox at {url}",
        f"  scenario   {info['scenario']} (seed {info['seed']}): {info['description']}",
        f"  time       {info['now']}",
        f"  spec       {url}/openapi.json    control plane {url}/_mock/",
    ]
    for company in info["companies"]:
        lines.append(f"  company    {company['id']}  {company['key']}  {company['name']}")
    for credential in info["credentials"]:
        env = SECRET_VARIABLES[CredentialKind(credential["kind"])]
        lines.append(
            f"  credential {env}={credential['secret']}  "
            f"companies {','.join(credential['companyIds'])}  "
            f"scopes {' '.join(credential['scopes'])}"
        )
    for client in sandbox.state.oauth.clients.values():
        lines.append(
            f"  oauth      PLEO_OAUTH_CLIENT_ID={client.client_id}  "
            f"PLEO_OAUTH_CLIENT_SECRET={client.secret}  "
            f"PLEO_OAUTH_REDIRECT_URI={client.redirect_uris[0]}  "
            f"companies {','.join(client.company_ids)}"
        )
    lines.append(f"  auth       PLEO_AUTH_URL={url}  (authorization server: {url}/oauth/)")
    lines.append(f"  fuzz       {schemathesis_command(sandbox, url)}")
    lines.append("             (from the repository root, which holds schemathesis.toml)")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def schemathesis_command(sandbox: Sandbox, url: str) -> str:
    """`st run` against this sandbox, with its URL and credential (a token if it has one).

    The repository's schemathesis.toml adds every check, every phase and the refusals Pleo
    documents; the URL and credential given here take precedence over the file's defaults.
    """
    command = f"st run {url}/openapi.json --url {url}"
    # A token reads better in a command than base64; any credential will do.
    credentials = sorted(sandbox.state.credentials, key=lambda c: c.kind != CredentialKind.BEARER)
    if not credentials:
        return command
    return f"{command} -H 'Authorization: {authorization_header(credentials[0])}'"
