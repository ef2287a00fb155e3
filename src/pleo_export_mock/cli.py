"""`pleo-export-mock`: thin command-line wiring over the library. No logic lives here."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime
from importlib.metadata import version

from .errors import ToolError, UsageError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.run(args)
        return result
    except ToolError as problem:
        print(f"pleo-export-mock: error: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pleo-export-mock",
        description="A stateful sandbox of Pleo's Export API v3, and a judge for connectors.",
    )
    parser.add_argument("--version", action="version", version=version("pleo-export-mock"))
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
    serve.set_defaults(run=_serve)

    scenarios = commands.add_parser("scenarios", help="list the shipped scenarios, or show one")
    scenarios.add_argument("name", nargs="?", help="show this scenario (name or file)")
    scenarios.set_defaults(run=_scenarios)
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
    from .http import HttpSettings, create_app
    from .sandbox import Sandbox, SandboxConfig
    from .server import AccessLog, SandboxServer
    from .summary import describe_sandbox

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: must be between 0 and 65535")
    sandbox = Sandbox(
        args.scenario, SandboxConfig(seed=args.seed, clock=args.clock, start=args.start)
    )
    app = create_app(sandbox, HttpSettings(response_violations="log"))
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    # waitress reports every request that waits for a free thread; under load that drowns the log.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.quiet:
        logging.getLogger("pleo_export_mock.access").setLevel(logging.WARNING)
    try:
        server = SandboxServer(AccessLog(app), host=args.host, port=args.port, threads=args.threads)
    except OSError as problem:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {problem.strerror}") from None
    print(describe_sandbox(sandbox, server.url), flush=True)
    server.serve_forever()
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
