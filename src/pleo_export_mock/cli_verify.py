"""`pleo-export-mock verify`: its options, and the run of each scenario and seed they ask for."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from .verify.report import Outcome


def add_verify(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `verify` subcommand on `commands` (argparse's subparsers)."""
    verify = commands.add_parser(
        "verify",
        help="run a connector against a fresh sandbox and judge what it did",
        usage="pleo-export-mock verify --scenario NAME [--seed N] [--seeds N] [--timeout S] "
        "[--no-deprecated] [--service [--ready-url URL]] [--report-json FILE] "
        "[--report-html FILE] [--junit FILE] "
        "[--journal FILE] [--bundle FILE] [--show-bodies] [--quiet] -- COMMAND [ARGS...]",
    )
    verify.add_argument(
        "--scenario",
        required=True,
        metavar="NAME|FILE|all",
        help="the scenario to run the connector on; `all` runs every shipped one",
    )
    verify.add_argument("--seed", type=int, default=None, help="seed for ids and generated data")
    verify.add_argument(
        "--seeds",
        type=int,
        default=1,
        metavar="N",
        help="run each scenario N times, with N consecutive seeds from --seed "
        "(for `fuzz`: N different hostile data sets)",
    )
    verify.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds the connector may run (default: 60)",
    )
    verify.add_argument(
        "--no-deprecated",
        action="store_true",
        help="fail the verdict when the connector calls a deprecated v0-v2 operation",
    )
    verify.add_argument(
        "--service",
        action="store_true",
        help="the connector is a long-running service: the scenario's timeline starts once it "
        "is ready (it subscribed to webhooks, or --ready-url answers), and it gets SIGTERM "
        "once every eligible job is finished",
    )
    verify.add_argument(
        "--ready-url", metavar="URL", help="with --service: ready once this URL answers 2xx"
    )
    verify.add_argument("--report-json", type=Path, metavar="FILE", help="write a JSON report")
    verify.add_argument(
        "--report-html",
        type=Path,
        metavar="FILE",
        help="write one self-contained HTML page: verdict, evidence, sequence diagram, jobs",
    )
    verify.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    verify.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="save every request and answer of the run(s) as HAR, a page per run",
    )
    verify.add_argument(
        "--bundle",
        type=Path,
        metavar="FILE",
        help="write a run bundle (zip) to carry and `replay`: scenario, states, journal, verdict",
    )
    verify.add_argument(
        "--show-bodies",
        action="store_true",
        help="print the request and response bodies of each cited request",
    )
    verify.add_argument(
        "--quiet", action="store_true", help="no progress lines on stderr while the connector runs"
    )
    verify.add_argument("connector", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS...]")
    verify.set_defaults(run=_verify)


def _verify(args: argparse.Namespace) -> int:
    from .scenarios.loader import scenario_names
    from .verify.report import format_outcome
    from .verify.runner import VerifyOptions, verify

    command = args.connector[1:] if args.connector[:1] == ["--"] else args.connector
    if not command:
        raise UsageError("verify needs the connector command after `--`")
    if args.ready_url and not args.service:
        raise UsageError("--ready-url goes with --service")
    if args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout:g}: must be more than 0 seconds")
    if args.seeds < 1:
        raise UsageError(f"--seeds {args.seeds}: give 1 or more")
    if args.bundle and not args.bundle.resolve().parent.is_dir():  # before the connector runs
        raise UsageError(f"--bundle {args.bundle}: no directory {args.bundle.parent}")
    names = scenario_names() if args.scenario == "all" else [args.scenario]
    runs = [(name, seed) for name in names for seed in _seeds(name, args.seed, args.seeds)]
    outcomes: list[Outcome] = []
    for number, (name, seed) in enumerate(runs, start=1):
        progress = None if args.quiet else sys.stderr  # stdout may be a report
        options = VerifyOptions(
            name,
            tuple(command),
            seed,
            args.timeout,
            args.no_deprecated,
            progress,
            service=args.service,
            ready_url=args.ready_url,
            label=f"run {number} of {len(runs)}: " if len(runs) > 1 else "",
            snapshots=args.bundle is not None,
        )
        outcome = verify(options)
        print(format_outcome(outcome, bodies=args.show_bodies), end="\n\n", flush=True)
        outcomes.append(outcome)
    _write_reports(args, outcomes)
    failed = [f"{o.scenario} (seed {o.seed})" for o in outcomes if not o.verdict.ok]
    if len(outcomes) > 1:
        print(
            f"{len(outcomes) - len(failed)} of {len(outcomes)} runs passed"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    return 1 if failed else 0


def _write_reports(args: argparse.Namespace, outcomes: list[Outcome]) -> None:
    """The files the options ask for, each covering every run."""
    from .verify.bundle import write_bundle
    from .verify.har import outcomes_har
    from .verify.html_report import to_html
    from .verify.report import outcome_json, to_junit

    if args.report_json:
        report = {
            "ok": all(o.verdict.ok for o in outcomes),
            "scenarios": [outcome_json(o) for o in outcomes],
        }
        _write(args.report_json, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.report_html:
        _write(args.report_html, to_html(outcomes))
    if args.junit:
        _write(args.junit, to_junit(outcomes))
    if args.journal:
        _write(args.journal, json.dumps(outcomes_har(outcomes), indent=2, ensure_ascii=False))
    if args.bundle:
        write_bundle(args.bundle, outcomes)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as problem:
        raise UsageError(f"cannot write {path}: {problem.strerror}") from None


def _seeds(scenario: str, seed: int | None, count: int) -> list[int | None]:
    """`count` consecutive seeds from `seed` (or the scenario's own); [seed] for one run."""
    if count == 1:
        return [seed]
    from .scenarios.loader import resolve

    first = seed if seed is not None else resolve(scenario).seed
    return list(range(first, first + count))
