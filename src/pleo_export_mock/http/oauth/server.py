"""The authorization server: authlib's OAuth 2.0 machinery over the sandbox's records.

authlib does the protocol (request checks, PKCE, client authentication, error answers);
this module says where clients, codes and tokens live, and turns authlib's answers into
the pipeline's Replies. One server is made per call, over the state that call found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2 import rfc6749, rfc7009, rfc7636, rfc7662
from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Payload, OAuth2Request

from ...domain.oauth import AuthorizationCode, OAuthState
from ..call import JSON_TYPE, Reply
from ..request import RequestRecord
from .models import CLIENT_AUTH_METHOD, Access, Client, Code, Owner, Refresh
from .tokens import SandboxTokenGenerator, decode, introspection, opaque

Now = Callable[[], datetime]
FORM_TYPE = "application/x-www-form-urlencoded"


class _Payload(OAuth2Payload):  # type: ignore[misc]
    """Query and form parameters together, as RFC 6749 reads them."""

    def __init__(self, values: list[tuple[str, str]]) -> None:
        self._values = values

    @property
    def data(self) -> dict[str, str]:
        return dict(self._values)

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        grouped: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in self._values:
            grouped[key].append(value)
        return grouped


class SandboxRequest(OAuth2Request):  # type: ignore[misc]
    """A RequestRecord as authlib reads a request."""

    def __init__(self, record: RequestRecord) -> None:
        # The sandbox serves plain HTTP on any address by design: authlib's check that a
        # production server sits behind TLS does not apply, so it is shown an https URL.
        super().__init__(
            record.method, f"https://{record.host}{record.full_path}", None, record.headers
        )
        self._args = dict(record.query.items(multi=False))
        self._form = dict(_form_fields(record))
        self.payload = _Payload([*record.query.items(multi=True), *self._form.items()])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _form_fields(record: RequestRecord) -> list[tuple[str, str]]:
    if record.method != "POST" or not (record.content_type or "").startswith(FORM_TYPE):
        return []
    return parse_qsl(record.raw_body.decode("utf-8", "replace"), keep_blank_values=True)


class S256Only(rfc7636.CodeChallenge):  # type: ignore[misc]
    """PKCE as Pleo requires it: every authorization request carries an S256 challenge."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ("S256",)
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: Code) -> str:
        return authorization_code.record.challenge

    def get_authorization_code_challenge_method(self, authorization_code: Code) -> str:
        return authorization_code.record.challenge_method


