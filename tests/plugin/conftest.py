"""The plugin's tests run inner pytest sessions with `pytester`.

Inner sessions run in process (`pytester.runpytest`): the plugin comes in through its `pytest11`
entry point exactly as in a real run (pytester does not disable autoloading), and a run costs
tens of milliseconds instead of a second of interpreter start and imports.
`test_entry_point.py` runs one session in a subprocess, as a user's would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The plugin imports these on first use. An in-process inner session drops every module it
# imported when it ends, so a module first imported there would come back as a second copy
# (another ConformanceError class) in the next one; imported here, all sessions share one.
import pleo_export_mock.testing.client
import pleo_export_mock.testing.handle
import pleo_export_mock.testing.session  # noqa: F401

LITTLE_CONNECTOR = Path(__file__).with_name("little_connector.py")


@pytest.fixture
def connector(pytester: pytest.Pytester) -> None:
    """`from little_connector import LittleConnector` works in the inner session."""
    pytester.makepyfile(little_connector=LITTLE_CONNECTOR.read_text())
