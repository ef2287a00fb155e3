"""The verifier: a catalogue of connector rules judged over the journal and the final state."""

from .evaluate import evaluate
from .model import Finding, Rule, Severity, Verdict
from .registry import RULES

__all__ = ["RULES", "Finding", "Rule", "Severity", "Verdict", "evaluate"]
