"""The one way through for every operation of every API the sandbox serves.

route -> (injected fault) -> guard (who calls) -> validate the request -> handle ->
check the answer against the spec -> tell observers (the journal) -> answer.

Each API is a Pipeline over its operation table; they differ only in their guard, in which
of their operations faults reach, and in who observes them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.credentials import Credential
from ..domain.errors import DomainError
from ..errors import ToolError
from ..faults import Fault, FaultScope
from ..validation import RequestInvalid, Violation
from . import errors, lenient
from .answer import Answer, json_answer
from .call import JSON_TYPE, Call, Handler, Reply
from .faults import call_info, dropped, faulty
from .operations import Endpoint, OperationTable
from .request import RequestRecord
from .settings import HttpSettings

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from ..sandbox import Sandbox
    from ..scenarios.seed import SeededSandbox
    from ..spec.model import Operation

log = logging.getLogger("pleo_export_mock.http")
LOST_ANSWER = ("drop", "ambiguous_commit")  # faults after which the client sees no answer

Guard = Callable[["RequestRecord", "SeededSandbox", "Operation"], Credential]
# Headers every answer of an operation carries, whatever the outcome (deprecation notices).
OperationHeaders = Callable[["Operation", str], Mapping[str, str]]
# Refuses (raises ApiError) a routed call before anything else happens to it.
Gate = Callable[["Operation", "Sandbox"], None]


class ResponseContractError(AssertionError):
    """The sandbox answered something its own spec does not allow: a bug in the sandbox."""


@dataclass(slots=True)
class Exchange:
    """One request and its answer, as observers (the journal) see it."""

    request: RequestRecord
    sandbox_time: datetime  # sandbox clock when the request arrived
    operation_id: str | None = None  # None: no such route
    path_params: Mapping[str, Any] = field(default_factory=dict)
    credential: Credential | None = None
    status: int = 0  # 0: the client got no answer (an injected fault)
    body: Any = None
    media_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    request_violations: list[Violation] = field(default_factory=list)
    response_violations: list[Violation] = field(default_factory=list)
    fault: Fault | None = None  # an injected fault, when one was chosen for this call
    payload: bytes = b""  # the response body as sent, or as it would have been

    @property
    def wall_time(self) -> float:
        return self.request.wall_time


Observer = Callable[[Exchange], None]
BodyReader = Callable[[Any], object]  # reads a request body; raises to refuse it


class Pipeline:
    def __init__(
        self,
        name: str,
        table: OperationTable,
        handlers: dict[str, Handler],
        settings: HttpSettings,
        *,
        guard: Guard | None = None,
        faults: FaultScope | None = None,  # None: no injected fault reaches this API
        operation_headers: OperationHeaders | None = None,
        gate: Gate | None = None,
        readers: Mapping[str, Handler] | None = None,  # handlers that change no state
        explainers: Mapping[str, BodyReader] | None = None,  # see _refusal
    ) -> None:
        table.require_handlers(handlers, name)
        self.name = name
        self.table = table
        self.handlers = handlers  # looked up per call: a test may patch one
        self.settings = settings
        self.guard = guard
        self.faults = faults
        self.operation_headers = operation_headers
        self.gate = gate
        self.readers = readers or {}
        self.explainers = explainers or {}
        self.observers: list[Observer] = []

    def __call__(self, request: RequestRecord, sandbox: Sandbox) -> WSGIApplication:
        exchange = Exchange(request, sandbox.now())
        reply = self._answer(exchange, sandbox)
        if self.operation_headers is not None and exchange.operation_id is not None:
            operation = self.table.endpoints[exchange.operation_id].operation
            exchange.headers.update(self.operation_headers(operation, request.path))
        exchange.status, exchange.body = reply.status, reply.body
        if reply.headers:
            exchange.headers.update(reply.headers)
        exchange.media_type = reply.media_type
        response = to_response(reply, exchange.headers)
        exchange.payload = response.get_data()
        if exchange.fault is None:
            exchange.response_violations = self._check_answer(exchange)
        elif exchange.fault.kind in LOST_ANSWER:
            exchange.status = 0
        for observer in self.observers:
            observer(exchange)  # the journal records even an answer that breaks our spec
        self._report_violations(exchange)
        if exchange.status == 0:
            return dropped()
        return response if exchange.fault is None else faulty(response, exchange.fault)

    def _answer(self, exchange: Exchange, sandbox: Sandbox) -> Reply:
        """The handler's reply, an injected fault's, or a refusal's."""
        request = exchange.request
        try:
            if request.missing_host:
                raise errors.missing_host()
            endpoint, exchange.path_params = self.table.match(request.method, request.path)
            exchange.operation_id = endpoint.operation.operation_id
            if self.gate is not None:
                self.gate(endpoint.operation, sandbox)
            exchange.fault = self._choose_fault(exchange, sandbox)
            return self._serve(exchange, endpoint, sandbox)
        except errors.ApiError as refusal:
            exchange.headers = refusal.headers
            exchange.request_violations = refusal.violations
            return Reply(refusal.status, refusal.body())

    def _choose_fault(self, exchange: Exchange, sandbox: Sandbox) -> Fault | None:
        plan, scope = sandbox.faults, self.faults
        if scope is None or not plan.active:  # the common case: nothing to match
            return None
        operation_id = str(exchange.operation_id)
        if not scope.covers(operation_id):
            return None
        info = call_info(exchange.request, operation_id, exchange.path_params, scope.wildcard)
        return plan.choose(info)

    def _serve(self, exchange: Exchange, endpoint: Endpoint, sandbox: Sandbox) -> Reply:
        """Handle the request, unless an injected fault answers in its place."""
        fault = exchange.fault
        if fault is not None and not fault.applies_request:
            if fault.kind == "status":
                raise errors.injected(fault)
            return Reply(0)  # dropped before anything happened
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        return self._handle(exchange, endpoint, sandbox)

    def _handle(self, exchange: Exchange, endpoint: Endpoint, sandbox: Sandbox) -> Reply:
        request, operation = exchange.request, endpoint.operation
        handler = self.handlers[operation.operation_id]
        # A reader as shipped, not one a test patched in, leaves the state as it found it.
        reads_only = self.readers.get(operation.operation_id) is handler
        state = sandbox.read_state() if reads_only else sandbox.state
        if self.guard is not None:
            exchange.credential = self.guard(request, state, operation)
        if request.too_large and operation.takes_body:  # elsewhere a body means nothing
            raise errors.payload_too_large(self.settings.max_body_bytes)
        try:
            parsed = endpoint.request.parse(
                exchange.path_params,
                request.query,
                request.headers,
                request.content_type,
                request.raw_body,
                lenient.as_validated(operation.operation_id, request.json, self.settings),
            )
        except RequestInvalid as invalid:
            raise self._refusal(operation.operation_id, request.json, invalid) from None
        call = Call(
            sandbox,
            state,
            request,
            operation,
            parsed.params,
            parsed.body,
            exchange.credential,
            self.settings,
        )
        try:
            return handler(call)
        except (DomainError, ToolError) as refusal:
            raise errors.from_refusal(refusal) from None

    def _refusal(self, operation_id: str, body: Any, invalid: RequestInvalid) -> errors.ApiError:
        """The spec's refusal of a request. Where the sandbox reads the body with a reader of
        its own (a fault rule, a scenario's name), and that reader refuses it too, the client
        gets the reader's words: they name the place and the nearest real choice, where a
        schema's `oneOf` can only say that no branch fits."""
        explain = self.explainers.get(operation_id)
        if explain is not None and invalid.status == 400:
            try:
                explain(body)
            except (DomainError, ToolError) as refusal:
                return errors.explained(refusal, invalid)
        return errors.from_invalid_request(invalid)

    def _check_answer(self, exchange: Exchange) -> list[Violation]:
        if exchange.operation_id is None or exchange.media_type != JSON_TYPE:
            return []
        endpoint = self.table.endpoints[exchange.operation_id]
        return endpoint.response.validate(exchange.status, exchange.body, exchange.payload)

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


def to_response(reply: Reply, headers: dict[str, str] | None = None) -> Answer:
    """Compact JSON in Pleo's media type, text or bytes as they are, no body when there is none."""
    if reply.body is None or reply.status == 0:
        return Answer(reply.status or 200, headers=headers)  # no body, so no media type
    if reply.media_type != JSON_TYPE:  # text, or a file's bytes (receipts)
        body = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
        return Answer(reply.status, body, reply.media_type, headers)
    return json_response(reply.status, reply.body, headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    """Compact JSON in Pleo's media type."""
    return json_answer(status, body, JSON_TYPE, headers)
