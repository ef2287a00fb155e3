"""The verdict so far, for the dashboard: every rule over what happened since the last reset.

Given to the app as its judge (`HttpSettings.judge`) by `serve` and the test handle: http/ sits
below the verifier and cannot call it itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evaluate import evaluate
from .registry import RULES
from .report import finding_json

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def live_verdict(sandbox: Sandbox) -> dict[str, Any]:
    """The verdict as JSON, each finding with its rule's title and the requests it cites."""
    with sandbox.store.lock:  # one consistent moment, though connectors keep calling
        verdict = evaluate(sandbox)
    return {
        "ok": verdict.ok,
        "rulesChecked": list(verdict.rules_checked),
        "findings": [
            {**finding_json(finding), "title": RULES[finding.rule_id].title}
            for finding in verdict.findings
        ],
    }
