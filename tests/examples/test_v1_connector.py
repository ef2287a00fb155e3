"""examples/v1_connector.py, a connector written before v3 from Pleo's workflow page, under verify.

The seed flow works literally in the older versions: the connector lists with `status=pending`
through v1 (or v2), claims, reads, books, reports and finishes, and the only findings are the
deprecation warnings, one per older operation it used. With `--no-deprecated` the same run
fails, each finding naming the v3 operation to call instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pleo_export_mock.verify.model import Severity
from pleo_export_mock.verify.runner import Outcome, VerifyOptions, verify

pytestmark = pytest.mark.server

CONNECTOR = (
    sys.executable,
    str(Path(__file__).resolve().parents[2] / "examples" / "v1_connector.py"),
)
SCENARIOS = {
    "pending": "completed",
    "partial_errors": "completed_with_errors",
    "paged": "completed",
}
# The workflow in v1 (jobs, events, job items), the export items in v2.
USED = {
    "v1": {
        "getExportJobsListV1": "getExportJobsListV3",
        "createExportJobEventV1": "createExportJobEventV3",
        "getExportJobItemsV1": "getExportJobItemsV3",
        "getExportItemsV2": "getExportItemsV3",
        "updateExportJobItemsV1": "updateExportJobItemsV3",
    },
    "v2": {
        "getExportJobsListV2": "getExportJobsListV3",
        "createExportJobEventV2": "createExportJobEventV3",
        "getExportJobItemsV2": "getExportJobItemsV3",
        "getExportItemsV2": "getExportItemsV3",
        "updateExportJobItemsV2": "updateExportJobItemsV3",
    },
}


def _run(
    monkeypatch: pytest.MonkeyPatch, scenario: str, version: str, no_deprecated: bool = False
) -> Outcome:
    monkeypatch.setenv("PLEO_API_VERSION", version)
    return verify(VerifyOptions(scenario, CONNECTOR, timeout=120, no_deprecated=no_deprecated))


def _named(outcome: Outcome) -> dict[str, str]:
    """Older operation -> its replacement, as each uses-current-api finding names them."""
    found = {}
    for finding in outcome.verdict.findings:
        older, _, rest = finding.message.partition(" (")
        found[older] = rest.split("; ")[1].removesuffix(" replaces it.")
    return found


RUNS = [(s, version) for s in SCENARIOS for version in ("v1", "v2")]


@pytest.mark.parametrize(("scenario", "version"), RUNS)
def test_the_seed_flow_completes_with_only_deprecation_warnings(
    monkeypatch: pytest.MonkeyPatch, scenario: str, version: str
) -> None:
    outcome = _run(monkeypatch, scenario, version)
    assert outcome.run is not None and outcome.run.exit_code == 0, outcome.run.stderr[-2000:]
    findings = outcome.verdict.findings
    assert {(f.rule_id, f.severity) for f in findings} == {("uses-current-api", Severity.WARNING)}
    assert _named(outcome) == USED[version]
    # And the work is really done, nothing refused on the way.
    events = [e for e in outcome.journal if e.path.endswith("/export-job-events")]
    assert [(e.request_body["event"], e.status) for e in events] == [
        ("started", 202),
        (SCENARIOS[scenario], 202),
    ]
    assert all(e.ok for e in outcome.journal)


def test_no_deprecated_fails_it_naming_each_v3_replacement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outcome = _run(monkeypatch, "pending", "v1", no_deprecated=True)
    assert outcome.run is not None and outcome.run.exit_code == 0
    assert not outcome.verdict.ok
    assert {f.rule_id for f in outcome.verdict.errors} == {"uses-current-api"}
    assert sorted(f.expected for f in outcome.verdict.errors) == [
        "Call createExportJobEventV3 (POST /v3/export-job-events) instead.",
        "Call getExportItemsV3 (GET /v3/export-items) instead.",
        "Call getExportJobItemsV3 (GET /v3/export-jobs/{jobId}/items) instead.",
        "Call getExportJobsListV3 (GET /v3/export-jobs) instead.",
        "Call updateExportJobItemsV3 (PUT /v3/export-jobs/{jobId}/items) instead.",
    ]
