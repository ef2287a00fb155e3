"""Read-only views of the whole sandbox for the control plane and the CLI."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.clock import format_timestamp
from ..domain.credentials import Credential, CredentialKind
from ..domain.models import EntryState, ExportJob
from ..domain.oauth import OAuthClient
from . import serialize

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def authorization_header(credential: Credential) -> str:
    """The Authorization value a connector sends: `Bearer <token>` or `Basic base64(<key>:)`."""
    if credential.kind is CredentialKind.BEARER:
        return f"Bearer {credential.secret}"
    return "Basic " + base64.b64encode(f"{credential.secret}:".encode()).decode()


def summary(sandbox: Sandbox) -> dict[str, Any]:
    state = sandbox.state
    keys = {company_id: key for key, company_id in state.company_ids.items()}
    return {
        "scenario": sandbox.scenario.name,
        "description": sandbox.scenario.description,
        "seed": sandbox.seed,
        "now": format_timestamp(sandbox.now()),
        "companies": [
            {
                "id": c.id,
                "key": keys.get(c.id, c.id),
                "name": c.name,
                "contraAccountsConfigured": c.contra_accounts_configured,
            }
            for c in state.store.companies()
        ],
        "credentials": [_credential(c) for c in state.credentials],
        "oauthClients": [_oauth_client(c) for c in state.oauth.clients.values()],
    }


def _oauth_client(client: OAuthClient) -> dict[str, Any]:
    return {
        "clientId": client.client_id,
        "clientSecret": client.secret,
        "label": client.label,
        "redirectUris": list(client.redirect_uris),
        "companyIds": list(client.company_ids),
        "scopes": sorted(client.scopes),
    }


def _credential(credential: Credential) -> dict[str, Any]:
    return {
        "kind": credential.kind.value,
        "label": credential.label,
        "secret": credential.secret,
        "companyIds": list(credential.company_ids),
        "scopes": sorted(credential.scopes),
        "authorization": authorization_header(credential),
    }


def state(sandbox: Sandbox) -> dict[str, Any]:
    store = sandbox.state.store
    now = sandbox.now()
    companies = []
    for company in store.companies():
        entries = store.entries(company.id)
        companies.append(
            {
                "id": company.id,
                "name": company.name,
                "queue": [e.id for e in entries if e.state is EntryState.QUEUED],
                "exported": [e.id for e in entries if e.state is EntryState.EXPORTED],
                "jobs": [_job_with_counts(job, now) for job in store.jobs(company.id)],
            }
        )
    return {"now": format_timestamp(now), "companies": companies}


def _job_with_counts(job: ExportJob, now: datetime) -> dict[str, Any]:
    counts = {status.value: n for status, n in job.status_counts.items() if n}
    return {**serialize.job_v3(job, now), "itemCounts": counts}


def job_with_items(sandbox: Sandbox, job_id: str) -> dict[str, Any]:
    job = sandbox.state.store.job(job_id)
    return {
        "data": serialize.job_v3(job, sandbox.now()),
        "items": [serialize.job_item_v3(item) for item in job.items],
    }
