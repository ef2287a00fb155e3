"""The server's connections: while a request is served, its worker thread sends the answer and
the loop stays out of the way (server_channel.py says why)."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from pleo_export_mock.server import SandboxServer
from pleo_export_mock.server_channel import WorkerFlushedChannel


def hello(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    # waitress's disconnect probe is a method of the connection serving this request.
    kind = type(environ["waitress.client_disconnected"].__self__).__name__
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [kind.encode()]


@pytest.fixture
def channel() -> Iterator[WorkerFlushedChannel]:
    server = SandboxServer(hello)  # listening, not serving: the channel is driven by hand
    ours, theirs = socket.socketpair()
    listener = server._server
    connection = WorkerFlushedChannel(listener, ours, ("127.0.0.1", 0), listener.adj, map={})
    yield connection
    connection.close()
    theirs.close()
    server.stop()


def test_the_server_serves_every_connection_with_it() -> None:
    with SandboxServer(hello) as server, urllib.request.urlopen(server.url) as response:
        assert response.read() == b"WorkerFlushedChannel"


def test_output_of_a_request_being_served_is_left_to_its_worker(
    channel: WorkerFlushedChannel,
) -> None:
    channel.requests = [object()]
    channel.total_outbufs_len = 150  # the answer's head, being sent by the worker
    assert not channel.writable()


def test_the_loop_drains_output_the_worker_waits_on(channel: WorkerFlushedChannel) -> None:
    channel.requests = [object()]
    channel.total_outbufs_len = channel.adj.outbuf_high_watermark + 1
    assert channel.writable()


@pytest.mark.parametrize("closing", ["will_close", "close_when_flushed"])
def test_a_closing_connection_is_left_to_the_loop(
    channel: WorkerFlushedChannel, closing: str
) -> None:
    channel.requests = [object()]
    setattr(channel, closing, True)
    assert channel.writable()


def test_output_left_once_the_request_is_done_is_sent_by_the_loop(
    channel: WorkerFlushedChannel,
) -> None:
    channel.requests = []
    channel.total_outbufs_len = 150
    assert channel.writable()
    channel.total_outbufs_len = 0
    assert not channel.writable()
