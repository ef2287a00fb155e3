"""The command line: exit codes and what it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from pleo_export_mock.cli import main


def test_scenarios_lists_every_shipped_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert {
        "pending",
        "failed",
        "partial_errors",
        "in_progress_recovery",
        "multi_company",
        "large",
        "expiring",
    } <= listed


def test_scenarios_shows_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "partial_errors"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("partial_errors: ") and "companies:" in out


def test_unknown_scenario_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_broken_scenario_file_names_file_place_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: broken\ndescription: x\nseed: 1\ncompanies:\n  - key: a\n"
        "    name: A\n    entries: [{key: e}]\n    jobs:\n      - key: j\n"
        "        status: done\n        created: -5m\n        entries: [e]\n"
    )
    assert main(["serve", "--scenario", str(broken), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert (
        "broken.yaml" in err and "companies[0].jobs[0].status (line 10)" in err and "'done'" in err
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--port", "70000"],
        ["serve", "--start", "yesterday"],
        ["serve", "--start", "9999-12-31T23:59:59Z"],  # no hour of expiry left after it
        ["serve", "--start", "0001-01-01T00:00:00+05:00"],  # no such time in UTC
        ["serve", "--allow-webhook-host", "http://erp.example/hook"],  # a URL matches no host
        ["serve", "--allow-webhook-host", "erp.example:8443"],
        ["serve", "--allow-webhook-host", ""],
        [],
    ],
)
def test_bad_flags_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        assert main(argv) == 2
        raise SystemExit(2)
    assert exited.value.code == 2


def test_serve_allows_webhook_hosts_only_when_told_and_stops_delivering_when_it_stops(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pleo_export_mock.sandbox import Sandbox
    from pleo_export_mock.server import SandboxServer

    closed: list[Sandbox] = []
    close = Sandbox.close

    def closing(sandbox: Sandbox) -> None:
        closed.append(sandbox)
        close(sandbox)

    monkeypatch.setattr(SandboxServer, "serve_forever", lambda server: None)
    monkeypatch.setattr(Sandbox, "close", closing)
    argv = ["serve", "--port", "0", "--allow-webhook-host", "ERP.test"]
    assert main([*argv, "--allow-webhook-host", "10.0.0.7"]) == 0
    assert main(["serve", "--port", "0"]) == 0
    allowed, default = closed  # each server, once stopped, closed its sandbox
    assert allowed.outbox.hosts.allowed == {"erp.test", "10.0.0.7"}
    assert default.outbox.hosts.allowed == frozenset()
    assert allowed.outbox.closed and default.outbox.closed
    capsys.readouterr()
