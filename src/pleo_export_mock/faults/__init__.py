"""Faults a connector must survive: declared as data, chosen per call, recorded in the journal."""

from .model import FAULT_KINDS, Fault, FaultRule, FaultSpecError, parse_rules
from .plan import CallInfo, FaultPlan

__all__ = [
    "FAULT_KINDS",
    "CallInfo",
    "Fault",
    "FaultPlan",
    "FaultRule",
    "FaultSpecError",
    "parse_rules",
]
