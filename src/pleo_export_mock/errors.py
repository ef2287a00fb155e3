"""The root of every error a *user of the tool* can cause (bad scenario file, bad flag, ...).

Distinct from domain errors, which are refusals the sandbox makes on Pleo's behalf to a
connector: a ToolError means the tool was given wrong input and cannot start.
"""

from __future__ import annotations


class ToolError(Exception):
    """Wrong input to the tool itself; the CLI prints str(error) and exits non-zero."""


class SpecError(ToolError):
    """The OpenAPI document cannot drive the sandbox."""


class UsageError(ToolError):
    """A command-line flag or argument is wrong."""
