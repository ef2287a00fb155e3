"""The reference connector, run from a checkout: `python examples/reference_connector.py`.

Its source is `src/pleo_export_mock/examples/reference_connector.py`, shipped in the package
so that it runs wherever the package is installed:
`python -m pleo_export_mock.examples.reference_connector`. The names are re-exported here for
`broken_connector.py`, which builds its variants on them.
"""

from __future__ import annotations

import sys

from pleo_export_mock.examples.reference_connector import *  # noqa: F403
from pleo_export_mock.examples.reference_connector import main

if __name__ == "__main__":
    sys.exit(main())
