"""Credentials: Bearer tokens and API keys in Basic auth, each bound to companies and scopes."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.credentials import Credential, CredentialKind
from ..memo import Memo
from .errors import ApiError, forbidden, unauthorized

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..scenarios.seed import SeededSandbox
    from ..spec.model import Operation
    from .request import RequestRecord


MAX_KNOWN_HEADERS = 256  # a bound: the headers come from clients


class Authenticator:
    def __init__(self, credentials: Iterable[Credential], *, accept_raw_api_key: bool = False):
        self._by_kind: dict[CredentialKind, dict[str, Credential]] = {
            kind: {} for kind in CredentialKind
        }
        for credential in credentials:
            self._by_kind[credential.kind][credential.secret] = credential
        # Pleo's quick-start shows `Basic <key>` without base64; accept it only when asked to.
        self.accept_raw_api_key = accept_raw_api_key
        # Authorization headers already read, to the scenario credential they name: a
        # connector sends the same one with every request, and decoding it is a tenth of a GET.
        self._known: Memo[str, Credential] = Memo(MAX_KNOWN_HEADERS)

    def authenticate(
        self, authorization: str | None, access_token: Callable[[str], Credential] | None = None
    ) -> Credential:
        """The credential `authorization` names. A bearer value that is no scenario token goes
        to `access_token`: OAuth access tokens are checked as they come, against the grants of
        the moment (they are issued as the sandbox runs)."""
        known = self._known.get(authorization) if authorization else None
        if known is not None:
            return known
        credential = self._authenticate(authorization, access_token)
        if credential.secret in self._by_kind[credential.kind]:  # not an access token: those
            self._known.keep(str(authorization), credential)  # expire and are revoked
        return credential

    def _authenticate(
        self, authorization: str | None, access_token: Callable[[str], Credential] | None
    ) -> Credential:
        if not authorization:
            raise unauthorized(
                "Missing Authorization header: send 'Bearer <token>' or 'Basic base64(<api key>:)'."
            )
        scheme, _, value = authorization.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value:
            static = self._by_kind[CredentialKind.BEARER].get(value)
            if static is None and access_token is not None:
                return access_token(value)
            return self._find(CredentialKind.BEARER, value, "bearer token")
        if scheme.lower() == "basic" and value:
            return self._find(CredentialKind.API_KEY, self._api_key(value), "API key")
        raise unauthorized("Unsupported Authorization scheme: use Bearer or Basic.")

    def _api_key(self, value: str) -> str:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):  # binascii.Error, non-ASCII text, bad UTF-8
            decoded = ""
        key, colon, password = decoded.partition(":")
        if colon and not password:
            return key
        if colon:
            raise unauthorized(
                "Basic auth carries the API key as the user name and an empty "
                "password: base64(<api key>:)."
            )
        if self.accept_raw_api_key:
            return value
        raise unauthorized(
            "Basic credentials must be base64(<api key>:), the API key followed by a colon."
        )

    def _find(self, kind: CredentialKind, secret: str, what: str) -> Credential:
        credential = self._by_kind[kind].get(secret)
        if credential is None:
            raise unauthorized(f"Invalid {what}.")
        return credential


class CredentialCheck:
    """The Export API's guard: who is calling, and may they call this operation."""

    def __init__(self, *, accept_raw_api_key: bool = False) -> None:
        self.accept_raw_api_key = accept_raw_api_key
        self._cached: tuple[list[Credential], Authenticator] | None = None

    def __call__(
        self, request: RequestRecord, state: SeededSandbox, operation: Operation
    ) -> Credential:
        authenticator = self._authenticator(state)
        header = request.headers.get("Authorization")
        credential = authenticator.authenticate(header, _access_tokens(state))
        require_scopes(credential, operation.scopes, operation.operation_id)
        return credential

    def _authenticator(self, state: SeededSandbox) -> Authenticator:
        # Kept while the state's credentials are the same ones: a reset that copies the state
        # copies the list (a test may add to its own), and an authenticator made anew forgets
        # the headers already read, a tenth of the first request of every test. Compared item
        # by item against a copy, so a credential added in place counts from the next request.
        cached = self._cached
        if cached is None or cached[0] != state.credentials:
            authenticator = Authenticator(
                state.credentials, accept_raw_api_key=self.accept_raw_api_key
            )
            cached = self._cached = (list(state.credentials), authenticator)
        return cached[1]


def _access_tokens(state: SeededSandbox) -> Callable[[str], Credential]:
    """Checks an OAuth access token against this state's grants, on its clock."""

    def check(value: str) -> Credential:
        # The OAuth server's token code brings authlib in: paid by the first token, not at start.
        from .oauth import TokenRefused, credential_for

        try:
            return credential_for(state.oauth, value, state.store.now())
        except TokenRefused as refused:
            raise unauthorized(refused.message) from None

    return check


def require_scopes(credential: Credential, scopes: Iterable[str], operation_id: str) -> None:
    missing = sorted(set(scopes) - credential.scopes)
    if missing:
        raise forbidden(
            f"{operation_id} needs the scope {', '.join(missing)}, "
            "which this credential does not have."
        )


def company_scope(credential: Credential, company_id: str | None, required: bool) -> list[str]:
    """The companies a request may touch; `required` when the operation takes company_id."""
    if company_id is not None:
        if company_id not in credential.company_ids:
            raise forbidden(f"This credential has no access to company {company_id}.")
        return [company_id]
    if required and len(credential.company_ids) > 1:
        raise ApiError(
            400, "COMPANY_ID_REQUIRED", "This credential covers several companies: pass company_id."
        )
    return list(credential.company_ids)
