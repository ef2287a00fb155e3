"""Hostile data for the `fuzz` scenario: items Pleo's spec allows, that a connector must survive.

payloads.py is the public side (and explains how a seed becomes data); walk.py, values.py and
marks.py are its parts. Schemathesis fuzzing, the other direction, lives in `fuzzing`.
"""

from .payloads import (
    JOB_SHAPES,
    THEMES,
    JobShape,
    hostile_entries,
    hostile_job_shape,
    hostile_payloads,
    hostile_themes,
    payload_schema,
)

__all__ = [
    "JOB_SHAPES",
    "THEMES",
    "JobShape",
    "hostile_entries",
    "hostile_job_shape",
    "hostile_payloads",
    "hostile_themes",
    "payload_schema",
]
