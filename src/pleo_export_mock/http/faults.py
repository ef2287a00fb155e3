"""Enacting injected faults at the HTTP level: Pleo-shaped errors, late, cut or lost answers."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from ..faults import CallInfo, Fault
from .errors import ApiError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Bodies as an API gateway in front of Pleo would send them, in Pleo's {type, message} form.
ERROR_BODIES = {
    429: ("TOO_MANY_REQUESTS", "Rate limit exceeded. Retry after the time in Retry-After."),
    500: ("INTERNAL_SERVER_ERROR", "An unexpected error occurred."),
    502: ("BAD_GATEWAY", "The upstream service answered with an invalid response."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
    504: ("GATEWAY_TIMEOUT", "The upstream service did not answer in time."),
}


class ConnectionDropped(ConnectionResetError):
    """An injected fault: the sandbox hangs up. In process, the caller sees this exception."""


def call_info(request: Request, operation_id: str, path_params: Mapping[str, Any]) -> CallInfo:
    """What fault rules match on: the operation, the event type and the job, read leniently."""
    body: Any = None
    if request.method in ("POST", "PUT"):
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RequestEntityTooLarge):
            body = None  # validation will say what is wrong with it
    job_id = path_params.get("jobId") or request.args.get("job_id")
    if isinstance(body, dict) and isinstance(body.get("jobId"), str):
        job_id = body["jobId"]
    event = body.get("event") if isinstance(body, dict) else None
    return CallInfo(operation_id, event if isinstance(event, str) else None, job_id)


def error_for(fault: Fault) -> ApiError:
    status = fault.status or 503
    code, message = ERROR_BODIES[status]
    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
    return ApiError(status, code, message, headers)


def dropped() -> WSGIApplication:
    """A WSGI callable that hangs up without answering (drop, ambiguous commit)."""
    return _Dropped()


def faulty(response: Response, fault: Fault) -> WSGIApplication:
    """A WSGI callable that answers `response` the way the fault says."""
    if fault.kind == "truncate":
        return _Truncated(response)
    if fault.kind == "malformed":
        body = response.get_data()
        response.set_data(body[: max(1, len(body) // 2)] + b"\x00")
    return response


class _Dropped:
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        _hang_up(environ)
        raise ConnectionDropped("pleo-export-mock dropped the connection (injected fault)")


class _Truncated:
    def __init__(self, response: Response) -> None:
        self.body = response.get_data()
        self.response = response

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        headers = [(k, v) for k, v in self.response.headers.items() if k != "Content-Length"]
        start_response(self.response.status, [*headers, ("Content-Length", str(len(self.body)))])
        yield self.body[: len(self.body) // 2]
        raise ConnectionDropped("pleo-export-mock cut the answer short (injected fault)")


def _hang_up(environ: WSGIEnvironment) -> None:
    """Close the client's connection under waitress, so it sees no answer at all."""
    probe = environ.get("waitress.client_disconnected")
    channel = getattr(probe, "__self__", None)  # waitress's channel for this connection
    sock = getattr(channel, "socket", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already gone
            sock.shutdown(socket.SHUT_RDWR)


class QuietDrops(logging.Filter):
    """Keep waitress from logging a traceback for every connection we drop on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionDropped)
