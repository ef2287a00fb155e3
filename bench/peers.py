"""The tools a user would pick instead of the sandbox, run side by side with it.

- Prism (`@stoplight/prism-cli@5.14.2`, stateless, mocking our Export API spec from examples),
- WireMock (`wiremock@3.13.2`, the npm package bundles the standalone jar; one static stub of
  the same job), with its request journal off, or on and bounded.

Each is installed with npm into bench/.peers/<name>/ on first use (git ignores it). When npm,
Node or Java is missing, or the install fails, `start_peer` raises `PeerUnavailable` with the
reason, and the benchmark prints it and goes on without that peer.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PEERS = BENCH / ".peers"
SPEC = BENCH.parent / "openapi" / "export-api.yaml"
PACKAGES = {"prism": "@stoplight/prism-cli@5.14.2", "wiremock": "wiremock@3.13.2"}
WIREMOCK_JOURNAL_ENTRIES = 10_000  # as many as `serve` keeps in its journal


class PeerUnavailable(RuntimeError):
    """A peer could not be installed or started; the message says why."""


@dataclass
class Peer:
    label: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    facts: dict[str, Any]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen[Any]) -> None:
    """End a server the bench started, and whatever it started: politely, then for sure.

    A peer runs in a process group of its own (`spawn`): npm's `wiremock` is a Node script that
    starts Java, and ending the script alone left the JVM serving, and busy, after the bench.
    """
    group = _leads_a_group(process)
    _signal(process, group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    _signal(process, group, signal.SIGKILL)  # whatever is left, of the group too
    process.wait()


def _leads_a_group(process: subprocess.Popen[Any]) -> bool:
    try:
        return os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        return False


def _signal(process: subprocess.Popen[Any], group: bool, signum: int) -> None:
    try:
        if group:
            os.killpg(process.pid, signum)  # the leader may be gone; its children need not be
        elif process.poll() is None:
            process.send_signal(signum)
    except ProcessLookupError:  # nothing of it is left
        pass


def install(name: str) -> Path:
    """The peer's executable, installed with npm into bench/.peers/<name>/ when missing."""
    binary = PEERS / name / "node_modules" / ".bin" / name
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise PeerUnavailable(f"{name}: npm is not installed (Node 20 brings it)")
    (PEERS / name).mkdir(parents=True, exist_ok=True)
    print(f"  installing {PACKAGES[name]} into {binary.parents[2].relative_to(BENCH.parent)} ...")
    command = [npm, "install", "--prefix", str(PEERS / name), "--no-audit", "--no-fund"]
    done = subprocess.run([*command, PACKAGES[name]], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not binary.exists():
        raise PeerUnavailable(f"{name}: npm install failed: {done.stderr.strip()[-400:]}")
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(peer: Peer, probe_path: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if peer.process.poll() is not None:
            log = peer.log_path.read_text(errors="replace")[-800:]
            raise PeerUnavailable(f"{peer.label} exited at start; its log ends:\n{log}")
        try:
            with urllib.request.urlopen(peer.url + probe_path, timeout=2):
                return
        except OSError as problem:  # refused while starting, or an HTTP error: it answers
            if getattr(problem, "code", None):
                return
        time.sleep(0.2)
    peer.stop()
    raise PeerUnavailable(f"{peer.label} did not answer within {timeout:.0f} s")


def spawn(label: str, command: list[str], port: int, log_dir: Path) -> Peer:
    log_path = log_dir / f"{label}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Peer(label, process, port, log_path, {"port": port})


def start_prism(log_dir: Path) -> Peer:
    """Prism mocking our Export API spec (static: answers from the spec's examples)."""
    binary = install("prism")
    port = free_port()
    command = [str(binary), "mock", "--host", "127.0.0.1", "--port", str(port), str(SPEC)]
    peer = spawn("prism", command, port, log_dir)
    wait_until_up(peer, "/v3/export-jobs")
    return peer


def start_wiremock(log_dir: Path, journal: bool, job_path: str, job_body: bytes) -> Peer:
    """WireMock with one stub answering `job_body` on GET `job_path`."""
    if shutil.which("java") is None:
        raise PeerUnavailable("wiremock: java is not installed (Java 17 runs it)")
    binary = install("wiremock")
    port = free_port()
    label = "wiremock-journal-on" if journal else "wiremock-journal-off"
    # WireMock makes `mappings/` and `__files/` under its root, the working folder unless told.
    root = log_dir / label
    root.mkdir(parents=True, exist_ok=True)
    command = [str(binary), "--port", str(port), "--bind-address", "127.0.0.1", "--disable-banner"]
    command += ["--root-dir", str(root)]
    if journal:
        command += ["--max-request-journal-entries", str(WIREMOCK_JOURNAL_ENTRIES)]
    else:
        command += ["--no-request-journal"]
    peer = spawn(label, command, port, log_dir)
    wait_until_up(peer, "/__admin/mappings")
    stub = {
        "request": {"method": "GET", "url": job_path},
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json;charset=UTF-8"},
            "body": job_body.decode(),
        },
    }
    request = urllib.request.Request(
        peer.url + "/__admin/mappings", json.dumps(stub).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10):
        pass
    return peer
