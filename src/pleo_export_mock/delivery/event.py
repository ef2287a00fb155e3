"""The events the sandbox sends, as Pleo's webhook pages show them (facts §1.12)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ..domain.clock import format_timestamp
from ..domain.ids import IdFactory
from ..domain.lifecycle import JOB_EXPIRY_SECONDS
from ..domain.models import ExportJob
from ..domain.subscriptions import EXPORT_JOB_CREATED

_MSG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Event:
    """One event: the same `webhook-id` and body on every attempt and every subscription."""

    message_id: str  # webhook-id, `msg_...` as in Pleo's example
    subject_id: str  # what it is about: the export job's id
    event_type: str
    company_id: str
    body: bytes  # the JSON sent, exactly as signed
    happened_at: datetime  # sandbox clock: retries are due relative to it


def export_job_created(job: ExportJob, now: datetime, ids: IdFactory) -> Event:
    """`v1.export-job.created`: the job as it is `now` ("an exact representation")."""
    data = {
        "id": job.id,
        "companyId": job.company_id,
        "createdAt": format_timestamp(job.created_at),
        "createdBy": job.created_by,
        "expiresIn": _seconds_left(job, now),
        "numberOfItems": job.number_of_items,
        "status": job.status.value,
    }
    event_id = ids.uuid()
    body = {"eventId": event_id, "eventType": EXPORT_JOB_CREATED, "data": data}
    return Event(
        message_id=message_id(ids, event_id),
        subject_id=job.id,
        event_type=EXPORT_JOB_CREATED,
        company_id=job.company_id,
        body=json.dumps(body, separators=(",", ":")).encode(),
        happened_at=now,
    )


def _seconds_left(job: ExportJob, now: datetime) -> int:
    """`expiresIn` as the job's answer gives it: 3600 for a new job, 0 once finished."""
    if not job.status.is_open:
        return 0
    return max(0, int(JOB_EXPIRY_SECONDS - (now - job.last_activity).total_seconds()))


def message_id(ids: IdFactory, event_id: str) -> str:
    """`msg_` and 24 seeded base62 characters, the form of Pleo's `webhook-id` example."""
    rng = ids.fork(f"message:{event_id}")
    return "msg_" + "".join(rng.choice(_MSG_ALPHABET) for _ in range(24))
