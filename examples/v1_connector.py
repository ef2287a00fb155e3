"""The v1 connector, run from a checkout: `python examples/v1_connector.py`.

Its source is `src/pleo_export_mock/examples/v1_connector.py`, shipped in the package so that
it runs wherever the package is installed: `python -m pleo_export_mock.examples.v1_connector`.
"""

from __future__ import annotations

import sys

from pleo_export_mock.examples.v1_connector import main

if __name__ == "__main__":
    sys.exit(main())