class CodeGrant(rfc6749.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = (CLIENT_AUTH_METHOD,)
    server: SandboxAuthorizationServer

    def generate_authorization_code(self) -> str:
        return opaque(self.server.state, "code-")

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        state, data = self.server.state, request.payload.data
        client: Client = request.client
        scope = client.get_allowed_scope(request.payload.scope)  # none asked: all it may have
        grant = state.new_grant(client.record, frozenset(scope.split()))
        lifetime = timedelta(seconds=state.lifetimes.code)
        state.add_code(
            AuthorizationCode(
                code,
                grant.id,
                request.payload.redirect_uri,
                scope,
                data.get("code_challenge", ""),
                data.get("code_challenge_method", ""),
                self.server.now() + lifetime,
            )
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        state = self.server.state
        record = state.codes.get(code)
        grant = None if record is None else state.grants.get(record.grant_id)
        if record is None or grant is None or grant.client_id != client.get_client_id():
            return None
        if record.used:  # RFC 6749 section 4.1.2: a code used twice ends what it granted
            state.revoke_grant(record.grant_id)
            return None
        if record.expires_at <= self.server.now() or state.live_grant(record.grant_id) is None:
            return None
        return Code(record)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        authorization_code.record.used = True  # kept, so that a second use can be told apart

    def authenticate_user(self, authorization_code: Code) -> Owner:
        return Owner(self.server.state.grant(authorization_code.record.grant_id))


class RotatingRefreshGrant(rfc6749.RefreshTokenGrant):  # type: ignore[misc]
    """Every refresh returns a new refresh token; the old one dies (Pleo's refresh how-to)."""

    TOKEN_ENDPOINT_AUTH_METHODS = (CLIENT_AUTH_METHOD,)
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: SandboxAuthorizationServer

    def authenticate_refresh_token(self, refresh_token: str) -> Refresh | None:
        state = self.server.state
        record = state.refresh_tokens.get(refresh_token)
        if record is None:
            return None
        token = Refresh(record, state, self.server.now())
        if record.rotated and self.server.revoke_on_replay:
            state.revoke_grant(record.grant_id)  # a replayed refresh token may be stolen
        if token.is_revoked() or token.is_expired():
            return None
        return token

    def authenticate_user(self, refresh_token: Refresh) -> Owner:
        return Owner(self.server.state.grant(refresh_token.record.grant_id))

    def revoke_old_credential(self, refresh_token: Refresh) -> None:
        refresh_token.record.rotated = True


def _query_token(server: SandboxAuthorizationServer, value: str) -> Access | Refresh | None:
    """Either kind of token by its value; the hint is only a hint (RFC 7009 section 2.1)."""
    record = server.state.refresh_tokens.get(value)
    if record is not None:
        return Refresh(record, server.state, server.now())
    decoded = decode(server.state, value)
    if decoded is None:
        return None
    return Access(decoded.record, decoded.claims, server.state, server.now())


class Revocation(rfc7009.RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = (CLIENT_AUTH_METHOD,)
    server: SandboxAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> Any:
        return _query_token(self.server, token_string)

    def revoke_token(self, token: Access | Refresh, request: OAuth2Request) -> None:
        if isinstance(token, Refresh):  # RFC 7009 section 2.1: and the grant's access tokens
            self.server.state.revoke_grant(token.record.grant_id)
        else:
            token.record.revoked = True


class Introspection(rfc7662.IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = (CLIENT_AUTH_METHOD,)
    server: SandboxAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> Any:
        return _query_token(self.server, token_string)

    def check_permission(self, token: Access | Refresh, client: Client, request: Any) -> bool:
        return bool(token.check_client(client))  # a client may look only at its own tokens

    def create_introspection_payload(self, token: Access | Refresh | None) -> dict[str, Any]:
        if not isinstance(token, Access):
            return {"active": False}  # Pleo's answer describes access tokens only
        return introspection(token.claims, active=not (token.is_expired() or token.is_revoked()))


class SandboxAuthorizationServer(rfc6749.AuthorizationServer):  # type: ignore[misc]
    """authlib's server over one sandbox state; `revoke_on_replay` is Policy's switch."""

    def __init__(self, state: OAuthState, now: Now, *, revoke_on_replay: bool = True) -> None:
        super().__init__(scopes_supported=None)
        self.state, self.now, self.revoke_on_replay = state, now, revoke_on_replay
        self.register_token_generator("default", SandboxTokenGenerator(state, now))
        self.register_grant(CodeGrant, [S256Only(required=True)])
        self.register_grant(RotatingRefreshGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)

    def query_client(self, client_id: str) -> Client | None:
        record = self.state.clients.get(client_id)
        return None if record is None else Client(record)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Nothing to do: the generator recorded both tokens as it made them."""

    def create_oauth2_request(self, request: RequestRecord | OAuth2Request) -> OAuth2Request:
        return request if isinstance(request, OAuth2Request) else SandboxRequest(request)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's hook for framework signals; the journal already sees every exchange."""

    def handle_response(self, status: int, body: Any, headers: Iterable[tuple[str, str]]) -> Reply:
        answer = dict(headers)
        answer.pop("Content-Type", None)  # the pipeline sets the media type
        if status == 302:
            return Reply(302, None, headers=answer)
        return Reply(status, body, JSON_TYPE, headers=answer)
