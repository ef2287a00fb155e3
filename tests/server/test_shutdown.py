"""`serve` stops cleanly on SIGTERM and Ctrl+C: the request in flight gets its whole answer."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

pytestmark = pytest.mark.server

LATENCY_S = 1.5  # long enough for the signal to arrive while the answer is being made


def start_serve() -> tuple[subprocess.Popen[str], int]:
    command = [sys.executable, "-m", "pleo_export_mock.cli", "serve", "--port", "0", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for _ in range(50):
        found = re.search(r"http://127\.0\.0\.1:(\d+)", process.stdout.readline())
        if found:
            return process, int(found.group(1))
    process.kill()
    raise AssertionError("serve printed no URL")


def send(port: int, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = None if body is None else json.dumps(body).encode()
    if payload is not None:
        headers = {**headers, "Content-Type": "application/json"}
    try:
        connection.request(method, path, payload, headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)
    finally:
        connection.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_lets_the_request_in_flight_finish(stop_signal: signal.Signals) -> None:
    process, port = start_serve()
    try:
        status, summary = send(port, "POST", "/_mock/reset", {})
        assert status == 200
        auth = {"Authorization": summary["credentials"][0]["authorization"]}
        status, jobs = send(port, "GET", "/v3/export-jobs?statuses=pending", auth)
        job_id = jobs["data"][0]["id"]
        rule = {
            "operation": "getExportJobByIdV3",
            "nth": 1,
            "kind": "latency",
            "seconds": LATENCY_S,
        }
        assert send(port, "POST", "/_mock/faults", {}, {"faults": [rule]})[0] == 200
        answers: list[Any] = []

        def ask() -> None:
            try:
                answers.append(send(port, "GET", f"/v3/export-jobs/{job_id}", auth))
            except OSError as cut:  # what a client sees when the server dies under it
                answers.append((cut, None))

        in_flight = threading.Thread(target=ask)
        in_flight.start()
        time.sleep(LATENCY_S / 3)  # the request is in the sandbox, sleeping its latency
        process.send_signal(stop_signal)
        in_flight.join(timeout=30)
        assert answers and answers[0][0] == 200, answers
        assert answers[0][1]["data"]["id"] == job_id
        assert process.wait(timeout=30) in (0, 130)  # 130: interrupted by Ctrl+C, as shells do
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
