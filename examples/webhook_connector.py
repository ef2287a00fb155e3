"""The webhook connector, run from a checkout: `python examples/webhook_connector.py`.

Its source is `src/pleo_export_mock/examples/webhook_connector.py`, shipped in the package so
that it runs wherever the package is installed:
`python -m pleo_export_mock.examples.webhook_connector`.
"""

from __future__ import annotations

import sys

from pleo_export_mock.examples.webhook_connector import main

if __name__ == "__main__":
    sys.exit(main())
