"""What the plugin's in-thread server adds to one request, beside the servers it could be.

    ./dev bench bench/bench_server_hop.py [--requests 400] [--rounds 3]

Target 3 of the speed issue asks whether another in-thread server would bring the plugin's
per-test cost down to pytest-httpserver's. This times what a test does: one request at a
time, each on a new connection (urllib, as the tests of bench_fixture.py), against the same
app on each server in this process, alternating for `--rounds` rounds:

  waitress            `SandboxServer`, as the plugin runs it (a socket thread hands each
                      request to a worker thread)
  werkzeug            werkzeug's single-threaded server, as pytest-httpserver runs it
  werkzeug threaded   werkzeug's server with a thread per connection

Two apps: a hello-world WSGI app (the servers alone) and the sandbox as the plugin serves it
(`pending`, response violations raised, errors caught for the test) answering
GET /v3/export-jobs?statuses=pending; and that request in process with werkzeug's test
Client, without any server. Prints each median per request and the rounds' range.
A benchmark, never a test.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from werkzeug.serving import make_server
from werkzeug.test import Client

from pleo_export_mock.http import HttpSettings, create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.server import SandboxServer
from pleo_export_mock.testing.serving_errors import ErrorCatcher

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PATH = "/v3/export-jobs?statuses=pending"


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    body = b'{"ok":true}'
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]


def sandbox_app() -> WSGIApplication:
    """The plugin's app on `pending`, with the scenario's API key on every request."""
    sandbox = Sandbox("pending")
    app = ErrorCatcher(create_app(sandbox, HttpSettings(response_violations="raise")))
    authorization = authorization_header(sandbox.state.credentials[0])

    def signed_in(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        environ["HTTP_AUTHORIZATION"] = authorization
        return app(environ, start_response)

    return signed_in


@contextmanager
def on_waitress(app: WSGIApplication) -> Iterator[str]:
    with SandboxServer(app) as server:
        yield server.url


def on_werkzeug(threaded: bool) -> Callable[[WSGIApplication], Any]:
    @contextmanager
    def serve(app: WSGIApplication) -> Iterator[str]:
        server = make_server("127.0.0.1", 0, app, threaded=threaded)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join()

    return serve


SERVERS: dict[str, Callable[[WSGIApplication], Any]] = {
    "waitress": on_waitress,
    "werkzeug": on_werkzeug(threaded=False),
    "werkzeug threaded": on_werkzeug(threaded=True),
}


def per_request_ms(send: Callable[[], object], requests: int) -> float:
    for _ in range(requests // 10):  # warm up: connections, caches
        send()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        send()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def over_http(url: str) -> Callable[[], object]:
    def send() -> object:
        with urllib.request.urlopen(url) as answer:
            return answer.read()

    return send


def in_process(app: WSGIApplication) -> Callable[[], object]:
    client = Client(app)
    return lambda: client.get(PATH).data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").disabled = True  # a line per request would be timed too
    apps = {"hello-world": hello, "sandbox GET": sandbox_app()}
    figures: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for app_name, app in apps.items():
            for server_name, serve in SERVERS.items():
                with serve(app) as url:
                    ms = per_request_ms(over_http(url + PATH), args.requests)
                figures.setdefault((app_name, server_name), []).append(ms)
        ms = per_request_ms(in_process(apps["sandbox GET"]), args.requests)
        figures.setdefault(("sandbox GET", "in process, no server"), []).append(ms)
    print(f"one request per new connection, {args.requests} requests x {args.rounds} rounds\n")
    print("| app | server | median ms per request | rounds |")
    print("|---|---|---:|---|")
    for (app_name, server_name), values in figures.items():
        rounds = " ".join(f"{value:.3f}" for value in values)
        print(f"| {app_name} | {server_name} | {statistics.median(values):.3f} | {rounds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
