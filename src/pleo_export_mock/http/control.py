"""The /_mock control plane: Pleo's side of the sandbox over HTTP (openapi/control-plane.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from ..domain.clock import format_timestamp
from ..domain.errors import DomainError
from ..errors import SpecError, ToolError
from ..faults import FaultSpecError, parse_rules
from ..journal.export import to_har, to_ndjson
from ..spec import Spec, load_spec
from ..spec.loader import default_spec_path
from ..spec.routing import build_url_map
from ..validation import RequestInvalid, RequestValidator, ResponseValidator
from . import errors, serialize, state_view
from .app import ResponseContractError, json_response, route

if TYPE_CHECKING:
    from ..sandbox import Sandbox

PREFIX = "/_mock"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")


@dataclass(frozen=True, slots=True)
class ControlCall:
    sandbox: Sandbox
    params: dict[str, Any]
    body: Any
    request: Request


ControlHandler = Callable[[ControlCall], tuple[int, Any]]


def reset(call: ControlCall) -> tuple[int, Any]:
    call.sandbox.reset()
    return 200, state_view.summary(call.sandbox)


def get_scenario(call: ControlCall) -> tuple[int, Any]:
    return 200, state_view.summary(call.sandbox)


def load_scenario(call: ControlCall) -> tuple[int, Any]:
    if isinstance(call.body, str):
        call.sandbox.load_scenario_text(call.body)
    else:
        call.sandbox.load_scenario(call.body["name"], seed=call.body.get("seed"))
    return 200, state_view.summary(call.sandbox)


def create_entries(call: ControlCall) -> tuple[int, Any]:
    body = call.body or {}
    ids = call.sandbox.add_entries(
        call.params["company"], body.get("count", 1), body.get("overrides") or {}
    )
    return 201, {"data": ids}


def press_export(call: ControlCall) -> tuple[int, Any]:
    body = call.body or {}
    job = call.sandbox.press_export(
        call.params["company"],
        body.get("accountingEntryIds"),
        vendor_based_bookkeeping=body.get("vendorBasedBookkeeping", False),
        is_interactive=body.get("isInteractive", True),
    )
    return 201, {"data": serialize.job_v3(job, call.sandbox.now())}


def get_clock(call: ControlCall) -> tuple[int, Any]:
    return 200, {"now": format_timestamp(call.sandbox.now())}


def advance_clock(call: ControlCall) -> tuple[int, Any]:
    return 200, {"now": format_timestamp(call.sandbox.advance_clock(call.body["seconds"]))}


def get_state(call: ControlCall) -> tuple[int, Any]:
    return 200, state_view.state(call.sandbox)


def get_journal(call: ControlCall) -> tuple[int, Any]:
    entries = call.sandbox.journal.snapshot()
    kind = call.params.get("format", "json")
    if kind == "ndjson":
        return 200, NdjsonText(to_ndjson(entries))
    if kind == "har":
        return 200, to_har(entries, call.request.host_url.rstrip("/"))
    return 200, {"data": [entry.to_dict() for entry in entries]}


def get_faults(call: ControlCall) -> tuple[int, Any]:
    return 200, {"data": call.sandbox.faults.describe()}


def add_faults(call: ControlCall) -> tuple[int, Any]:
    try:
        rules = parse_rules(call.body["faults"])
    except FaultSpecError as problem:
        raise errors.ApiError(400, "INVALID_FAULT", str(problem)) from None
    if call.body.get("replace"):
        call.sandbox.faults.clear()
    call.sandbox.faults.add(rules)
    return get_faults(call)


def clear_faults(call: ControlCall) -> tuple[int, Any]:
    call.sandbox.faults.clear()
    return get_faults(call)


def get_job_state(call: ControlCall) -> tuple[int, Any]:
    return 200, state_view.job_with_items(call.sandbox, call.params["jobId"])


CONTROL_HANDLERS: dict[str, ControlHandler] = {
    "reset": reset,
    "getScenario": get_scenario,
    "loadScenario": load_scenario,
    "createEntries": create_entries,
    "pressExport": press_export,
    "getClock": get_clock,
    "advanceClock": advance_clock,
    "getState": get_state,
    "getJobState": get_job_state,
    "getJournal": get_journal,
    "getFaults": get_faults,
    "addFaults": add_faults,
    "clearFaults": clear_faults,
}


class NdjsonText(str):
    """A body that goes out as-is, one JSON document a line."""


class ControlPlane:
    """Serves /_mock/*, plus the two specs at /openapi.json and /_mock/openapi.json."""

    def __init__(self, sandbox: Sandbox, api_spec: Spec) -> None:
        self.sandbox = sandbox
        self.spec = load_spec(default_spec_path().with_name("control-plane.yaml"))
        self.api_spec = api_spec
        missing = sorted(set(self.spec.operations) - set(CONTROL_HANDLERS))
        if missing:
            raise SpecError(f"control-plane operations without a handler: {', '.join(missing)}")
        self._routes = build_url_map(self.spec.operations.values()).bind("sandbox")
        self.requests = {i: RequestValidator(o) for i, o in self.spec.operations.items()}
        self.responses = {i: ResponseValidator(o) for i, o in self.spec.operations.items()}

    def __call__(self, request: Request) -> Response | None:
        path = request.path
        if path in ("/openapi.json", f"{PREFIX}/openapi.json"):
            document = self.api_spec.document if path == "/openapi.json" else self.spec.document
            return json_response(200, document)
        if not path.startswith(PREFIX):
            return None
        try:
            status, body = self._dispatch(request)
        except errors.ApiError as refusal:
            return json_response(refusal.status, refusal.body(), refusal.headers)
        if isinstance(body, NdjsonText):
            return Response(str(body), status=status, content_type="application/x-ndjson")
        return json_response(status, body)

    def _dispatch(self, request: Request) -> tuple[int, Any]:
        operation_id, path_args = route(self._routes, request)
        call = self._call(request, operation_id, path_args)
        try:
            status, body = CONTROL_HANDLERS[operation_id](call)
        except DomainError as refusal:
            raise errors.from_domain(refusal) from None
        except ToolError as problem:  # a broken scenario, an unknown scenario name
            raise errors.ApiError(400, "INVALID_SCENARIO", str(problem)) from None
        if isinstance(body, NdjsonText):
            return status, body
        violations = self.responses[operation_id].validate(status, body)
        if violations:
            raise ResponseContractError(f"{operation_id}: " + "; ".join(map(str, violations)))
        return status, body

    def _call(
        self, request: Request, operation_id: str, path_args: Mapping[str, Any]
    ) -> ControlCall:
        raw = request.get_data(cache=True)
        if operation_id == "loadScenario" and request.mimetype in YAML_TYPES:
            return ControlCall(self.sandbox, {}, raw.decode("utf-8", "replace"), request)
        try:
            parsed = self.requests[operation_id].parse(
                path_args, request.args, request.headers, request.content_type, raw
            )
        except RequestInvalid as invalid:
            raise errors.from_invalid_request(invalid) from None
        return ControlCall(self.sandbox, parsed.params, parsed.body, request)
