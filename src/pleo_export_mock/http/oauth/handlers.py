"""Handlers of the authorization server's operations (openapi/oauth.yaml)."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.oauth2 import OAuth2Error
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ...domain.credentials import ALL_SCOPES
from ..call import Call, Handler, Reply
from ..errors import oauth_payload_too_large, oauth_unquotable_parameter
from .models import CLIENT_AUTH_METHOD, Client
from .server import SandboxAuthorizationServer, SandboxRequest

HTML_TYPE = "text/html; charset=utf-8"


def server_for(call: Call) -> SandboxAuthorizationServer:
    """authlib's server over the state this call found, on the sandbox clock."""
    revoke = call.state.store.policy.revoke_grant_on_refresh_replay
    return SandboxAuthorizationServer(call.state.oauth, call.sandbox.now, revoke_on_replay=revoke)


class Consent:
    """The company admin who approved: authlib only needs someone to have said yes."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get_user_id(self) -> str:
        return self.client.record.company_ids[0]


def protocol(handler: Handler) -> Handler:
    """An OAuth operation whose refusals authlib builds; one it cannot build becomes ours.

    authlib quotes parameters in its error descriptions and refuses to build one whose
    characters RFC 6749 forbids there (a `"` in response_type, say). A body over the size
    limit was never read: authlib would take it for an empty form, so it is refused first."""

    def answer(call: Call) -> Reply:
        if call.request.too_large and call.operation.body_required:
            return Reply(*oauth_payload_too_large(call.settings.max_body_bytes))
        try:
            return handler(call)
        except ValueError as problem:
            if not str(problem).startswith(UNQUOTABLE):
                raise
            return Reply(*oauth_unquotable_parameter())

    return answer


UNQUOTABLE = "Error description contains forbidden characters"


def authorize(call: Call) -> Reply:
    """Without a browser: approve at once and redirect with code and state. With one: ask."""
    server = server_for(call)
    request = SandboxRequest(call.request)
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        return server.handle_error_response(request, error)  # type: ignore[no-any-return]
    if call.request.method == "GET" and _wants_html(call):
        return Reply(200, consent_page(grant.client, request.payload.data), HTML_TYPE)
    approved = request.form.get("decision", "approve") == "approve"
    denied = not approved or call.state.oauth.take_denial()
    user = None if denied else Consent(grant.client)
    reply: Reply = server.create_authorization_response(request, grant_user=user, grant=grant)
    if user is not None and call.state.oauth.take_forgery():
        return forged(reply)
    return reply


def forged(reply: Reply) -> Reply:
    """The redirect as an attacker would send it: a valid code, but a state not the client's.

    A connector that checks `state` (RFC 6749 section 10.12) never exchanges this code."""
    headers = dict(reply.headers or {})
    location = urlsplit(headers["Location"])
    query = [(k, "forged-" + v if k == "state" else v) for k, v in parse_qsl(location.query)]
    headers["Location"] = urlunsplit(location._replace(query=urlencode(query)))
    return replace(reply, headers=headers)


def _wants_html(call: Call) -> bool:
    # A browser names text/html; a script sends nothing, */* or JSON, and gets the redirect.
    accept = parse_accept_header(call.request.headers.get("Accept"), MIMEAccept)
    return any(value == "text/html" and quality > 0 for value, quality in accept)


def consent_page(client: Client, params: dict[str, str]) -> str:
    """A small page that asks the admin, and posts the request back with the answer."""
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
    )
    record = client.record
    scopes = html.escape(params.get("scope") or " ".join(sorted(record.scopes)))
    name = html.escape(record.label or record.client_id)
    return (
        "<!doctype html><html><head><title>Pleo sandbox: authorize</title></head><body>"
        f"<h1>{name} asks for access</h1><p>Scopes: {scopes}</p>"
        f'<form method="post" action="/oauth/authorize">{hidden}'
        '<button name="decision" value="approve">Approve</button> '
        '<button name="decision" value="deny">Deny</button></form></body></html>'
    )


def token(call: Call) -> Reply:
    server = server_for(call)
    return server.create_token_response(SandboxRequest(call.request))  # type: ignore[no-any-return]


def introspect(call: Call) -> Reply:
    server = server_for(call)
    request = SandboxRequest(call.request)
    return server.create_endpoint_response("introspection", request)  # type: ignore[no-any-return]


def revoke(call: Call) -> Reply:
    server = server_for(call)
    request = SandboxRequest(call.request)
    return server.create_endpoint_response("revocation", request)  # type: ignore[no-any-return]


def metadata(call: Call) -> Reply:
    """RFC 8414 metadata: a sandbox addition, Pleo publishes none."""
    base = call.request.host_url.rstrip("/")
    document: dict[str, Any] = {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "introspection_endpoint": f"{base}/oauth/token/introspect",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [CLIENT_AUTH_METHOD],
        "introspection_endpoint_auth_methods_supported": [CLIENT_AUTH_METHOD],
        "revocation_endpoint_auth_methods_supported": [CLIENT_AUTH_METHOD],
        "scopes_supported": list(ALL_SCOPES),
    }
    return Reply(200, document)


OAUTH_HANDLERS: dict[str, Handler] = {
    "authorize": protocol(authorize),
    "approve": protocol(authorize),
    "token": protocol(token),
    "introspectToken": protocol(introspect),
    "revokeToken": protocol(revoke),
    "getAuthorizationServerMetadata": metadata,
}
