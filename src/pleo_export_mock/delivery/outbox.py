"""The attempts due, and the one background worker that sends them.

Announcing an event only queues its first attempts and wakes the worker, so a request that
creates a job is never held up by a slow endpoint. Attempts are due by the sandbox clock;
the worker also looks every `poll_s` wall seconds, so retries come due as a running clock
ticks or as the clock is advanced.
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..domain.subscriptions import Subscription, Subscriptions
from ..journal.journal import Journal, JournalEntry
from ..journal.masking import Masking
from .event import Event
from .faults import DeliveryFault, DeliveryFaultPlan, signing
from .hosts import HostPolicy
from .schedule import ATTEMPT_TIMEOUT_S, RETRY_SCHEDULE
from .send import Answer, post, signed_headers

OUTBOUND = "outbound"


@dataclass(order=True)
class _Attempt:
    due: datetime
    order: int  # ties in due time go in announcement order
    event: Event = field(compare=False)
    subscriptions: Subscriptions = field(compare=False)
    subscription_id: str = field(compare=False)
    number: int = field(compare=False, default=0)  # 0: the first attempt
    fault: DeliveryFault | None = field(compare=False, default=None)
    resend: bool = field(compare=False, default=False)  # the second copy of a duplicate


# Deliveries waiting at once. On a frozen clock a failed one waits for its retry until the
# clock moves, so a client firing events in a loop at a dead endpoint would queue without end;
# past the bound a delivery is not queued, and the journal says so.
MAX_WAITING = 10_000


class Outbox:
    """Deliveries waiting to be sent, sent at least once, retried on the schedule."""

    def __init__(
        self,
        journal: Journal,
        now: Callable[[], datetime],
        hosts: HostPolicy | None = None,
        *,
        timeout_s: float = ATTEMPT_TIMEOUT_S,
        schedule: tuple[timedelta, ...] = RETRY_SCHEDULE,
        poll_s: float = 0.1,
    ) -> None:
        self.journal = journal
        self.now = now  # the sandbox clock
        self.hosts = hosts or HostPolicy()
        self.timeout_s = timeout_s
        self.schedule = schedule
        self.poll_s = poll_s
        self._due: list[_Attempt] = []
        self._order = itertools.count()
        self._in_flight = 0
        self._changed = threading.Condition()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._masking = Masking()
        self.faults = DeliveryFaultPlan()
        self._events: dict[str, Event] = {}  # subject (job) id -> its event, for re-sending

    # -- what the sandbox calls ------------------------------------------------------------

    def announce(self, event: Event, subscriptions: Subscriptions) -> int:
        """Queue the event for every active subscription that wants it; returns how many.

        The fault plan picks the event's fault, if any, for all of its deliveries.
        """
        fault = self.faults.choose(event.company_id)
        self._events[event.subject_id] = event
        return self._queue(event, subscriptions, fault)

    def fire(self, event: Event, subscriptions: Subscriptions) -> int:
        """Send an event again now, unspoilt, to whoever wants it now (same `webhook-id`)."""
        self._events[event.subject_id] = event
        return self._queue(event, subscriptions, None, due=self.now())

    def event_about(self, subject_id: str) -> Event | None:
        """The event last announced or fired about a job, if any."""
        return self._events.get(subject_id)

    def _queue(
        self,
        event: Event,
        subscriptions: Subscriptions,
        fault: DeliveryFault | None,
        due: datetime | None = None,
    ) -> int:
        targets = subscriptions.receiving(event.company_id, event.event_type)
        first = due if due is not None else event.happened_at + self.schedule[0]
        if fault is not None and fault.kind == "out_of_order":
            first += timedelta(seconds=fault.seconds)
        with self._changed:
            if self._closed:
                return 0
            for target in targets:
                attempt = _Attempt(
                    first, next(self._order), event, subscriptions, target.id, fault=fault
                )
                if fault is not None and fault.kind == "lost":
                    self._journal_unsent(attempt, target, "lost on purpose (webhook fault)")
                    continue
                if len(self._due) >= MAX_WAITING:
                    full = f"{len(self._due):,} deliveries wait already, the most the sandbox keeps"
                    self._journal_unsent(attempt, target, full)
                    continue
                heapq.heappush(self._due, attempt)
            if self._due:  # a worker only once there is something to send
                self._start_worker()
            self._changed.notify_all()
        return len(targets)

    def wake(self) -> None:
        """Look for due attempts now (the sandbox clock moved)."""
        with self._changed:
            self._changed.notify_all()

    def clear(self) -> None:
        """Forget every attempt not yet sent (a reset: the events belong to the old state)."""
        with self._changed:
            self._due.clear()
            self._events.clear()
            self._changed.notify_all()

    def close(self) -> None:
        """Stop the worker after the attempt in flight, if any; nothing more is sent."""
        with self._changed:
            self._closed = True
            self._due.clear()
            self._changed.notify_all()
            worker, self._worker = self._worker, None
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=self.timeout_s + 1)

    @property
    def closed(self) -> bool:
        """Whether `close` was called: nothing more is queued or sent."""
        return self._closed

    @property
    def waiting(self) -> int:
        """Attempts queued, due or not."""
        with self._changed:
            return len(self._due)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until nothing is due by the sandbox clock and nothing is being sent."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while self._in_flight or self._next_due() is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, self.poll_s))
            return True

    # -- the worker ---------------------------------------------------------------------------

    def run_due(self) -> int:
        """Send every attempt due now, one by one; returns how many were sent."""
        sent = 0
        while (attempt := self._take_due()) is not None:
            try:
                self._attempt(attempt)
            finally:
                with self._changed:
                    self._in_flight -= 1
                    self._changed.notify_all()
            sent += 1
        return sent

    def _start_worker(self) -> None:
        if self._worker is None and not self._closed:
            self._worker = threading.Thread(
                target=self._work, name="pleo-export-mock-webhooks", daemon=True
            )
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._changed:
                if self._closed:
                    return
                if self._next_due() is None:
                    self._changed.wait(self.poll_s)
                    continue
            self.run_due()

    def _next_due(self) -> _Attempt | None:
        if self._due and self._due[0].due <= self.now():
            return self._due[0]
        return None

    def _take_due(self) -> _Attempt | None:
        with self._changed:
            if self._closed or self._next_due() is None:
                return None
            self._in_flight += 1
            return heapq.heappop(self._due)

    def _attempt(self, attempt: _Attempt) -> None:
        subscription = attempt.subscriptions.current(attempt.subscription_id)
        if subscription is None or not subscription.receives(
            attempt.event.company_id, attempt.event.event_type
        ):
            return  # deleted, paused or changed since: it no longer wants the event
        answer, entry = self._send(attempt, subscription)
        self.journal.append(entry, len(attempt.event.body) + len(answer.body) + 512)
        fault = attempt.fault
        if answer.ok and fault is not None and fault.kind == "duplicate" and not attempt.resend:
            self._requeue(attempt, attempt.number, fault, self.now(), resend=True)
        elif not answer.ok and attempt.number + 1 < len(self.schedule):
            number = attempt.number + 1
            self._requeue(attempt, number, fault, self.now() + self.schedule[number])

    def _send(
        self, attempt: _Attempt, subscription: Subscription
    ) -> tuple[Answer, Callable[[int], JournalEntry]]:
        event, fault = attempt.event, attempt.fault
        sandbox_time, wall_time = self.now(), time.time()
        secret, signed_at = signing(
            fault, subscription.secret, datetime.fromtimestamp(wall_time, UTC)
        )
        headers = signed_headers(subscription, event.message_id, event.body, signed_at, secret)
        answer = post(subscription.endpoint_url, headers, event.body, self.hosts, self.timeout_s)
        duration_ms = (time.time() - wall_time) * 1000

        def entry(seq: int) -> JournalEntry:
            sent = _Sent(attempt, subscription, headers, answer, wall_time, sandbox_time)
            return self._masking.entry(sent.entry(seq, duration_ms))

        return answer, entry

    def _journal_unsent(self, attempt: _Attempt, subscription: Subscription, why: str) -> None:
        """A delivery never sent (lost by the fault plan, or no room to wait): journaled, so a
        report can say so."""
        answer = Answer(0, error=f"not sent: {why}")
        wall_time, sandbox_time = time.time(), self.now()

        def entry(seq: int) -> JournalEntry:
            sent = _Sent(attempt, subscription, {}, answer, wall_time, sandbox_time)
            return self._masking.entry(sent.entry(seq))

        self.journal.append(entry, len(attempt.event.body) + 512)

    def _requeue(
        self,
        attempt: _Attempt,
        number: int,
        fault: DeliveryFault | None,
        due: datetime,
        *,
        resend: bool = False,
    ) -> None:
        retry = _Attempt(
            due, next(self._order), attempt.event, attempt.subscriptions, attempt.subscription_id
        )
        retry.number, retry.fault, retry.resend = number, fault, resend
        with self._changed:
            if not self._closed:
                heapq.heappush(self._due, retry)


@dataclass(frozen=True, slots=True)
class _Sent:
    """One attempt as the journal keeps it: an outbound exchange."""

    attempt: _Attempt
    subscription: Subscription
    headers: dict[str, str]  # as sent; the journal masks secrets when it builds the entry
    answer: Answer
    wall_time: float
    sandbox_time: datetime

    def entry(self, seq: int, duration_ms: float = 0.0) -> JournalEntry:
        event, fault = self.attempt.event, self.attempt.fault
        return JournalEntry(
            seq=seq,
            wall_time=self.wall_time,
            sandbox_time=self.sandbox_time,
            operation_id=event.event_type,
            method="POST",
            path=self.subscription.endpoint_url,
            query={},
            path_params={"subscriptionId": self.subscription.id, "jobId": event.subject_id},
            request_headers=self.headers,
            request_body=json.loads(event.body),
            status=self.answer.status,
            response_headers=self.answer.headers,
            response_body=_answer_body(self.answer),
            company_ids=(event.company_id,),
            duration_ms=duration_ms,
            fault=None if fault is None else fault.describe(),
            fault_kind=None if fault is None else fault.kind,
            direction=OUTBOUND,
        )


def _answer_body(answer: Answer) -> object:
    if answer.error is not None:
        return answer.error
    try:
        return json.loads(answer.body) if answer.body else None
    except ValueError:
        return answer.body
