"""Enacting injected faults at the HTTP level: late, cut, garbled or lost answers."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..faults import CallInfo, Fault
from .answer import Answer
from .request import RequestRecord

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class ConnectionDropped(ConnectionResetError):
    """An injected fault: the sandbox hangs up. In process, the caller sees this exception."""


def call_info(
    request: RequestRecord,
    operation_id: str,
    path_params: Mapping[str, Any],
    wildcard: bool = True,
) -> CallInfo:
    """What fault rules match on: the operation, the event type and the job."""
    body = request.json
    event = body.get("event") if isinstance(body, dict) else None
    job_id = request.job_id(path_params)
    return CallInfo(operation_id, event if isinstance(event, str) else None, job_id, wildcard)


def dropped() -> WSGIApplication:
    """A WSGI callable that hangs up without answering (drop, ambiguous commit)."""
    return _Dropped()


def faulty(response: Answer, fault: Fault) -> WSGIApplication:
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
    def __init__(self, response: Answer) -> None:
        self.body = response.get_data()
        self.response = response

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        start_response(self.response.status, self.response.wire_headers())
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
