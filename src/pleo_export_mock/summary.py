"""What `serve` prints at start: where the sandbox is, who may call it, which companies exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .domain.credentials import CredentialKind
from .http.connector_env import SECRET_VARIABLES
from .http.state_view import summary

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
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)
