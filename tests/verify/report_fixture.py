"""A failing run made in process, with a fault and a hostile body, for the HTML report's tests."""

from __future__ import annotations

from werkzeug.test import Client

from pleo_export_mock.faults import parse_rules
from pleo_export_mock.http import create_app
from pleo_export_mock.http.state_view import authorization_header
from pleo_export_mock.sandbox import Sandbox
from pleo_export_mock.verify import evaluate
from pleo_export_mock.verify.model import ConnectorRun
from pleo_export_mock.verify.report import Outcome
from pleo_export_mock.verify.runner import final_jobs

# Markup that would run if the report let any body through as HTML.
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def failing_outcome() -> Outcome:
    """A connector that hammers after a 503 and sends a hostile, invalid item update."""
    sandbox = Sandbox("pending")
    sandbox.faults.add(
        parse_rules(
            [{"operation": "getExportJobsListV3", "nth": 1, "kind": "status", "status": 503}]
        )
    )
    client = Client(create_app(sandbox))
    auth = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    client.get("/v3/export-jobs?statuses=pending", headers=auth)  # the fault: 503
    job = client.get("/v3/export-jobs?statuses=pending", headers=auth).json["data"][0]["id"]
    client.put(  # refused: 400, its body echoes the hostile text
        f"/v3/export-jobs/{job}/items",
        headers=auth,
        json={"items": [{"accountingEntryId": HOSTILE, "status": "successful"}], "x": "\ud800"},
    )
    run = ConnectorRun(("connector", HOSTILE), 1, 0.5, "out <b>", f"err {HOSTILE}\x00")
    verdict = evaluate(sandbox, run=run)
    return Outcome(
        "pending", sandbox.seed, verdict, sandbox.journal.snapshot(), run, final_jobs(sandbox)
    )
