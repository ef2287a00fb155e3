"""Webhook subscriptions: who wants to hear about which events, and where to send them.

A subscription belongs to the companies of the credential that made it (one company, or all
of an organisation's); only a credential covering all of them sees it. Every change leaves an
activity, as Pleo's Webhook Subscriptions API lists them.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .clock import Clock
from .errors import SubscriptionLimit, SubscriptionNotFound
from .ids import IdFactory
from .orderings import order_rows
from .pagination import Page, PageRequest, paginate

EXPORT_JOB_CREATED = "v1.export-job.created"
ACTIVE, INACTIVE = "ACTIVE", "INACTIVE"
SECRET_PREFIX = "whsec_"

SUBSCRIPTION_SORT_FIELDS: dict[str, Callable[[Subscription], Any]] = {
    "createdAt": lambda row: row.created_at,
    "updatedAt": lambda row: row.updated_at,
    "status": lambda row: row.status,
    "endpointUrl": lambda row: row.endpoint_url,
    "id": lambda row: row.id,
}
ACTIVITY_SORT_FIELDS: dict[str, Callable[[Activity], Any]] = {
    "createdAt": lambda row: row.created_at,
    "operationType": lambda row: row.operation_type,
    "id": lambda row: row.id,
}


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """What a partner sends to create or replace a subscription (Pleo's SubscriptionRequest)."""

    endpoint_url: str
    event_types: tuple[str, ...]
    custom_headers: Mapping[str, str] | None = None
    endpoint_auth: Mapping[str, Any] | None = None  # {type: NONE|BASIC, credentials: {...}}
    status: str = ACTIVE


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    company_ids: tuple[str, ...]  # the companies whose events it receives
    request: SubscriptionRequest
    secret: str  # whsec_<base64 key>: signs every delivery
    created_at: datetime
    updated_at: datetime

    @property
    def status(self) -> str:
        return self.request.status

    @property
    def endpoint_url(self) -> str:
        return self.request.endpoint_url

    def receives(self, company_id: str, event_type: str) -> bool:
        """Whether an event of this company and type is delivered to it now."""
        return (
            self.status == ACTIVE
            and company_id in self.company_ids
            and event_type in self.request.event_types
        )


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    subscription_id: str
    operation_type: str  # CREATE | UPDATE | DELETE
    description: str
    actor_urn: str
    created_at: datetime


# What one state keeps, so a client creating, updating or deleting in a loop cannot grow the
# server without end: live subscriptions (one more is refused), activities per subscription
# and deleted subscriptions' records (the oldest go first).
MAX_SUBSCRIPTIONS = 1_000
MAX_ACTIVITIES = 1_000
MAX_DELETED = 1_000


@dataclass(slots=True)
class _Books:
    subscriptions: dict[str, Subscription] = field(default_factory=dict)  # creation order
    activities: dict[str, list[Activity]] = field(default_factory=dict)  # by subscription id
    # subscription id -> its companies, kept after a delete so its activities stay readable
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Subscriptions:
    """Every company's webhook subscriptions and their activity, on the sandbox clock."""

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self.clock = clock
        self.ids = ids
        self._lock = threading.Lock()
        self._books = _Books()

    def copy(self, clock: Clock) -> Subscriptions:
        """These subscriptions on `clock`, changing apart from these (a reset's restore)."""
        twin = Subscriptions(clock, self.ids.copy())
        with self._lock:
            twin._books = _Books(
                dict(self._books.subscriptions),
                {key: list(rows) for key, rows in self._books.activities.items()},
                dict(self._books.owners),
            )
        return twin

    def create(
        self, company_ids: tuple[str, ...], request: SubscriptionRequest, actor_urn: str
    ) -> Subscription:
        with self._lock:
            if len(self._books.subscriptions) >= MAX_SUBSCRIPTIONS:
                raise SubscriptionLimit(MAX_SUBSCRIPTIONS)
            now, subscription_id = self.clock.now(), self.ids.uuid()
            key = self.ids.fork(f"secret:{subscription_id}").randbytes(24)
            secret = SECRET_PREFIX + base64.b64encode(key).decode()
            subscription = Subscription(subscription_id, company_ids, request, secret, now, now)
            self._books.subscriptions[subscription_id] = subscription
            self._books.owners[subscription_id] = company_ids
            self._record(subscription.id, "CREATE", "Subscription created", actor_urn)
            return subscription

    def get(self, scope: tuple[str, ...], subscription_id: str) -> Subscription:
        """A subscription the caller's companies cover; another's is as unknown as none."""
        subscription = self._books.subscriptions.get(subscription_id)
        if subscription is None or not set(subscription.company_ids) <= set(scope):
            raise SubscriptionNotFound(subscription_id)
        return subscription

    def replace(
        self,
        scope: tuple[str, ...],
        subscription_id: str,
        request: SubscriptionRequest,
        actor_urn: str,
    ) -> Subscription:
        with self._lock:
            current = self.get(scope, subscription_id)
            updated = replace(current, request=request, updated_at=self.clock.now())
            self._books.subscriptions[subscription_id] = updated
            self._record(subscription_id, "UPDATE", "Subscription updated", actor_urn)
            return updated

    def delete(self, scope: tuple[str, ...], subscription_id: str, actor_urn: str) -> None:
        with self._lock:
            self.get(scope, subscription_id)
            del self._books.subscriptions[subscription_id]
            self._record(subscription_id, "DELETE", "Subscription deleted", actor_urn)
            self._forget_deleted()

    def page(
        self,
        scope: tuple[str, ...],
        request: PageRequest,
        statuses: frozenset[str] = frozenset(),
        event_types: frozenset[str] = frozenset(),
    ) -> Page[Subscription]:
        """The caller's subscriptions, oldest first unless sorted, filtered by status and type."""
        with self._lock:
            rows = list(self._books.subscriptions.values())
        visible = [row for row in rows if set(row.company_ids) <= set(scope)]
        ordering = order_rows(
            "subscriptions", visible, request, SUBSCRIPTION_SORT_FIELDS, lambda row: row.id
        )

        def matches(row: Subscription) -> bool:
            return (not statuses or row.status in statuses) and (
                not event_types or bool(event_types & set(row.request.event_types))
            )

        return paginate(ordering, request, matches)

    def activities(
        self,
        scope: tuple[str, ...],
        subscription_id: str,
        request: PageRequest,
        operation_types: frozenset[str] = frozenset(),
    ) -> Page[Activity]:
        """What happened to a subscription; kept after it is deleted, so a delete can be read."""
        with self._lock:
            rows = list(self._books.activities.get(subscription_id, ()))
        if not rows or not self._owned(scope, subscription_id):
            raise SubscriptionNotFound(subscription_id)
        ordering = order_rows(
            f"activities:{subscription_id}", rows, request, ACTIVITY_SORT_FIELDS, lambda a: a.id
        )
        return paginate(
            ordering, request, lambda a: not operation_types or a.operation_type in operation_types
        )

    def current(self, subscription_id: str) -> Subscription | None:
        """The subscription as it is now, whoever owns it; None once deleted."""
        return self._books.subscriptions.get(subscription_id)

    def receiving(self, company_id: str, event_type: str) -> list[Subscription]:
        """The subscriptions an event of this company and type goes to, oldest first."""
        with self._lock:
            rows = list(self._books.subscriptions.values())
        return [row for row in rows if row.receives(company_id, event_type)]

    def _owned(self, scope: tuple[str, ...], subscription_id: str) -> bool:
        return set(self._books.owners[subscription_id]) <= set(scope)

    def _record(self, subscription_id: str, operation: str, text: str, actor_urn: str) -> None:
        activity = Activity(
            self.ids.uuid(), subscription_id, operation, text, actor_urn, self.clock.now()
        )
        rows = self._books.activities.setdefault(subscription_id, [])
        rows.append(activity)
        if len(rows) > MAX_ACTIVITIES:  # the oldest tenth goes
            del rows[: len(rows) - MAX_ACTIVITIES + MAX_ACTIVITIES // 10]

    def _forget_deleted(self) -> None:
        """Past the bound, the records of the subscriptions deleted first go."""
        books = self._books
        deleted = [key for key in books.owners if key not in books.subscriptions]
        if len(deleted) > MAX_DELETED:
            for key in deleted[: len(deleted) - MAX_DELETED + MAX_DELETED // 10]:
                del books.owners[key]
                books.activities.pop(key, None)
