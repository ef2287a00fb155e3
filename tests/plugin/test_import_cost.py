"""The plugin loads in every project the package is installed in: it must cost next to nothing.

Timing is left to `bench/bench_plugin_import.py`; these tests pin down *what* gets imported,
which is what makes the time.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# All the plugin may load while pytest starts and collects a project that never uses it.
LIGHT = {
    "pleo_export_mock",
    "pleo_export_mock.errors",
    "pleo_export_mock.pytest_plugin",
    "pleo_export_mock.testing",
    "pleo_export_mock.testing.options",
}
HEAVY = ("werkzeug", "jsonschema", "jsonschema_rs", "yaml", "waitress")

PROBE = """
import sys
import pytest
before = set(sys.modules)
import pleo_export_mock.pytest_plugin
print(*sorted(set(sys.modules) - before))
"""


def test_importing_the_plugin_loads_only_the_options() -> None:
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    loaded = set(probe.stdout.split())
    assert loaded, probe.stderr
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}
    assert {name for name in loaded if name.startswith("pleo_export_mock")} <= LIGHT


def test_collecting_a_project_that_never_uses_it_loads_no_sandbox(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only this plugin, named as its entry point names it: the others take seconds to load.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeconftest(
        """
        import sys

        def pytest_collection_finish(session):
            ours = sorted(name for name in sys.modules if name.startswith("pleo_export_mock"))
            print("LOADED", *ours)
        """
    )
    pytester.makepyfile("def test_plain(): assert 1 + 1 == 2")
    plugin = ("-p", "pleo_export_mock.pytest_plugin")
    result = pytester.runpytest_subprocess(*plugin, "--co", "-s", "-p", "no:cacheprovider")
    loaded = next(line for line in result.outlines if line.startswith("LOADED"))
    assert "pleo_export_mock.pytest_plugin" in loaded.split()  # it was loaded, and cheaply
    assert set(loaded.split()[1:]) <= LIGHT
