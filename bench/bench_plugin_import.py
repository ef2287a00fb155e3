"""What the pytest plugin costs a project that has the package installed but never uses it.

Run from the repository root:

    ./dev bench bench/bench_plugin_import.py [--rounds 15] [--tests 200]

Two measures, each alternating with and without the plugin for `--rounds` rounds, medians shown:

  import     a fresh interpreter imports pytest, then times `import pleo_export_mock.pytest_plugin`
             alone (perf_counter around the import statement);
  pytest     `python -m pytest --co -q` of a generated project of `--tests` plain tests, wall
             time of the whole process, with the plugin (`-p pleo_export_mock.pytest_plugin`)
             and without it (`-p` of an empty module in the project instead). Plugin
             autoloading is off in both runs, so other installed plugins add neither time nor
             noise; both name a plugin with `-p`, because pytest then reads every installed
             package's entry points looking for it (about 8 ms here), which autoloading does
             anyway and which is no cost of this plugin.

Target: the plugin adds under 5 ms to `pytest --co` (PASS/FAIL is printed). On a busy machine
the whole-process numbers wander by more than that; the import median is the steadier figure,
and the ratio (with / without) is what to compare across machines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 5.0
PLUGIN = "pleo_export_mock.pytest_plugin"
NO_PLUGIN = "empty_plugin"  # a module of the generated project: `-p` it costs what `-p` costs
IMPORT_PROBE = f"""
import time
import pytest
started = time.perf_counter()
import {PLUGIN}
print((time.perf_counter() - started) * 1000)
"""


def child_env(**extra: str) -> dict[str, str]:
    """This environment, writing .pyc files: an installed package has them, so a run that
    compiled every module from source (PYTHONDONTWRITEBYTECODE) would measure the compiler."""
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def import_ms() -> float:
    """One fresh interpreter's time to import the plugin module, pytest already loaded."""
    probe = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(probe.stdout)


def pytest_ms(project: Path, with_plugin: bool) -> float:
    """Wall time of one `pytest --co` process over `project`, in milliseconds."""
    command = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
    command += ["-p", PLUGIN if with_plugin else NO_PLUGIN]
    env = child_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    started = time.perf_counter()
    subprocess.run(command, cwd=project, env=env, capture_output=True, check=True)
    return (time.perf_counter() - started) * 1000


def make_project(folder: Path, tests: int) -> Path:
    """A project that knows nothing of the sandbox: `tests` plain tests in ten files."""
    per_file = max(1, tests // 10)
    for number in range(10):
        body = "\n".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(per_file))
        (folder / f"test_plain_{number}.py").write_text(body)
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / f"{NO_PLUGIN}.py").write_text('"""Nothing: the run without the plugin names it."""\n')
    return folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--tests", type=int, default=200)
    args = parser.parse_args(argv)

    import_ms()  # the first run writes the .pyc files
    imports = [import_ms() for _ in range(args.rounds)]
    print(
        f"import {PLUGIN}: median {statistics.median(imports):.2f} ms, "
        f"min {min(imports):.2f} ms over {args.rounds} interpreters"
    )

    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder), args.tests)
        pytest_ms(project, with_plugin=True)  # warm the file cache and the .pyc files
        bare, plugged = [], []
        for _ in range(args.rounds):
            bare.append(pytest_ms(project, with_plugin=False))
            plugged.append(pytest_ms(project, with_plugin=True))
    without, with_ = statistics.median(bare), statistics.median(plugged)
    low, _, high = statistics.quantiles(bare, n=4)
    print(f"  spread of the runs without (p25..p75): {low:.1f}..{high:.1f} ms")
    added = with_ - without
    print(
        f"pytest --co, {args.tests} plain tests: without {without:.1f} ms, "
        f"with {with_:.1f} ms (medians of {args.rounds})"
    )
    print(
        f"  added {added:+.1f} ms, ratio {with_ / without:.3f}; "
        f"target under {TARGET_MS:.0f} ms: {'PASS' if added < TARGET_MS else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
