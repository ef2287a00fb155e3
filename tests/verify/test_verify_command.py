"""`verify` end to end: the reference connector passes everywhere, each broken one is caught."""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from pleo_export_mock.cli import main
from pleo_export_mock.scenarios.loader import scenario_names
from pleo_export_mock.verify import RULES
from pleo_export_mock.verify.runner import VerifyOptions, verify

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REFERENCE = (sys.executable, str(EXAMPLES / "reference_connector.py"))


def _broken_variants() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location(
        "broken_connector", EXAMPLES / "broken_connector.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EXAMPLES))
    breakages: dict[str, str] = module.BREAKAGES
    return breakages


BREAKAGES = _broken_variants()
sys.path.insert(0, str(EXAMPLES))
from broken_webhook_connector import BREAKAGES as WEBHOOK_BREAKAGES  # noqa: E402


@pytest.mark.parametrize("scenario", scenario_names())
def test_the_reference_connector_passes_every_scenario(scenario: str) -> None:
    outcome = verify(VerifyOptions(scenario, REFERENCE, timeout=60))
    assert outcome.run is not None and outcome.run.exit_code == 0, outcome.run
    assert outcome.verdict.findings == (), [f.message for f in outcome.verdict.findings]


@pytest.mark.parametrize("rule_id", sorted(BREAKAGES))
def test_each_broken_connector_is_caught_by_its_rule(rule_id: str) -> None:
    command = (*REFERENCE[:1], str(EXAMPLES / "broken_connector.py"), "--break", rule_id)
    outcome = verify(VerifyOptions(BREAKAGES[rule_id], command, timeout=60))
    flagged = {finding.rule_id for finding in outcome.verdict.findings}
    assert rule_id in flagged, outcome.run.stderr[-2000:] if outcome.run else ""
    # A wrong final status also misses the scenario's expectation: the same mistake, restated.
    unrelated = {f.rule_id for f in outcome.verdict.errors} - {rule_id, "scenario-expectations"}
    assert not unrelated, [f.message for f in outcome.verdict.errors if f.rule_id != rule_id]


def test_every_rule_a_client_can_break_has_a_broken_example() -> None:
    # A connector cannot make a job expire within a test's time (test_rules.py advances the
    # clock instead); the others judge outcomes rather than one request a client gets wrong.
    needs_faults_or_time = {
        "finishes-before-expiry",
        "scenario-expectations",
        "all-eligible-jobs-finished",
        "connector-exits",
    }
    # Webhook rules are broken by examples/broken_webhook_connector.py, under --service.
    webhook_variants = set(WEBHOOK_BREAKAGES)
    assert set(RULES) - needs_faults_or_time <= set(BREAKAGES) | webhook_variants


def test_cli_exit_codes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    assert (
        main(
            [
                "verify",
                "--scenario",
                "pending",
                "--report-json",
                str(report),
                "--junit",
                str(junit),
                "--",
                *REFERENCE,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "verdict: PASS" in out
    data = json.loads(report.read_text())
    assert data["ok"] and data["scenarios"][0]["connector"]["exitCode"] == 0
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    assert int(suite.get("tests", "0")) == len(RULES)


def test_a_connector_that_does_nothing_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "verify",
                "--scenario",
                "pending",
                "--",
                sys.executable,
                "-c",
                "print('nothing to do')",
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "all-eligible-jobs-finished" in out and "verdict: FAIL" in out


def test_junit_parses_when_the_connector_prints_control_characters(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    noisy = "import sys; print('\\x01 nothing to do \\x1b[0m'); print('\\x02', file=sys.stderr)"
    argv = ["verify", "--scenario", "pending", "--junit", str(junit), "--", sys.executable]
    assert main([*argv, "-c", noisy]) == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") != "0"
    assert suite.findtext("system-out") == "\ufffd nothing to do \ufffd[0m\n"
    assert suite.findtext("system-err") == "\ufffd\n"
    failed = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert "all-eligible-jobs-finished" in {case.get("name") for case in failed}


def test_a_hanging_connector_is_killed_at_the_timeout(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    code = main(
        [
            "verify",
            "--scenario",
            "pending",
            "--timeout",
            "0.5",
            "--report-json",
            str(report),
            "--",
            sys.executable,
            "-c",
            "import time; time.sleep(30)",
        ]
    )
    assert code == 1
    connector = json.loads(report.read_text())["scenarios"][0]["connector"]
    assert connector["timedOut"] and connector["exitCode"] is None


@pytest.mark.parametrize(
    "argv, message",
    [
        (["verify", "--scenario", "pending"], "needs the connector command"),
        (["verify", "--scenario", "pending", "--", "/no/such/connector"], "cannot start"),
        (["verify", "--scenario", "no_such", "--", "true"], "no_such"),
        (["verify", "--scenario", "pending", "--timeout", "0", "--", "true"], "--timeout"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_status(argv) == 2
    assert message in capsys.readouterr().err


def exit_status(argv: list[str]) -> int | str | None:
    """What the command exits with, whether main returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def test_rules_command_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(RULES)


def test_several_seeds_name_each_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["verify", "--scenario", "pending", "--seed", "40", "--seeds", "2", "--", *REFERENCE])
        == 0
    )
    out = capsys.readouterr().out
    assert "scenario pending (seed 40)" in out and "scenario pending (seed 41)" in out
    assert "2 of 2 runs passed" in out


@pytest.mark.parametrize("seed", range(1, 7))  # six consecutive seeds meet every job shape
def test_the_reference_connector_survives_hostile_data(seed: int) -> None:
    outcome = verify(VerifyOptions("fuzz", REFERENCE, seed=seed, timeout=60))
    assert outcome.verdict.findings == (), [f.message for f in outcome.verdict.findings]


LIES_COMPLETED = (
    sys.executable,
    str(EXAMPLES / "broken_connector.py"),
    "--break",
    "final-event-agrees",
)


def test_findings_carry_the_exchanges_they_cite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.json"
    argv = ["verify", "--scenario", "partial_errors", "--quiet", "--report-json", str(report)]
    assert main([*argv, "--show-bodies", "--", *LIES_COMPLETED]) == 1
    out = capsys.readouterr().out
    finding = next(
        f
        for f in json.loads(report.read_text())["scenarios"][0]["findings"]
        if f["rule"] == "final-event-agrees"
    )
    (exchange,) = finding["exchanges"]
    assert exchange["requestBody"]["event"] == "completed" and exchange["status"] == 202
    job_id = exchange["requestBody"]["jobId"]
    assert f'request: {{"event": "completed", "jobId": "{job_id}"}}' in out
    assert "connector stderr:" in out and "no eligible export job left" in out


def test_bodies_are_shown_only_on_demand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--scenario", "partial_errors", "--quiet", "--", *LIES_COMPLETED]) == 1
    out = capsys.readouterr().out
    assert "evidence: #" in out and "request: {" not in out


def test_journal_saves_every_exchange_as_har_a_page_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har_file, report = tmp_path / "run.har", tmp_path / "report.json"
    argv = ["verify", "--scenario", "pending", "--seeds", "2", "--quiet"]
    argv += ["--journal", str(har_file), "--report-json", str(report)]
    assert main([*argv, "--", *REFERENCE]) == 0
    log = json.loads(har_file.read_text())["log"]
    runs = json.loads(report.read_text())["scenarios"]
    assert [page["title"] for page in log["pages"]] == [
        f"verify pending (seed {run['seed']})" for run in runs
    ]
    per_page = Counter(entry["pageref"] for entry in log["entries"])
    assert [per_page[page["id"]] for page in log["pages"]] == [run["requests"] for run in runs]
    assert any(entry["request"].get("postData") for entry in log["entries"])


def test_progress_goes_to_stderr_a_line_per_transition(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify", "--scenario", "pending", "--", *REFERENCE]) == 0
    captured = capsys.readouterr()
    transitions = [line for line in captured.err.splitlines() if " -> " in line]
    assert [line.split(": ")[-1] for line in transitions] == [
        "pending -> in_progress",
        "in_progress -> completed",
    ]
    assert " -> in_progress" not in captured.out  # stdout keeps only the report
    assert main(["verify", "--scenario", "pending", "--quiet", "--", *REFERENCE]) == 0
    assert capsys.readouterr().err == ""
