"""`pleo-export-mock`: thin command-line wiring over the library. No logic lives here."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .cli_drift import add_drift_command
from .cli_help import VersionAction, describe_commands
from .cli_numbers import SERVE_THREADS, check_numbers
from .cli_replay import add_replay
from .cli_verify import add_verify
from .errors import ToolError

if TYPE_CHECKING:
    from .sandbox import Sandbox


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
    serve.add_argument(
        "--threads",
        type=int,
        default=SERVE_THREADS,
        help=f"worker threads (default: {SERVE_THREADS})",
    )
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")
    serve.add_argument(
        "--allow-webhook-host",
        action="append",
        default=[],
        type=_webhook_host,
        metavar="HOST",
        help="also deliver webhooks to this host name or address (repeatable); "
        "by default they go only to loopback addresses",
    )
    serve.set_defaults(run=_serve)

    add_verify(commands)

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
    fuzz.add_argument(
        "--quiet", action="store_true", help="no progress line per operation on stderr"
    )
    fuzz.set_defaults(run=_fuzz)
    add_replay(commands)
    describe_commands(commands.choices)
    add_drift_command(commands)  # after: it carries its own help (cli_drift.HELP)
    check_numbers(commands.choices.values())
    return parser


def _webhook_host(text: str) -> str:
    from .delivery.hosts import allowed_host

    try:
        return allowed_host(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _timestamp(text: str) -> datetime:
    from .domain.clock import check_start

    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a timezone, e.g. {text}Z")
    try:
        check_start(moment)
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{text}: outside the years 1 to 9999 in UTC") from None
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    return moment


def _serve(args: argparse.Namespace) -> int:
    # Start-up (the sandbox's modules are imported here, so that other commands need not
    # import them) allocates much and frees little: the collector would scan it all for
    # nothing. serve_in_foreground turns it on again once the state is built and frozen.
    gc.disable()
    try:
        from .cli_serve import serve_in_foreground

        sandbox = _sandbox_to_serve(args)
    except BaseException:
        gc.enable()
        raise
    return serve_in_foreground(sandbox, args.host, args.port, args.threads, args.quiet)


def _sandbox_to_serve(args: argparse.Namespace) -> Sandbox:
    from .sandbox import Sandbox, SandboxConfig

    webhook_hosts = frozenset(args.allow_webhook_host)
    return Sandbox(
        args.scenario,
        SandboxConfig(
            seed=args.seed, clock=args.clock, start=args.start, webhook_hosts=webhook_hosts
        ),
    )


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
            quiet=args.quiet,
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
