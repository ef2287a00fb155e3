"""`pleo-export-mock`: thin command-line wiring over the library. No logic lives here."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .cli_help import VersionAction, describe_commands
from .cli_numbers import check_numbers
from .errors import ToolError, UsageError

if TYPE_CHECKING:
    from .sandbox import Sandbox
    from .server import SandboxServer

# `serve` may run for days: its journal keeps the latest exchanges only, by count and by the
# bytes of their bodies (docs/decisions.md, "Journal").
SERVE_JOURNAL_ENTRIES = 10_000
SERVE_JOURNAL_BYTES = 64 * 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.run(args)
        sys.stdout.flush()  # a reader that left early (`| head`) shows up here, not at exit
        return result
    except ToolError as problem:
        print(f"pleo-export-mock: error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


# What a shell reports for a program a closed pipe stopped (128 + SIGPIPE), as for `cat`.
EXIT_BROKEN_PIPE = 141


def _discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail loudly."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pleo-export-mock",
        description="A stateful sandbox of Pleo's Export API v3, and a judge for connectors.",
        epilog="`pleo-export-mock COMMAND --help` shows a command's options, examples and exit "
        "codes.",
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the sandbox on a loopback port")
    serve.add_argument(
        "--scenario",
        default="pending",
        metavar="NAME|FILE",
        help="a shipped scenario name or a scenario YAML file (default: pending)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free one")
    serve.add_argument("--seed", type=int, default=None, help="seed for ids and generated data")
    serve.add_argument(
        "--clock",
        choices=("running", "frozen"),
        default="running",
        help="running: sandbox time ticks from now; frozen: it moves only when "
        "advanced, so runs repeat byte for byte (default: running)",
    )
    serve.add_argument(
        "--start",
        type=_timestamp,
        default=None,
        metavar="ISO-TIME",
        help="sandbox time at start, e.g. 2026-01-15T09:00:00Z",
    )
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default: 8)")
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")
    serve.add_argument(
        "--allow-webhook-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also deliver webhooks to this host name or address (repeatable); "
        "by default they go only to loopback addresses",
    )
    serve.set_defaults(run=_serve)

    verify = commands.add_parser(
        "verify",
        help="run a connector against a fresh sandbox and judge what it did",
        usage="pleo-export-mock verify --scenario NAME [--seed N] [--seeds N] [--timeout S] "
        "[--no-deprecated] [--service [--ready-url URL]] [--report-json FILE] [--junit FILE] "
        "[--journal FILE] [--show-bodies] [--quiet] -- COMMAND [ARGS...]",
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
    verify.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    verify.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="save every request and answer of the run(s) as HAR, a page per run",
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

    rules = commands.add_parser("rules", help="list the connector rules the verifier checks")
    rules.add_argument("--markdown", action="store_true", help="as the README's Markdown table")
    rules.set_defaults(run=_rules)

    scenarios = commands.add_parser("scenarios", help="list the shipped scenarios, or show one")
    scenarios.add_argument("name", nargs="?", help="show this scenario (name or file)")
    scenarios.set_defaults(run=_scenarios)

    fuzz = commands.add_parser(
        "fuzz",
        help="hold a server that claims to be the Export API to our spec with Schemathesis",
        description="Fuzz the server at --url with Schemathesis against this package's spec: "
        "every check, every phase. Exit 0: no failures; 1: failures; 2: usage error, server "
        "unreachable or credentials refused.",
    )
    fuzz.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:8080")
    credentials = fuzz.add_mutually_exclusive_group()
    credentials.add_argument("--api-key", metavar="KEY", help="sent as Basic base64(KEY:)")
    credentials.add_argument("--token", metavar="TOKEN", help="sent as Bearer TOKEN")
    fuzz.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header for every request, repeatable; may carry the Authorization",
    )
    fuzz.add_argument(
        "--max-examples",
        type=int,
        default=20,
        metavar="N",
        help="examples per operation and phase (default: 20)",
    )
    fuzz.add_argument("--seed", type=int, default=1, help="seed of the run (default: 1)")
    fuzz.add_argument("--report-junit", type=Path, metavar="FILE", help="write JUnit XML")
    fuzz.set_defaults(run=_fuzz)
    describe_commands(commands.choices)
    check_numbers(commands.choices.values())
    return parser


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a timezone, e.g. {text}Z")
    return moment


def _serve(args: argparse.Namespace) -> int:
    # Start-up allocates much and frees little: the collector would scan it all for nothing.
    gc.disable()
    try:
        sandbox, server = _start_serving(args)
        # The seeded state lives as long as the process: keep the collector from rescanning it.
        gc.freeze()
    finally:
        gc.enable()
    try:
        server.serve_forever()
    finally:
        sandbox.close()  # no webhook leaves a server that has stopped
    return 0


def _start_serving(args: argparse.Namespace) -> tuple[Sandbox, SandboxServer]:
    """The sandbox and its server, listening, with the banner printed."""
    from .http import HttpSettings, create_app
    from .sandbox import Sandbox, SandboxConfig
    from .server import LOG_FORMAT, LOG_TIME_FORMAT, AccessLog, JobLog, SandboxServer
    from .summary import describe_sandbox

    webhook_hosts = frozenset(host.lower() for host in args.allow_webhook_host)
    sandbox = Sandbox(
        args.scenario,
        SandboxConfig(
            seed=args.seed, clock=args.clock, start=args.start, webhook_hosts=webhook_hosts
        ),
    )
    sandbox.journal.max_entries = SERVE_JOURNAL_ENTRIES
    sandbox.journal.max_bytes = SERVE_JOURNAL_BYTES
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    app.api.observers.append(JobLog(sandbox))  # the Export API's faults; jobs as they change
    logging.basicConfig(
        level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_TIME_FORMAT, stream=sys.stdout
    )
    # waitress reports every request that waits for a free thread; under load that drowns the log.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.quiet:
        logging.getLogger("pleo_export_mock.access").setLevel(logging.WARNING)
    try:
        server = SandboxServer(AccessLog(app), host=args.host, port=args.port, threads=args.threads)
    except OSError as problem:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {problem.strerror}") from None
    print(describe_sandbox(sandbox, server.url), flush=True)
    return sandbox, server


def _verify(args: argparse.Namespace) -> int:
    from .scenarios.loader import scenario_names
    from .verify.har import outcomes_har
    from .verify.report import format_outcome, outcome_json, to_junit
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
    names = scenario_names() if args.scenario == "all" else [args.scenario]
    outcomes = []
    for name in names:
        for seed in _seeds(name, args.seed, args.seeds):
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
            )
            outcome = verify(options)
            print(format_outcome(outcome, bodies=args.show_bodies), end="\n\n", flush=True)
            outcomes.append(outcome)
    if args.report_json:
        report = {
            "ok": all(o.verdict.ok for o in outcomes),
            "scenarios": [outcome_json(o) for o in outcomes],
        }
        _write(args.report_json, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if args.junit:
        _write(args.junit, to_junit(outcomes))
    if args.journal:
        _write(args.journal, json.dumps(outcomes_har(outcomes), indent=2, ensure_ascii=False))
    failed = [f"{o.scenario} (seed {o.seed})" for o in outcomes if not o.verdict.ok]
    if len(outcomes) > 1:
        print(
            f"{len(outcomes) - len(failed)} of {len(outcomes)} runs passed"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    return 1 if failed else 0


def _seeds(scenario: str, seed: int | None, count: int) -> list[int | None]:
    """`count` consecutive seeds from `seed` (or the scenario's own); [seed] for one run."""
    if count == 1:
        return [seed]
    from .scenarios.loader import resolve

    first = seed if seed is not None else resolve(scenario).seed
    return list(range(first, first + count))


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as problem:
        raise UsageError(f"cannot write {path}: {problem.strerror}") from None


def _fuzz(args: argparse.Namespace) -> int:
    from .fuzzing.command import FuzzRequest, fuzz_command

    return fuzz_command(
        FuzzRequest(
            url=args.url,
            api_key=args.api_key,
            token=args.token,
            headers=tuple(args.header),
            max_examples=args.max_examples,
            seed=args.seed,
            junit=args.report_junit,
        )
    )


def _rules(args: argparse.Namespace) -> int:
    from .verify import RULES

    if args.markdown:
        print("| id | severity | rule | Pleo's guidance | source |")
        print("|---|---|---|---|---|")
        for rule in RULES.values():
            print(
                f"| `{rule.id}` | {rule.severity.value} | {rule.title} | {rule.guidance} "
                f"| {rule.source} |"
            )
        return 0
    width = max(len(rule_id) for rule_id in RULES)
    for rule in RULES.values():
        print(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.title}")
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from .scenarios.loader import load_named, resolve, scenario_names

    if args.name:
        scenario = resolve(args.name)
        print(f"{scenario.name}: {scenario.description}")
        print(f"file: {scenario.source}\n")
        if scenario.path is not None:
            print(scenario.path.read_text(encoding="utf-8"), end="")
        return 0
    names = scenario_names()
    width = max(map(len, names), default=0)
    for name in names:
        print(f"{name:<{width}}  {load_named(name).description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
