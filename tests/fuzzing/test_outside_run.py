"""Schemathesis run from outside, the documented way, agrees with the in-process self-fuzz.

`st run` against a served sandbox, from the repository root (so it reads schemathesis.toml),
on every spec it serves, every check in every phase, finds nothing; and the file it reads
holds exactly the expectations the in-process run and `fuzz --url` use.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.config import ProjectConfig, SchemathesisConfig

from pleo_export_mock import Sandbox, SandboxServer, create_app
from pleo_export_mock.domain.credentials import CredentialKind
from pleo_export_mock.fuzzing.config import FuzzOptions, build_config
from pleo_export_mock.spec.loader import default_spec_path
from pleo_export_mock.summary import describe_sandbox, schemathesis_command

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "schemathesis.toml"
ST = Path(sys.executable).with_name("st")
PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _project(config: SchemathesisConfig) -> ProjectConfig:
    schema = schemathesis.openapi.from_path(str(default_spec_path()), config=config)
    assert isinstance(schema.config, ProjectConfig)
    return schema.config


def _expectations(project: ProjectConfig) -> dict[tuple[str, str], list[Any]]:
    """Per operation and phase: what the positive-data check accepts, as Schemathesis reads it."""
    schema = schemathesis.openapi.from_path(str(default_spec_path()))
    operations = [item.ok() for item in schema.get_all_operations()]
    return {
        (op.label, phase): project.checks_config_for(
            operation=op, phase=phase
        ).positive_data_acceptance.expected_statuses
        for op in operations
        for phase in PHASES
    }


def test_st_run_and_the_in_process_run_expect_the_same() -> None:
    outside = _project(SchemathesisConfig.from_path(str(CONFIG_FILE)))
    inside = _project(build_config(FuzzOptions(headers={"Authorization": "Bearer x"})))
    assert _expectations(outside) == _expectations(inside)
    # And the refusals really are there: the exclusive pagination parameters, for one.
    assert "400" in _expectations(outside)[("GET /v3/export-jobs", "coverage")]


def test_the_file_points_at_the_default_serve() -> None:
    """`st run` with no other option reaches `pleo-export-mock serve` as it starts by default."""
    config = SchemathesisConfig.from_path(str(CONFIG_FILE)).projects.default
    sandbox = Sandbox("pending")  # serve's default scenario and seed
    token = next(c for c in sandbox.state.credentials if c.kind is CredentialKind.BEARER)
    assert config.base_url == "http://127.0.0.1:8080"
    assert config.headers == {"Authorization": f"Bearer {token.secret}"}


def test_serve_prints_the_command() -> None:
    sandbox = Sandbox("pending")
    url = "http://127.0.0.1:8080"
    token = next(c for c in sandbox.state.credentials if c.kind is CredentialKind.BEARER)
    command = schemathesis_command(sandbox, url)
    assert command == (
        f"st run {url}/openapi.json --url {url} -H 'Authorization: Bearer {token.secret}'"
    )
    assert f"  fuzz       {command}\n" in describe_sandbox(sandbox, url)


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, SandboxServer]]:
    sandbox = Sandbox("pending")
    with SandboxServer(create_app(sandbox)) as server:
        yield sandbox, server


@pytest.mark.slow(seconds=11)
@pytest.mark.server
def test_st_run_from_the_repository_root_finds_nothing(
    served: tuple[Sandbox, SandboxServer],
) -> None:
    sandbox, server = served
    # The banner's command as a shell would split it, with a smaller run than the file's.
    st, *args = shlex.split(schemathesis_command(sandbox, server.url))
    assert st == "st"
    out = _passing_st_run(args, max_examples=10)
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅\s+{phase}", out), f"{phase} did not pass:\n{out}"


@pytest.mark.slow(seconds=4)
@pytest.mark.server
@pytest.mark.parametrize(
    "spec",
    [
        "/openapi-v0-v2.json",
        "/openapi-webhook-subscriptions.json",
        "/oauth/openapi.json",
        "/_mock/openapi.json",
    ],
)
def test_st_run_on_every_other_spec_served_finds_nothing(
    served: tuple[Sandbox, SandboxServer], spec: str
) -> None:
    """Each spec has its project in the file: its expectations, and no filter of another's."""
    sandbox, server = served
    _st, *args = shlex.split(schemathesis_command(sandbox, server.url))
    assert args[0] == "run"
    args[1] = server.url + spec  # the banner prints the Export API's spec
    # No coverage phase: it was two thirds of these runs' time (about 1,900 cases on the control
    # plane), and a wrong project, or none, shows in the other phases too. The control plane's
    # bodies are held to their readers in process (test_control_plane_fuzz.py).
    args += ["--phases", "examples,fuzzing,stateful"]
    out = _passing_st_run(args, max_examples=5)
    assert "Unmatched filters" not in out, out


def _passing_st_run(args: list[str], max_examples: int) -> str:
    """`st` with these arguments from the repository root, which must find nothing; its output."""
    run = subprocess.run(
        [str(ST), *args, "--seed", "1", "--max-examples", str(max_examples), "--no-color"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(r"Test cases:\s+\d+ generated, \d+ passed", out), out
    return out
