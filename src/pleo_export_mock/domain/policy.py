"""Switches for behaviour Pleo leaves open. Defaults are the strict reading (docs/decisions.md)."""

from __future__ import annotations

from dataclasses import dataclass

ITEMS_PER_UPDATE_LIMIT = 100  # Pleo's documented maximum for PUT items


@dataclass(frozen=True, slots=True)
class Policy:
    """The domain's switches for readings of Pleo that are plausible but not the default.

    Every default is the strict reading, written down in docs/decisions.md; a scenario sets
    them under `policy:`, and `SandboxConfig(policy=...)` overrides the scenario's.
    """

    # PUT items on a job still `pending` (never started): refused unless this is True.
    allow_item_updates_before_start: bool = False
    # A second `started` on an in_progress job: 422 unless this is True (then a no-op 202).
    repeat_started_is_noop: bool = False
    # Does a `pending` job (not only an in_progress one) block POST /v3/export-jobs with 409?
    pending_job_blocks_new_export: bool = True
    # PUT items changing an item already `successful` (a corrected externalId, or a booking
    # undone): refused per item unless this is True. An identical re-send is always accepted.
    allow_changing_successful_items: bool = False
    # PUT items setting `abandoned` (Pleo sets it when a job ends): refused unless this is True.
    allow_abandoning_items: bool = False
    # OAuth: presenting a refresh token that was already exchanged revokes the whole grant
    # (RFC 9700 section 4.14: it may be stolen). Off: it is only refused with invalid_grant.
    revoke_grant_on_refresh_replay: bool = True
