"""A scenario may pin the Export API versions a connector may call (`api_versions`).

So a vendor can prove a connector never touches another version: a call to a version the
scenario leaves out is refused with 403 before anything else happens to it (no fault, no
credential check, no validation, nothing changed), journaled, and reported by the verifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import errors

if TYPE_CHECKING:
    from ...sandbox import Sandbox
    from ...spec.model import Operation


def api_version(path: str) -> str:
    """`v0` ... `v3`: the first segment of an Export API path."""
    return path.split("/")[1]


def require_pinned_version(operation: Operation, sandbox: Sandbox) -> None:
    """Refuse a call of `operation` when the sandbox's scenario does not allow its version."""
    pinned = sandbox.scenario.api_versions
    if pinned is None:
        return
    version = api_version(operation.path)
    if version not in pinned:
        raise errors.version_not_pinned(version, pinned)
