"""The WSGI application: route -> authenticate -> validate -> handle -> serialize -> validate."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request, Response

from ..domain.credentials import Credential
from ..domain.errors import DomainError
from ..errors import SpecError
from ..faults import Fault
from ..spec import Spec, load_spec
from ..spec.routing import build_url_map
from ..validation import RequestInvalid, RequestValidator, ResponseValidator, Violation
from . import errors
from .auth import Authenticator, require_scopes
from .faults import call_info, dropped, error_for, faulty
from .handlers import HANDLERS, Call, Handler, Reply
from .settings import HttpSettings

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from ..sandbox import Sandbox

log = logging.getLogger("pleo_export_mock.http")
JSON_TYPE = "application/json;charset=UTF-8"


class ResponseContractError(AssertionError):
    """The sandbox answered something its own spec does not allow: a bug in the sandbox."""


@dataclass
class Exchange:
    """One request and its answer, as observers (the journal) see it."""

    request: Request
    wall_time: float  # time.time() when the request arrived
    sandbox_time: datetime  # sandbox clock when the request arrived
    operation_id: str | None = None
    path_params: Mapping[str, Any] = field(default_factory=dict)
    credential: Credential | None = None
    status: int = 0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    request_violations: list[Violation] = field(default_factory=list)
    response_violations: list[Violation] = field(default_factory=list)
    fault: Fault | None = None  # an injected fault, when one was chosen for this call


Observer = Callable[[Exchange], None]


class SandboxApp:
    def __init__(
        self,
        sandbox: Sandbox,
        spec: Spec | None = None,
        settings: HttpSettings | None = None,
        handlers: dict[str, Handler] | None = None,
        extra_routes: Callable[[Request], Response | None] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.spec = spec or load_spec()
        self.settings = settings or HttpSettings()
        self.handlers = dict(handlers or HANDLERS)  # patching one app leaves others alone
        missing = sorted(set(self.spec.operations) - set(self.handlers))
        if missing:
            raise SpecError(f"operations without a handler: {', '.join(missing)}")
        self.url_map = build_url_map(self.spec.operations.values())
        # No rule depends on the host, so one adapter serves every request.
        self._routes = self.url_map.bind("sandbox")
        self.request_validators = {i: RequestValidator(o) for i, o in self.spec.operations.items()}
        self.response_validators = {
            i: ResponseValidator(o) for i, o in self.spec.operations.items()
        }
        self.extra_routes = extra_routes
        self.observers: list[Observer] = []
        self._authenticated: tuple[Any, Authenticator] | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.settings.max_body_bytes
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> WSGIApplication:
        if self.extra_routes is not None:
            extra = self.extra_routes(request)
            if extra is not None:
                return extra
        exchange = Exchange(request, time.time(), self.sandbox.now())
        try:
            exchange.operation_id, exchange.path_params = self._route(request)
            exchange.fault = self._choose_fault(request, exchange)
            reply = self._serve(request, exchange)
        except errors.ApiError as refusal:
            reply = Reply(refusal.status, refusal.body())
            exchange.headers = refusal.headers
            exchange.request_violations = refusal.violations
        exchange.status, exchange.body = reply.status, reply.body
        if exchange.fault is None:
            exchange.response_violations = self._validate_response(exchange.operation_id, reply)
        elif exchange.fault.kind in ("drop", "ambiguous_commit"):
            exchange.status = 0  # the client never sees an answer
        for observer in self.observers:
            observer(exchange)  # the journal records even an answer that breaks our spec
        self._report_violations(exchange)
        if exchange.status == 0:
            return dropped()
        response = json_response(reply.status, reply.body, exchange.headers)
        return response if exchange.fault is None else faulty(response, exchange.fault)

    def _choose_fault(self, request: Request, exchange: Exchange) -> Fault | None:
        plan = self.sandbox.faults
        if not plan.active:  # the common case: no body parsing, no locking
            return None
        operation_id = str(exchange.operation_id)
        return plan.choose(call_info(request, operation_id, exchange.path_params))

    def _serve(self, request: Request, exchange: Exchange) -> Reply:
        """Handle the request, unless an injected fault answers in its place."""
        fault = exchange.fault
        if fault is not None and not fault.applies_request:
            if fault.kind == "status":
                raise error_for(fault)
            return Reply(0)  # dropped before anything happened
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        return self._handle(request, exchange)

    def _route(self, request: Request) -> tuple[str, Mapping[str, Any]]:
        return route(self._routes, request)

    def _handle(self, request: Request, exchange: Exchange) -> Reply:
        operation_id = str(exchange.operation_id)
        operation = self.spec.operations[operation_id]
        state = self.sandbox.state
        credential = self._authenticator(state).authenticate(request.headers.get("Authorization"))
        exchange.credential = credential
        require_scopes(credential, operation.scopes, operation_id)
        try:
            raw_body = request.get_data(cache=True)
            parsed = self.request_validators[operation_id].parse(
                exchange.path_params, request.args, request.headers, request.content_type, raw_body
            )
        except RequestEntityTooLarge:
            raise errors.payload_too_large(self.settings.max_body_bytes) from None
        except RequestInvalid as invalid:
            raise errors.from_invalid_request(invalid) from None
        call = Call(state.store, credential, operation, parsed.params, parsed.body, self.settings)
        try:
            return self.handlers[operation_id](call)
        except DomainError as refusal:
            raise errors.from_domain(refusal) from None

    def _authenticator(self, state: Any) -> Authenticator:
        # One per loaded scenario: a reset or a new scenario brings a new state object.
        cached = self._authenticated
        if cached is None or cached[0] is not state:
            authenticator = Authenticator(
                state.credentials, accept_raw_api_key=self.settings.accept_raw_api_key
            )
            cached = self._authenticated = (state, authenticator)
        return cached[1]

    def _validate_response(self, operation_id: str | None, reply: Reply) -> list[Violation]:
        if operation_id is None:
            return []
        return self.response_validators[operation_id].validate(reply.status, reply.body)

    def _report_violations(self, exchange: Exchange) -> None:
        """A response that breaks our own spec is a sandbox bug: raise it (tests) or log it."""
        if not exchange.response_violations:
            return
        report = f"{exchange.operation_id} answered {exchange.status} against the spec: " + (
            "; ".join(map(str, exchange.response_violations))
        )
        if self.settings.response_violations == "raise":
            raise ResponseContractError(report)
        log.error(report)


def route(routes: MapAdapter, request: Request) -> tuple[str, Mapping[str, Any]]:
    """The operation a request names, or Pleo-shaped 404 / 405 (with Allow)."""
    try:
        operation_id, path_args = routes.match(request.path, request.method)
    except NotFound:
        raise errors.not_found(request.path) from None
    except MethodNotAllowed as exc:
        allowed = list(exc.valid_methods or [])
        raise errors.method_not_allowed(request.method, request.path, allowed) from None
    return str(operation_id), path_args


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """Compact JSON in Pleo's media type; no body at all when there is none (202)."""
    if body is None:
        return Response(status=status, headers=headers)
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return Response(payload, status=status, headers=headers, content_type=JSON_TYPE)
