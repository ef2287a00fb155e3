"""The WSGI application: read the request once, then hand it to the pipeline that serves it.

`/_mock/...` is the control plane (Pleo's side), `/v0/`, `/v1/` and `/v2/` the older Export API
versions, `/v1/subscriptions` Pleo's Webhook Subscriptions API, `/oauth/...` the authorization
server, `/openapi.json`, `/openapi-v0-v2.json`, `/openapi-webhook-subscriptions.json`,
`/oauth/openapi.json` and `/_mock/openapi.json` the specs, everything else is the Export API v3.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..faults import EVERY_OPERATION, OAUTH_OPERATIONS, RECEIPT_DOWNLOADS
from ..spec import Spec, load_spec, shipped_spec
from .auth import CredentialCheck
from .call import Handler
from .control import BODY_READERS, CONTROL_HANDLERS
from .handlers import HANDLERS, READERS
from .index import control_plane_spec
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
OAUTH_SPEC = "oauth.yaml"
RECEIPTS_SPEC = "receipts.yaml"


class SandboxApp:
    """The sandbox over HTTP: the Export API, its control plane and both specs, as one WSGI app.

    `spec` and `handlers` default to ours; `settings` holds the HTTP-side switches.
    Observers (the journal's recorder) see every Export API exchange, refused ones included.

    The Export API and the control plane are built at once; the other APIs on their first
    request (or first look at their attribute): the OAuth server imports authlib and the
    v0-v2 spec is the largest, and `serve` answers its first request sooner without them.
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
        self._guard = CredentialCheck(accept_raw_api_key=self.settings.accept_raw_api_key)
        self._headers = deprecation_headers if self.settings.deprecation_headers else None
        self.api = Pipeline(
            "Export API",
            OperationTable.of(self.spec),
            dict(handlers or HANDLERS),  # patching one app leaves others alone
            self.settings,
            guard=self._guard,
            faults=EVERY_OPERATION,
            operation_headers=self._headers,
            gate=require_pinned_version,
            readers=READERS,
        )
        self.control = Pipeline(
            "control-plane",
            OperationTable.of(control_plane_spec()),
            dict(CONTROL_HANDLERS),
            self.settings,
            explainers=BODY_READERS,
        )
        self._later = LaterPipelines(
            {
                "legacy": self._legacy,
                "subscriptions": self._subscriptions,
                "oauth": self._oauth,
                "files": self._files,
            }
        )
        self._prefixes = (
            ((CONTROL_PREFIX + "/",), "control"),
            ((SUBSCRIPTIONS_PREFIX,), "subscriptions"),  # before /v1/, the Export API v1
            (OAUTH_PREFIXES, "oauth"),
            (LEGACY_PREFIXES, "legacy"),
            ((FILES_PREFIX,), "files"),
        )
        # Each spec is served by the pipeline that uses it, so the two never differ.
        self._documents = {
            "/openapi.json": "api",
            f"{CONTROL_PREFIX}/openapi.json": "control",
            "/openapi-v0-v2.json": "legacy",
            "/openapi-webhook-subscriptions.json": "subscriptions",
            "/oauth/openapi.json": "oauth",
        }

    def _legacy(self) -> Pipeline:
        """v0-v2: the same guard, faults and journal over the same state, as another face."""
        legacy = Pipeline(
            "Export API v0-v2",
            OperationTable.of(legacy_spec()),
            dict(LEGACY_HANDLERS),
            self.settings,
            guard=self._guard,
            faults=EVERY_OPERATION,
            operation_headers=self._headers,
            gate=require_pinned_version,
        )
        legacy.observers = self.api.observers  # one journal, whatever the version
        return legacy

    def _subscriptions(self) -> Pipeline:
        """Webhook subscriptions: the same guard and journal; its own spec and handlers."""
        subscriptions = Pipeline(
            "Webhook Subscriptions API",
            OperationTable.of(subscriptions_spec()),
            dict(SUBSCRIPTION_HANDLERS),
            self.settings,
            guard=self._guard,
        )
        subscriptions.observers = self.api.observers
        return subscriptions

    def _oauth(self) -> Pipeline:
        from .oauth import OAUTH_HANDLERS  # authlib: paid by the first OAuth request

        table = OperationTable.of(shipped_spec(OAUTH_SPEC))
        # Faults reach its back channel (token, introspection, revocation) when a rule names it.
        oauth = Pipeline(
            "OAuth", table, dict(OAUTH_HANDLERS), self.settings, faults=OAUTH_OPERATIONS
        )
        oauth.observers = self.api.observers  # the verifier judges how a connector signs in
        return oauth

    def _files(self) -> Pipeline:
        """Receipt downloads: journaled (the bytes as a note), faulted by rules that name them."""
        table = OperationTable.of(shipped_spec(RECEIPTS_SPEC))
        files = Pipeline(
            "receipt files", table, dict(RECEIPT_HANDLERS), self.settings, faults=RECEIPT_DOWNLOADS
        )
        files.observers = self.api.observers
        return files

    @property
    def legacy(self) -> Pipeline:
        return self._later.get("legacy")

    @property
    def subscriptions(self) -> Pipeline:
        return self._later.get("subscriptions")

    @property
    def oauth(self) -> Pipeline:
        return self._later.get("oauth")

    @property
    def files(self) -> Pipeline:
        return self._later.get("files")

    @property
    def legacy_spec(self) -> Spec:
        return self.legacy.table.spec

    @property
    def subscriptions_spec(self) -> Spec:
        return self.subscriptions.table.spec

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        """Every spec the app serves, by the path it is served at."""
        return {
            path: self._pipeline(name).table.spec.document for path, name in self._documents.items()
        }

    def _pipeline(self, name: str) -> Pipeline:
        if name == "api":
            return self.api
        return self.control if name == "control" else self._later.get(name)

    @property
    def handlers(self) -> dict[str, Handler]:
        """The Export API's handlers by operationId; replace one to make the sandbox misbehave."""
        return self.api.handlers

    @property
    def observers(self) -> list[Observer]:
        return self.api.observers

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ, self.settings.max_body_bytes)
        served = self._documents.get(request.path)
        if served is not None:
            document = self._pipeline(served).table.spec.document
            return json_response(200, document)(environ, start_response)
        return self._pipeline_for(request.path)(request, self.sandbox)(environ, start_response)

    def _pipeline_for(self, path: str) -> Pipeline:
        """Which API a path belongs to; the Export API v3 takes whatever no other claims."""
        if path in ("/", CONTROL_PREFIX):  # `/` is the control plane's too: where to start
            return self.control
        for prefixes, name in self._prefixes:
            if path.startswith(prefixes):
                return self._pipeline(name)
        return self.api


class LaterPipelines:
    """Pipelines built on first use, once, by whichever thread asks first.

    A pipeline is published only when whole, so a request racing its building waits for it
    rather than seeing part of it.
    """

    def __init__(self, builders: dict[str, Callable[[], Pipeline]]) -> None:
        self._builders = builders
        self._built: dict[str, Pipeline] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Pipeline:
        found = self._built.get(name)
        if found is None:
            with self._lock:
                found = self._built.get(name)
                if found is None:
                    found = self._built[name] = self._builders[name]()
        return found
