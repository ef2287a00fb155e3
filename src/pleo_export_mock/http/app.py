"""The WSGI application: read the request once, then hand it to the pipeline that serves it.

`/_mock/...` is the control plane (Pleo's side), `/openapi.json` and `/_mock/openapi.json`
are the two specs, everything else is the Export API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..spec import Spec, load_spec
from .auth import CredentialCheck
from .call import Handler
from .control import CONTROL_HANDLERS
from .handlers import HANDLERS
from .index import control_plane_spec
from .operations import OperationTable
from .pipeline import Observer, Pipeline, json_response
from .request import read_request
from .settings import HttpSettings

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..sandbox import Sandbox

CONTROL_PREFIX = "/_mock"


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
        self.api = Pipeline(
            "Export API",
            OperationTable.of(self.spec),
            dict(handlers or HANDLERS),  # patching one app leaves others alone
            self.settings,
            guard=guard,
            faults=True,
        )
        control_spec = control_plane_spec()
        self.control = Pipeline(
            "control-plane",
            OperationTable.of(control_spec),
            dict(CONTROL_HANDLERS),
            self.settings,
        )
        self.documents = {
            "/openapi.json": self.spec.document,
            f"{CONTROL_PREFIX}/openapi.json": control_spec.document,
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
        # `/` is the control plane's too: the index, where to start.
        is_control = request.path in ("/", CONTROL_PREFIX) or request.path.startswith(
            CONTROL_PREFIX + "/"
        )
        pipeline = self.control if is_control else self.api
        return pipeline(request, self.sandbox)(environ, start_response)
