"""Every command as a user meets it: its help, its version, its numbers, its output in a pipe."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pleo_export_mock.cli import _parser, main
from pleo_export_mock.cli_numbers import NUMBER_RANGES, SERVE_THREADS

COMMANDS = ("serve", "verify", "replay", "rules", "scenarios", "fuzz", "drift")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_covered_here() -> None:
    assert set(_subcommands()) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_a_description_examples_and_exit_codes(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.count("\n\n") >= 3  # usage, description, options, epilog
    assert f"examples:\n  pleo-export-mock {command}" in text
    assert "exit status:\n  " in text


@pytest.mark.parametrize("command", ["serve", "verify"])
def test_help_names_the_connector_environment(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    for variable in ("PLEO_API_URL", "PLEO_API_KEY", "PLEO_ACCESS_TOKEN", "PLEO_COMPANY_ID"):
        assert variable in text


def test_version_names_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("pleo-export-mock 0.")


def _numeric_options() -> list[tuple[str, str]]:
    return [
        (name, action.option_strings[0])
        for name, command in _subcommands().items()
        for action in command._actions
        if action.dest in NUMBER_RANGES and action.option_strings
    ]


def test_every_numeric_option_has_a_range() -> None:
    # check_numbers refuses to build a parser with an unranged number; this shows it found some.
    assert ("serve", "--threads") in _numeric_options()
    assert ("fuzz", "--max-examples") in _numeric_options()
    assert ("verify", "--timeout") in _numeric_options()


@pytest.mark.parametrize("value", ["-1", "99999999999999999999", "nan", "inf", "x"])
@pytest.mark.parametrize(("command", "option"), _numeric_options())
def test_a_number_out_of_range_is_a_usage_error_naming_the_option(
    command: str, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    required = {"verify": ["--scenario", "pending"], "fuzz": ["--url", "http://127.0.0.1:1"]}
    after = ["--", "true"] if command == "verify" else []
    with pytest.raises(SystemExit) as exited:
        main([command, *required.get(command, []), option, value, *after])
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"error: argument {option}: " in error
    assert "must be" in error or "is not a" in error


def test_serve_refuses_zero_threads_instead_of_never_answering() -> None:
    # In a child process: a server with no worker thread listens but never answers.
    result = subprocess.run(
        [sys.executable, "-m", "pleo_export_mock.cli", "serve", "--port", "0", "--threads", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "argument --threads: 0: must be from 1 to 256" in result.stderr


def test_a_number_in_range_is_taken() -> None:
    args = _parser().parse_args(["serve", "--threads", "1", "--port", "0", "--seed", "0"])
    assert (args.threads, args.port, args.seed) == (1, 0, 0)


def test_serve_and_replay_answer_with_the_thread_count_the_readme_shows() -> None:
    """Three: more lengthen the tail under contention (docs/decisions.md)."""
    assert _parser().parse_args(["serve"]).threads == SERVE_THREADS == 3
    assert _parser().parse_args(["replay", "run.zip"]).threads == SERVE_THREADS
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"[--threads {SERVE_THREADS}]" in readme


@pytest.mark.parametrize("command", [["scenarios"], ["rules"], ["rules", "--markdown"]])
def test_output_into_a_closed_pipe_ends_quietly(command: list[str]) -> None:
    # The reader is gone before the command writes its first byte, as with `| head` at once.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pleo_export_mock.cli", *command],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert result.stderr == ""
    assert result.returncode == 141
