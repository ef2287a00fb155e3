"""`pleo-export-mock replay FILE`: a run bundle's start served again, or its end judged again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .cli_numbers import SERVE_THREADS
from .errors import UsageError


def add_replay(commands: Any) -> None:
    """Register `replay` with the command line's subcommands."""
    replay = commands.add_parser(
        "replay", help="serve a run bundle's starting state again, or judge its run again"
    )
    replay.add_argument("bundle", type=Path, metavar="FILE", help="a bundle of `verify --bundle`")
    replay.add_argument(
        "--judge",
        action="store_true",
        help="judge the recorded journal and final state with today's rules; runs nothing",
    )
    replay.add_argument(
        "--run",
        dest="run_number",
        type=int,
        default=None,
        metavar="N",
        help="which run of a bundle of several to serve (1 is the first); --judge judges all",
    )
    replay.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    replay.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free one")
    replay.add_argument(
        "--threads",
        type=int,
        default=SERVE_THREADS,
        help=f"worker threads (default: {SERVE_THREADS})",
    )
    replay.add_argument("--quiet", action="store_true", help="no per-request log lines")
    replay.add_argument(
        "--show-bodies",
        action="store_true",
        help="with --judge: print the request and response bodies of each cited request",
    )
    replay.set_defaults(run=_replay)


def _replay(args: argparse.Namespace) -> int:
    from .verify.bundle_read import read_bundle

    runs = read_bundle(args.bundle)
    if args.judge:
        return _judge(args, runs)
    return _serve(args, runs)


def _judge(args: argparse.Namespace, runs: list[Any]) -> int:
    from .verify.bundle_read import judge
    from .verify.report import format_outcome

    chosen = [_chosen(args, runs)] if args.run_number is not None else runs
    failed = []
    for run in chosen:
        outcome = judge(args.bundle, run)
        print(format_outcome(outcome, bodies=args.show_bodies), end="\n\n", flush=True)
        if not outcome.verdict.ok:
            failed.append(f"{outcome.scenario} (seed {outcome.seed})")
    if len(chosen) > 1:  # the same closing line as `verify`
        print(
            f"{len(chosen) - len(failed)} of {len(chosen)} runs passed"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    return 1 if failed else 0


def _serve(args: argparse.Namespace, runs: list[Any]) -> int:
    from .cli_serve import serve_in_foreground
    from .sandbox import SandboxConfig
    from .verify.bundle_read import starting_sandbox

    if args.run_number is None and len(runs) > 1:
        raise UsageError(
            f"{args.bundle} holds {len(runs)} runs: choose one with --run 1..{len(runs)}"
        )
    run = _chosen(args, runs) if args.run_number is not None else runs[0]
    sandbox = starting_sandbox(args.bundle, run, SandboxConfig(clock="running"))
    print(f"replay: {run.folder} of {args.bundle}", file=sys.stderr, flush=True)
    return serve_in_foreground(sandbox, args.host, args.port, args.threads, args.quiet)


def _chosen(args: argparse.Namespace, runs: list[Any]) -> Any:
    if not 1 <= args.run_number <= len(runs):
        raise UsageError(f"--run {args.run_number}: {args.bundle} holds {len(runs)} run(s)")
    return runs[args.run_number - 1]
