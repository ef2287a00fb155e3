"""`pleo-export-mock fuzz --url`: passes on the sandbox, catches a broken server, refuses."""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pleo_export_mock import Sandbox, SandboxServer, create_app
from pleo_export_mock.cli import main
from pleo_export_mock.fuzzing.target import TargetError, preflight

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

pytestmark = pytest.mark.server

JOB_PATH = re.compile(r"^/v3/export-jobs/[0-9a-fA-F-]{36}$")
FEW = "2"  # examples per operation and phase: enough to reach every operation, quick


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox("pending")


@pytest.fixture
def api_key(sandbox: Sandbox) -> str:
    return next(c.secret for c in sandbox.state.credentials if c.kind.value == "api_key")


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with SandboxServer(create_app(sandbox)) as running:
        yield running


def fuzz(*args: str) -> int:
    return main(["fuzz", "--max-examples", FEW, *args])


def test_passes_on_the_sandbox_and_writes_junit(
    server: SandboxServer, api_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "fuzz.xml"
    assert fuzz("--url", server.url, "--api-key", api_key, "--report-junit", str(junit)) == 0
    out, err = capsys.readouterr()
    assert "verdict: PASS: no failures in 9 operations" in out
    # progress on stderr, a line per operation and phase as each finishes
    assert re.search(
        r"^fuzz: fuzzing GET /v3/export-jobs: \d+ case\(s\), 0 failure\(s\)$", err, re.M
    )
    assert re.search(r"\d+ cases in [\d.]+ s \(seed 1,", out)
    assert "stateful success" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("9", "0")
    names = {case.get("name") for case in suite.iter("testcase")}
    assert "GET /v3/export-jobs/{jobId}" in names and "PUT /v3/export-jobs/{jobId}/items" in names


def test_bearer_token_in_a_header_works_too(
    server: SandboxServer, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    token = next(c.secret for c in sandbox.state.credentials if c.kind.value == "bearer")
    header = f"Authorization: Bearer {token}"
    command = ["fuzz", "--max-examples", "1", "--url", server.url, "--header", header, "--quiet"]
    assert main(command) == 0
    out, err = capsys.readouterr()
    assert "verdict: PASS" in out and "fuzz: " not in err


class DropJobData:
    """A broken Export API: GET /v3/export-jobs/{jobId} answers 200 without `data`."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, keep))
        corrupt = (
            environ["REQUEST_METHOD"] == "GET"
            and JOB_PATH.match(environ.get("PATH_INFO", ""))
            and seen["status"].startswith("200")
        )
        if corrupt:
            body = json.dumps({"job": json.loads(body)["data"]}).encode()
        headers = [(k, v) for k, v in seen["headers"] if k.lower() != "content-length"]
        start_response(seen["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def test_catches_a_server_that_breaks_the_contract(
    sandbox: Sandbox, api_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "fuzz.xml"
    with SandboxServer(DropJobData(create_app(sandbox))) as broken:
        status = fuzz("--url", broken.url, "--api-key", api_key, "--report-junit", str(junit))
    out = capsys.readouterr().out
    assert status == 1, out
    assert "FAIL  GET /v3/export-jobs/{jobId}: Response violates schema" in out
    assert "check response_schema_conformance" in out and '"data" is a required property' in out
    assert "verdict: FAIL" in out
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["GET /v3/export-jobs/{jobId}"].find("failure") is not None
    assert cases["GET /v3/export-jobs"].find("failure") is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_unreachable_url_names_the_url_and_the_os_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    assert fuzz("--url", url, "--api-key", "k") == 2
    err = capsys.readouterr().err
    assert f"cannot reach {url}: [Errno 111] Connection refused" in err


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections into the backlog, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(TargetError, match=rf"cannot reach {url}: .*timed out"):
            preflight(url, {"Authorization": "Bearer x"}, timeout=0.2)


@pytest.mark.parametrize(
    ("credentials", "said"),
    [
        (["--api-key", "not-a-key"], "answered 401 (UNAUTHORIZED: "),
        (["--token", "not-a-token"], "answered 401 (UNAUTHORIZED: "),
        (["--header", "Authorization: Basic bm9wZTo="], "answered 401 (UNAUTHORIZED: "),
    ],
)
def test_refused_credentials_stop_before_the_run(
    server: SandboxServer,
    credentials: list[str],
    said: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert fuzz("--url", server.url, *credentials) == 2
    err = capsys.readouterr().err
    assert f"GET {server.url}/v3/export-jobs {said}" in err
    assert "the server refused the credentials" in err


def test_credentials_without_the_scope_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "readonly.yaml"
    scenario.write_text(
        "name: readonly\ndescription: A key that may read export items only.\nseed: 7\n"
        "companies:\n  - key: acme\n    name: Acme\n    country: DK\n"
        "credentials:\n  - {kind: api_key, companies: [acme], scopes: [export-items:read],\n"
        "     secret: readonly-key}\n",
        encoding="utf-8",
    )
    with SandboxServer(create_app(Sandbox(scenario))) as server:
        assert fuzz("--url", server.url, "--api-key", "readonly-key") == 2
    assert "answered 403 (FORBIDDEN: " in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "no credentials: give --api-key KEY, --token TOKEN or --header"),
        (["--api-key", "k", "--header", "Authorization: Bearer t"], "given more than once"),
        (["--header", "Authorization Bearer t"], "write it as 'Name: value'"),
        (["--api-key", "k", "--max-examples", "0"], "--max-examples: 0: must be from 1"),
        (["--api-key", "k", "--report-junit", "/no/such/dir/f.xml"], "no directory /no/such/dir"),
    ],
)
def test_bad_options_are_usage_errors(
    server: SandboxServer, args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(["fuzz", "--url", server.url, *args])
    except SystemExit as stop:  # argparse refuses a value out of range by exiting
        status = stop.code
    assert status == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize("url", ["ftp://example.com", "127.0.0.1:8080", "http://h/?x=1"])
def test_bad_urls_are_usage_errors(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzz("--url", url, "--api-key", "k") == 2
    assert f"--url {url!r}" in capsys.readouterr().err


def test_a_url_without_the_export_api_is_refused(
    server: SandboxServer, api_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fuzz("--url", f"{server.url}/api", "--api-key", api_key) == 2
    err = capsys.readouterr().err
    assert f"GET {server.url}/api/v3/export-jobs answered 404" in err
    assert "no Export API v3 at this URL" in err


def test_api_key_and_token_together_are_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fuzz", "--url", "http://127.0.0.1:1", "--api-key", "k", "--token", "t"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
