"""The sandbox on a real loopback socket: the threaded server and the `serve` command."""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.server import SandboxServer

from ..conftest import credential_of

pytestmark = pytest.mark.server


def _get(url: str, authorization: str | None = None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers={"Authorization": authorization or ""})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_threaded_server_answers_and_stops(sandbox: Sandbox) -> None:
    header = authorization_header(credential_of(sandbox))
    with SandboxServer(create_app(sandbox)) as server:
        assert server.url.startswith("http://127.0.0.1:")
        status, body = _get(f"{server.url}/v3/export-jobs?statuses=pending", header)
        assert status == 200 and body["data"]
        assert _get(f"{server.url}/v3/export-jobs")[0] == 401


@pytest.fixture
def serve_process() -> Iterator[subprocess.Popen[str]]:
    command = [
        sys.executable,
        "-m",
        "pleo_export_mock.cli",
        "serve",
        "--port",
        "0",
        "--scenario",
        "pending",
        "--clock",
        "frozen",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    process.terminate()
    process.wait(timeout=10)


def test_serve_prints_url_credentials_and_logs_requests(
    serve_process: subprocess.Popen[str],
) -> None:
    assert serve_process.stdout is not None
    banner = [serve_process.stdout.readline() for _ in range(4)]
    url = re.search(r"http://127\.0\.0\.1:\d+", banner[0])
    assert url, banner
    lines = []
    while not (line := serve_process.stdout.readline()).startswith("Press Ctrl+C"):
        lines.append(line)
    key = next(re.search(r"PLEO_API_KEY=(\S+)", line) for line in lines if "PLEO_API_KEY" in line)
    assert key is not None
    assert any(line.strip().startswith("company") for line in lines)
    import base64

    header = "Basic " + base64.b64encode(f"{key.group(1)}:".encode()).decode()
    status, body = _get(f"{url.group(0)}/v3/export-jobs?statuses=pending", header)
    assert status == 200 and len(body["data"]) == 1  # type: ignore[arg-type]
    assert re.fullmatch(
        rf"{TIMESTAMP} GET /v3/export-jobs\?statuses=pending 200 [\d.]+ms\n",
        serve_process.stdout.readline(),
    )


TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"


def _send(url: str, method: str, body: object, authorization: str = "") -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": authorization},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _read_banner(process: subprocess.Popen[str]) -> tuple[str, str]:
    """The URL and the API key's Authorization header, from the lines `serve` prints first."""
    assert process.stdout is not None
    lines = []
    while not (line := process.stdout.readline()).startswith("Press Ctrl+C"):
        assert line, "serve ended before its banner"
        lines.append(line)
    url = re.search(r"http://127\.0\.0\.1:\d+", lines[0])
    key = re.search(r"PLEO_API_KEY=(\S+)", "".join(lines))
    assert url and key
    header = "Basic " + base64.b64encode(f"{key.group(1)}:".encode()).decode()
    return url.group(0), header


def _log_until(process: subprocess.Popen[str], wanted: str) -> list[str]:
    assert process.stdout is not None
    lines = []
    while wanted not in (line := process.stdout.readline()):
        assert line, f"the log ended without {wanted!r}: {lines}"
        lines.append(line)
    return [*lines, line]


def test_serve_logs_job_transitions_expiries_and_faults(
    serve_process: subprocess.Popen[str],
) -> None:
    url, header = _read_banner(serve_process)
    body = _get(f"{url}/v3/export-jobs?statuses=pending", header)[1]
    job = body["data"][0]["id"]  # type: ignore[index]
    event = {"event": "started", "jobId": job}
    assert _send(f"{url}/v3/export-job-events", "POST", event, header) == 202
    started = _log_until(serve_process, "POST /v3/export-job-events 202")
    assert any(
        re.fullmatch(rf"{TIMESTAMP} job {job} pending -> in_progress\n", line) for line in started
    )

    assert _send(f"{url}/_mock/clock/advance", "POST", {"seconds": 3600}) == 200
    expired = _log_until(serve_process, "POST /_mock/clock/advance 200")
    assert any(f"job {job} in_progress -> failed: expired at " in line for line in expired)

    fault = {"operation": "getExportJobsListV3", "nth": 1, "kind": "status", "status": 503}
    assert _send(f"{url}/_mock/faults", "POST", {"faults": [fault]}) == 200
    assert _get(f"{url}/v3/export-jobs?statuses=pending", header)[0] == 503
    faulted = _log_until(serve_process, "GET /v3/export-jobs?statuses=pending 503")
    assert any(
        re.fullmatch(rf"{TIMESTAMP} fault status 503 injected into GET /v3/export-jobs\n", line)
        for line in faulted
    )


def test_serve_refuses_a_busy_port() -> None:
    with SandboxServer(create_app(Sandbox())) as busy:
        result = subprocess.run(
            [sys.executable, "-m", "pleo_export_mock.cli", "serve", "--port", str(busy.port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{busy.port}" in result.stderr


def test_serve_refuses_a_host_that_does_not_resolve() -> None:
    host = "no.such.host.invalid"  # RFC 2606: never resolves
    result = subprocess.run(
        [sys.executable, "-m", "pleo_export_mock.cli", "serve", "--host", host, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot listen on {host}:0: {host!r} is not an address of this" in result.stderr


def test_stop_closes_keep_alive_connections(sandbox: Sandbox) -> None:
    import http.client
    import threading

    running = set(threading.enumerate())  # another test's session server may be among them
    server = SandboxServer(create_app(sandbox)).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/openapi.json")
    assert connection.getresponse().read()  # the connection stays open (keep-alive)
    server.stop()
    assert set(threading.enumerate()) <= running  # its loop and its workers have ended
    connection.close()


def test_many_idle_and_half_sent_requests_lock_nobody_out(sandbox: Sandbox) -> None:
    with SandboxServer(create_app(sandbox)) as server:
        waiting = [socket.create_connection((server.host, server.port)) for _ in range(150)]
        try:
            for number, connection in enumerate(waiting):
                if number % 2:  # half of them start a request and never finish it
                    connection.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: sandbox\r\n")
            status, body = _get(f"{server.url}/_mock/clock")
            assert status == 200 and "now" in body
        finally:
            for connection in waiting:
                connection.close()


def test_chunked_bodies_are_read_and_held_to_the_limit(sandbox: Sandbox) -> None:
    job_id = sandbox.state.job_ids["export"]
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    auth = {"Authorization": authorization_header(credential_of(sandbox))}
    event = json.dumps({"event": "started", "jobId": job_id}).encode()
    with SandboxServer(create_app(sandbox)) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        try:
            chunks = iter([event[:10], event[10:]])
            connection.request(
                "POST", "/v3/export-job-events", chunks, {**headers, **auth}, encode_chunked=True
            )
            accepted = connection.getresponse()
            assert (accepted.status, accepted.read()) == (202, b"")
            huge = iter([b'{"seconds": 1, "x": "' + b"a" * 700_000, b"a" * 700_000 + b'"}'])
            connection.request("POST", "/_mock/clock/advance", huge, headers, encode_chunked=True)
            response = connection.getresponse()
            assert response.status == 413 and b"PAYLOAD_TOO_LARGE" in response.read()
        finally:
            connection.close()


def test_stop_holds_when_the_loop_closes_before_the_trigger_is_pulled(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's pull can wake the loop between waitress queueing stop's closing and writing
    its byte: the loop closes everything, the trigger's pipe too, and the write fails."""
    server = SandboxServer(create_app(sandbox)).start()
    trigger = server._server.trigger
    write = trigger._physical_pull

    def a_worker_pulls_first() -> None:
        write()  # the worker's byte: the loop wakes and runs the closing already queued
        for _ in range(500):
            if not trigger._fds:  # the pipe is closed
                break
            time.sleep(0.01)
        write()  # stop's own byte, on the closed pipe

    monkeypatch.setattr(trigger, "_physical_pull", a_worker_pulls_first)
    server.stop()  # not OSError: every socket is closed, as asked
    assert not server._server._map
