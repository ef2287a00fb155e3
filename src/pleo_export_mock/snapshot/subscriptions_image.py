"""Webhook subscriptions in a snapshot: each subscription, its activity, its id stream."""

from __future__ import annotations

from typing import Any

from ..domain.clock import Clock
from ..domain.ids import IdFactory
from ..domain.subscriptions import (
    Activity,
    Subscription,
    SubscriptionRequest,
    Subscriptions,
    _Books,
)
from .reader import At, random_state, read_random_state, time_text


def subscriptions_json(subscriptions: Subscriptions) -> dict[str, Any]:
    with subscriptions._lock:
        books = subscriptions._books
        return {
            "seed": subscriptions.ids.seed,
            "ids": random_state(subscriptions.ids.position()),
            "subscriptions": [_subscription_json(row) for row in books.subscriptions.values()],
            "activities": {
                key: [_activity_json(row) for row in rows] for key, rows in books.activities.items()
            },
            "owners": {key: list(companies) for key, companies in books.owners.items()},
        }


def read_subscriptions(at: At, clock: Clock) -> Subscriptions:
    ids = IdFactory.at(at.whole("seed"), read_random_state(at.get("ids")))
    subscriptions = Subscriptions(clock, ids)
    books = _Books()
    for row_at in at.get("subscriptions").items():
        row = _read_subscription(row_at)
        books.subscriptions[row.id] = row
    for key, rows_at in at.get("activities").members():
        books.activities[key] = [_read_activity(row) for row in rows_at.items()]
    owners = at.get("owners")
    for key, _ in owners.members():
        books.owners[key] = tuple(owners.strings(key))
    for key in [*books.subscriptions, *books.activities]:
        if key not in books.owners:
            raise owners.fail(f"subscription {key} has no owners")
    subscriptions._books = books
    return subscriptions


def _subscription_json(row: Subscription) -> dict[str, Any]:
    request = row.request
    return {
        "id": row.id,
        "companyIds": list(row.company_ids),
        "endpointUrl": request.endpoint_url,
        "eventTypes": list(request.event_types),
        "customHeaders": None if request.custom_headers is None else dict(request.custom_headers),
        "endpointAuth": None if request.endpoint_auth is None else dict(request.endpoint_auth),
        "status": request.status,
        "secret": row.secret,
        "createdAt": time_text(row.created_at),
        "updatedAt": time_text(row.updated_at),
    }


def _read_subscription(at: At) -> Subscription:
    headers, auth = at.get("customHeaders"), at.get("endpointAuth")
    request = SubscriptionRequest(
        at.text("endpointUrl"),
        tuple(at.strings("eventTypes")),
        None if headers.value is None else {k: _text(v) for k, v in headers.members()},
        None if auth.value is None else auth.obj(),
        at.text("status"),
    )
    return Subscription(
        at.text("id"),
        tuple(at.strings("companyIds")),
        request,
        at.text("secret"),
        at.time("createdAt"),
        at.time("updatedAt"),
    )


def _text(at: At) -> str:
    if not isinstance(at.value, str):
        raise at.fail("expected a string")
    return at.value


def _activity_json(row: Activity) -> dict[str, Any]:
    return {
        "id": row.id,
        "subscriptionId": row.subscription_id,
        "operationType": row.operation_type,
        "description": row.description,
        "actorUrn": row.actor_urn,
        "createdAt": time_text(row.created_at),
    }


def _read_activity(at: At) -> Activity:
    return Activity(
        at.text("id"),
        at.text("subscriptionId"),
        at.text("operationType"),
        at.text("description"),
        at.text("actorUrn"),
        at.time("createdAt"),
    )
