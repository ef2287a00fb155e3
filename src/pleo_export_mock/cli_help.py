"""What `pleo-export-mock COMMAND --help` says beyond the options: what the command is for,
examples to copy, the environment a connector gets, and the exit codes.

Kept apart from `cli.py` so the wiring stays short and the prose can be read in one place.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass

CONNECTOR_ENVIRONMENT = """\
a connector's environment:
  PLEO_API_URL       the sandbox's base URL, e.g. http://127.0.0.1:8080
  PLEO_API_KEY       an API key, sent as Authorization: Basic base64(KEY:)
  PLEO_ACCESS_TOKEN  an access token, sent as Authorization: Bearer TOKEN
  PLEO_COMPANY_ID    the company to export"""


@dataclass(frozen=True, slots=True)
class CommandHelp:
    description: str
    examples: tuple[str, ...]
    exit_codes: str
    environment: str = ""

    def epilog(self) -> str:
        parts = ["examples:\n" + "\n".join(f"  {line}" for line in self.examples)]
        if self.environment:
            parts.append(self.environment)
        parts.append("exit status:\n" + self.exit_codes)
        return "\n\n".join(parts)


USAGE_ERROR = "  2  a usage error: a bad option, an unknown or broken scenario"

HELP: dict[str, CommandHelp] = {
    "serve": CommandHelp(
        "Run a stateful sandbox of Pleo's Export API v3 on a loopback port until Ctrl+C. It "
        "prints the URL, the credentials and the company ids, then logs one timestamped line "
        "per request, per job transition or expiry, and per injected fault. The control plane "
        "(Pleo's side: press Export, move the clock, load scenarios) is under /_mock/.",
        (
            "pleo-export-mock serve",
            "pleo-export-mock serve --scenario partial_errors --port 9000",
            "pleo-export-mock serve --scenario fuzz --seed 17 --clock frozen",
            "pleo-export-mock serve --scenario my_case.yaml --quiet",
        ),
        "  130  stopped by Ctrl+C\n"
        + USAGE_ERROR.replace("2  ", "2    ")
        + ",\n       or a port that cannot be bound",
        "the banner prints what to give a connector:\n" + CONNECTOR_ENVIRONMENT.split("\n", 1)[1],
    ),
    "verify": CommandHelp(
        "Start a fresh sandbox on a free loopback port, run the connector command against it, "
        "and judge what the connector did against every rule of `pleo-export-mock rules`.",
        (
            "pleo-export-mock verify --scenario partial_errors -- python my_connector.py",
            "pleo-export-mock verify --scenario all --junit verify.xml -- ./connector --once",
            "pleo-export-mock verify --scenario fuzz --seeds 20 -- python my_connector.py",
            "pleo-export-mock verify --scenario backlog --bundle run.zip -- ./connector --once",
        ),
        "  0  no error-level finding\n  1  at least one error-level finding\n"
        + USAGE_ERROR
        + ",\n     or a connector command that cannot start",
        CONNECTOR_ENVIRONMENT,
    ),
    "replay": CommandHelp(
        "Serve the starting state of a run bundle (`verify --bundle FILE`) as `serve` does: the "
        "same scenario, seed, faults, data and ids, so the connector can be run again under "
        "the same conditions. With --judge, judge the recorded journal and final state with "
        "this version's rules instead, running nothing, and print the verdict as `verify` does.",
        (
            "pleo-export-mock replay run.zip --port 9000",
            "pleo-export-mock replay run.zip --judge",
            "pleo-export-mock replay all-runs.zip --run 3",
        ),
        "  0  served until Ctrl+C (130), or --judge: no error-level finding\n"
        "  1  --judge: at least one error-level finding\n"
        "  2  an unusable bundle (not a zip, a missing member, a sha256 that does not match,\n"
        "     a newer format), a bad option, or a port that cannot be bound",
    ),
    "rules": CommandHelp(
        "List the connector rules `verify` checks: id, severity and title.",
        ("pleo-export-mock rules", "pleo-export-mock rules --markdown > rules.md"),
        "  0  listed",
    ),
    "scenarios": CommandHelp(
        "List the shipped scenarios with one line each, or print one scenario's YAML.",
        ("pleo-export-mock scenarios", "pleo-export-mock scenarios partial_errors"),
        "  0  listed or shown\n  2  no such scenario, or a broken scenario file",
    ),
    "fuzz": CommandHelp(
        "Fuzz the server at --url with Schemathesis against this package's Export API spec: "
        "every check, every phase. Credentials are tried before the run. Needs the fuzz extra: "
        "pip install 'pleo-export-mock[fuzz]'.",
        (
            "pleo-export-mock fuzz --url http://127.0.0.1:8080 --api-key KEY",
            "pleo-export-mock fuzz --url https://staging.example --token TOKEN --seed 7",
        ),
        "  0  no failures\n  1  failures\n"
        "  2  a usage error, the server unreachable, or the credentials refused",
    ),
}


def describe_commands(commands: dict[str, argparse.ArgumentParser]) -> None:
    """Give every subcommand its description and its epilog of examples and exit codes."""
    for name, parser in commands.items():
        text = HELP[name]
        parser.description = textwrap.fill(text.description, 79, break_on_hyphens=False)
        parser.epilog = text.epilog()
        # Keep the epilog's own line breaks; argparse would reflow them into one paragraph.
        parser.formatter_class = argparse.RawDescriptionHelpFormatter


class VersionAction(argparse.Action):
    """--version, read from the package's metadata only when asked: reading it at every start
    would cost `serve` its import of importlib.metadata."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest=dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import version

        print(f"{parser.prog} {version('pleo-export-mock')}")
        parser.exit()
