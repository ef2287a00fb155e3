"""The self-fuzz of tests/fuzzing/test_self_fuzz.py at a much larger example count, by hand.

    ./dev bench bench/fuzz_sandbox.py [--max-examples 500] [--seed 1] [--scenario pending]
                                      [--scenario-seed N] [--versions v3|v0-v2]

Schemathesis against the sandbox in process: every check, every phase (examples, coverage,
fuzzing, stateful through the spec's links), the configuration `pleo-export-mock fuzz` uses.
`--seed` seeds Schemathesis; `--scenario-seed` the scenario's data (e.g. the hostile `fuzz`
scenario); `--versions v0-v2` fuzzes the older versions' spec instead of v3's. Prints the
cases run, the failures (each in full) and the duration; exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys

from pleo_export_mock import Sandbox, SandboxConfig
from pleo_export_mock.fuzzing.report import format_summary
from pleo_export_mock.fuzzing.sandbox import LEGACY_SPEC, V3_SPEC, fuzz_sandbox

SPECS = {"v3": V3_SPEC, "v0-v2": LEGACY_SPEC}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="pending")
    parser.add_argument("--scenario-seed", type=int, default=None, help="default: the scenario's")
    parser.add_argument("--versions", choices=sorted(SPECS), default="v3")
    args = parser.parse_args()
    sandbox = Sandbox(args.scenario, SandboxConfig(seed=args.scenario_seed))
    spec = SPECS[args.versions]
    result = fuzz_sandbox(sandbox, args.max_examples, args.seed, spec_path=spec)
    print(format_summary(result, f"the sandbox in process (scenario {args.scenario})"), end="")
    print(
        f"cases {result.cases}, failures {len(result.findings)}, duration {result.duration_s:.1f} s"
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
