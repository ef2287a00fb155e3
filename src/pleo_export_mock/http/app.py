"""The WSGI application: read the request once, then hand it to the pipeline that serves it.

`/_mock/...` is the control plane (Pleo's side), `/v0/`, `/v1/` and `/v2/` the older Export API
versions, `/v1/subscriptions` Pleo's Webhook Subscriptions API, `/oauth/...` the authorization
server, `/openapi.json`, `/openapi-v0-v2.json`, `/openapi-webhook-subscriptions.json`,
`/oauth/openapi.json` and `/_mock/openapi.json` the specs, everything else is the Export API v3.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..faults import EVERY_OPERATION, OAUTH_OPERATIONS, RECEIPT_DOWNLOADS
from ..spec import Spec, load_spec, shipped_spec
from .auth import CredentialCheck
from .call import Handler
from .control import CONTROL_HANDLERS
from .handlers import HANDLERS
from .index import control_plane_spec
from .oauth import OAUTH_HANDLERS
from .operations import OperationTable
from .pipeline import Observer, Pipeline, json_response
from .receipts import RECEIPT_HANDLERS
from .request import read_request
from .settings import HttpSettings
from .versions import (
    LEGACY_HANDLERS,
    LEGACY_PREFIXES,
    deprecation_headers,
    legacy_spec,
    require_pinned_version,
)
from .webhooks import SUBSCRIPTION_HANDLERS, SUBSCRIPTIONS_PREFIX, subscriptions_spec

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..sandbox import Sandbox

CONTROL_PREFIX = "/_mock"
FILES_PREFIX = "/files/"  # receipt files behind signed links (openapi/receipts.yaml)
# The authorization server (openapi/oauth.yaml): Pleo's paths, and RFC 8414's for discovery.
OAUTH_PREFIXES = ("/oauth/", "/.well-known/oauth-authorization-server")


class SandboxApp:
    """The sandbox over HTTP: the Export API, its control plane and both specs, as one WSGI app.

    `spec` and `handlers` default to ours; `settings` holds the HTTP-side switches.
    Observers (the journal's recorder) see every Export API exchange, refused ones included.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        spec: Spec | None = None,
        settings: HttpSettings | None = None,
        handlers: dict[str, Handler] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.spec = spec or load_spec()
        self.settings = settings or HttpSettings()
        guard = CredentialCheck(accept_raw_api_key=self.settings.accept_raw_api_key)
        headers = deprecation_headers if self.settings.deprecation_headers else None
        self.api = Pipeline(
            "Export API",
            OperationTable.of(self.spec),
            dict(handlers or HANDLERS),  # patching one app leaves others alone
            self.settings,
            guard=guard,
            faults=EVERY_OPERATION,
            operation_headers=headers,
            gate=require_pinned_version,
        )
        # v0-v2: the same guard, faults and journal over the same state, as another face.
        self.legacy_spec = legacy_spec()
        self.legacy = Pipeline(
            "Export API v0-v2",
            OperationTable.of(self.legacy_spec),
            dict(LEGACY_HANDLERS),
            self.settings,
            guard=guard,
            faults=EVERY_OPERATION,
            operation_headers=headers,
            gate=require_pinned_version,
        )
        self.legacy.observers = self.api.observers  # one journal, whatever the version
        # Webhook subscriptions: the same guard and journal; its own spec and handlers.
        self.subscriptions_spec = subscriptions_spec()
        self.subscriptions = Pipeline(
            "Webhook Subscriptions API",
            OperationTable.of(self.subscriptions_spec),
            dict(SUBSCRIPTION_HANDLERS),
            self.settings,
            guard=guard,
        )
        self.subscriptions.observers = self.api.observers
        control_spec = control_plane_spec()
        self.control = Pipeline(
            "control-plane",
            OperationTable.of(control_spec),
            dict(CONTROL_HANDLERS),
            self.settings,
        )
        # Receipt downloads: journaled (the bytes as a note), faulted by rules that name them.
        self.files = Pipeline(
            "receipt files",
            OperationTable.of(shipped_spec("receipts.yaml")),
            dict(RECEIPT_HANDLERS),
            self.settings,
            faults=RECEIPT_DOWNLOADS,
        )
        self.files.observers = self.api.observers
        oauth_spec = shipped_spec("oauth.yaml")
        # Faults reach its back channel (token, introspection, revocation) when a rule names it.
        self.oauth = Pipeline(
            "OAuth",
            OperationTable.of(oauth_spec),
            dict(OAUTH_HANDLERS),
            self.settings,
            faults=OAUTH_OPERATIONS,
        )
        self.oauth.observers = self.api.observers  # the verifier judges how a connector signs in
        self._prefixes = (
            ((CONTROL_PREFIX + "/",), self.control),
            ((SUBSCRIPTIONS_PREFIX,), self.subscriptions),  # before /v1/, the Export API v1
            (OAUTH_PREFIXES, self.oauth),
            (LEGACY_PREFIXES, self.legacy),
            ((FILES_PREFIX,), self.files),
        )
        self.documents = {
            "/openapi.json": self.spec.document,
            f"{CONTROL_PREFIX}/openapi.json": control_spec.document,
            "/openapi-v0-v2.json": self.legacy_spec.document,
            "/openapi-webhook-subscriptions.json": self.subscriptions_spec.document,
            "/oauth/openapi.json": oauth_spec.document,
        }

    @property
    def handlers(self) -> dict[str, Handler]:
        """The Export API's handlers by operationId; replace one to make the sandbox misbehave."""
        return self.api.handlers

    @property
    def observers(self) -> list[Observer]:
        return self.api.observers

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ, self.settings.max_body_bytes)
        document = self.documents.get(request.path)
        if document is not None:
            return json_response(200, document)(environ, start_response)
        return self._pipeline_for(request.path)(request, self.sandbox)(environ, start_response)

    def _pipeline_for(self, path: str) -> Pipeline:
        """Which API a path belongs to; the Export API v3 takes whatever no other claims."""
        if path in ("/", CONTROL_PREFIX):  # `/` is the control plane's too: where to start
            return self.control
        for prefixes, pipeline in self._prefixes:
            if path.startswith(prefixes):
                return pipeline
        return self.api
