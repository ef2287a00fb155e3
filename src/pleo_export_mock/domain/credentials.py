"""Who may call the sandbox: credentials bound to companies and scopes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CredentialKind(StrEnum):
    API_KEY = "api_key"  # sent as HTTP Basic: base64(key + ":")
    BEARER = "bearer"  # sent as Authorization: Bearer <token>


ALL_SCOPES = ("export-jobs:read", "export-jobs:write", "export-items:read")


@dataclass(frozen=True, slots=True)
class Credential:
    kind: CredentialKind
    secret: str
    company_ids: tuple[str, ...]
    scopes: frozenset[str] = frozenset(ALL_SCOPES)
    label: str = ""
    organisation_id: str | None = None  # issued for an organisation: covers all its companies
