"""`pleo-export-mock drift`: Pleo's newer spec files against the specs the sandbox serves."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from .cli_help import CommandHelp

HELP = CommandHelp(
    "Compare Pleo's spec files with the specs the sandbox serves (Export API v3, v0-v2, "
    "Webhook Subscriptions), each file matched to ours by its paths. Every change is classed "
    "as breaking for a connector or additive, with the verifier rules and shipped scenarios "
    "that touch it. Our documented deviations from Pleo are not drift; --all shows them.",
    (
        "pleo-export-mock drift pleo-export-openapi.yaml",
        "pleo-export-mock drift --json pleo-export-openapi.yaml > drift.json",
        "pleo-export-mock drift --all pleo-webhook-subscriptions.yaml",
    ),
    "  0  no drift\n  1  drift: at least one change that is not a documented deviation\n"
    "  2  a usage error: a missing file, not YAML or JSON, not OpenAPI 3, or paths of no spec "
    "of ours",
)


def add_drift_command(commands: Any) -> None:
    """Register `drift` on the CLI's subcommands (`commands` is argparse's subparsers action)."""
    drift = commands.add_parser(
        "drift",
        help="compare Pleo's newer spec files with the specs the sandbox serves",
        description=textwrap.fill(HELP.description, 79, break_on_hyphens=False),
        epilog=HELP.epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    drift.add_argument(
        "files", nargs="+", type=Path, metavar="PLEO_SPEC_FILE", help="Pleo's spec, YAML or JSON"
    )
    drift.add_argument("--json", action="store_true", help="print JSON for machines")
    drift.add_argument(
        "--all", action="store_true", help="show our documented deviations from Pleo too"
    )
    drift.set_defaults(run=run_drift)


def run_drift(args: argparse.Namespace) -> int:
    from .drift import drift, render_json, render_text

    report = drift(args.files)
    if args.json:
        json.dump(render_json(report, show_all=args.all), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report, show_all=args.all))
    return 1 if report.has_drift else 0
