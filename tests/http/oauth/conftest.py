from __future__ import annotations

import pytest
from werkzeug.test import Client

from pleo_export_mock.sandbox import Sandbox

from .flow import Flow, client_of


@pytest.fixture
def flow(client: Client, sandbox: Sandbox) -> Flow:
    return Flow(client, client_of(sandbox))
