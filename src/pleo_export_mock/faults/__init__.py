"""Faults a connector must survive: declared as data, chosen per call, recorded in the journal."""

from .model import FAULT_KINDS, Fault, FaultRule, FaultSpecError, parse_rules
from .plan import (
    EVERY_OPERATION,
    OAUTH_OPERATIONS,
    RECEIPT_DOWNLOADS,
    CallInfo,
    FaultPlan,
    FaultScope,
)

__all__ = [
    "EVERY_OPERATION",
    "FAULT_KINDS",
    "OAUTH_OPERATIONS",
    "RECEIPT_DOWNLOADS",
    "CallInfo",
    "Fault",
    "FaultPlan",
    "FaultRule",
    "FaultScope",
    "FaultSpecError",
    "parse_rules",
]
