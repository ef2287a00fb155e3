"""The Python API of one sandbox: the state the HTTP app serves, and Pleo's side of it.

Everything the /_mock control plane can do goes through here, so pytest users and HTTP
users have the same powers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

from .delivery import Event, HostPolicy, Outbox, export_job_created
from .delivery.faults import DeliveryFaultPlan, DeliveryFaultRule
from .delivery.hosts import allowed_host
from .domain.clock import FrozenClock, RunningClock, check_start, within_calendar
from .domain.errors import ClockOutOfRange, EntryLimit, JobNotFound
from .domain.models import EntryState, ExportJob, ItemStatus, JobStatus
from .domain.policy import Policy
from .domain.store import Store
from .domain.subscriptions import EXPORT_JOB_CREATED
from .faults import FaultPlan
from .journal import Journal, JournalEntry
from .scenarios.loader import load_scenario_text, resolve
from .scenarios.model import EntrySpec, Scenario
from .scenarios.seed import SeededSandbox, build_store
from .scenarios.timeline import Timeline

DEFAULT_SCENARIO = "pending"
# A frozen clock starts here unless told otherwise, so runs repeat byte for byte.
DEFAULT_START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=UTC)
ClockMode = Literal["frozen", "running"]


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How a Sandbox runs its scenario: which seed, which clock, which policy."""

    seed: int | None = None  # None: the scenario's own seed
    clock: ClockMode = "frozen"
    start: datetime | None = None  # None: DEFAULT_START when frozen, the wall clock when running
    policy: Policy | None = None  # None: the scenario's own (strict unless it says otherwise)
    # Hosts webhook deliveries may go to beside loopback addresses (`serve --allow-webhook-host`)
    webhook_hosts: frozenset[str] = frozenset()
    # The timeline waits for `start_timeline()` (verify's service mode: until the connector is up)
    hold_timeline: bool = False

    def __post_init__(self) -> None:
        if self.start is not None:
            check_start(self.start)  # a start the calendar cannot hold fails here, not later
        for host in self.webhook_hosts:
            allowed_host(host)  # a URL or a port would match no delivery: fails here, not never


class Sandbox:
    """One sandbox: a scenario's state, its clock, journal and faults, and Pleo's side of it.

    `scenario` is a shipped name (`"pending"`), a YAML file's path, or a Scenario. Serve it
    over HTTP with `create_app(sandbox)`; everything the /_mock control plane can do, this
    object can do in Python.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = DEFAULT_SCENARIO,
        config: SandboxConfig | None = None,
    ) -> None:
        self.config = config or SandboxConfig()
        self._lock = threading.Lock()
        self.scenario = _as_scenario(scenario)
        self.journal = Journal()
        self.at_start: dict[str, JobAtStart] = {}
        self.faults = FaultPlan()
        # Webhook deliveries, sent by a background worker that starts with the first event.
        self.outbox = Outbox(self.journal, self.now, HostPolicy(self.config.webhook_hosts))
        self.outbox.faults = DeliveryFaultPlan(self.company_id)
        self._ticker: threading.Thread | None = None  # plays the timeline on a running clock
        self._closed = threading.Event()
        # Told of every job created (status None) or moved (its status before), whatever the
        # state: each new state's store reports to them.
        self.job_watchers: list[Callable[[ExportJob, JobStatus | None], None]] = []
        # The first moment the state in place was restored from, and how many times the
        # state had been handed out then: while that count stands, nothing may have changed
        # the state, and a reset to that same moment keeps it instead of copying (`state`).
        self._untouched: _Untouched | None = None
        self._handed_out = 0
        self._state: SeededSandbox = self._build()

    # -- lifecycle of the whole sandbox ----------------------------------------------------

    def reset(self) -> None:
        """Back to the loaded scenario's first moment: same seed, same ids, fresh clock."""
        with self._lock:
            self._enter(self._build())

    def load_scenario(self, scenario: Scenario | str | Path, seed: int | None = None) -> None:
        """Replace the state with a scenario given by name, file path or Scenario object.

        `seed` None means the new scenario's own seed.
        """
        loaded = _as_scenario(scenario)
        with self._lock:
            self.scenario = loaded
            if seed != self.config.seed:
                self.config = replace(self.config, seed=seed)
            self._enter(self._build())

    def load_scenario_text(self, text: str, source: str = "<request body>") -> None:
        """Replace the state with a scenario given as YAML text; `source` names it in errors."""
        self.load_scenario(load_scenario_text(text, source=source))

    @property
    def state(self) -> SeededSandbox:
        """The state in place: its store, credentials, OAuth memory and ids.

        Whoever holds it may change it, so the next reset copies the scenario's first moment
        again (in a test run, about 0.05 ms for the default scenario and 1 ms for `large`,
        where keeping it costs next to nothing). A caller that only reads it, and only what
        no caller can change, asks `read_state`.
        """
        # A count, not a flag: a reset compares it with the count when the state was made.
        self._handed_out += 1
        return self._state

    def read_state(self) -> SeededSandbox:
        """The state in place, for a reader that changes nothing in it.

        For the Export API's reading operations and the test handle's credentials and ids: a
        reset after nothing but such reads keeps this state, which is still the first moment.
        """
        return self._state

    @property
    def store(self) -> Store:
        """The current state's store (a reset or a new scenario brings a new one)."""
        return self.state.store

    @property
    def seed(self) -> int:
        """The seed in force: the configured one, else the scenario's own."""
        return self.config.seed if self.config.seed is not None else self.scenario.seed

    # -- Pleo's side -------------------------------------------------------------------------

    def company_id(self, ref: str) -> str:
        """A company's id from its id or its key in the scenario."""
        return self._state.company_ids.get(ref, ref)  # shared by every copy: never changed

    def press_export(
        self,
        company: str,
        entry_ids: list[str] | None = None,
        *,
        vendor_based_bookkeeping: bool = False,
        is_interactive: bool = True,
        created_by: str | None = None,
    ) -> ExportJob:
        """What a Pleo user does: put queued entries (all by default) in a new pending job."""
        company_id = self.company_id(company)
        store = self.state.store
        chosen = store.queued_entry_ids(company_id) if entry_ids is None else entry_ids
        return store.create_job(
            company_id,
            chosen,
            created_by=created_by,
            is_interactive=is_interactive,
            vendor_based_bookkeeping=vendor_based_bookkeeping,
        )

    def add_entries(
        self,
        company: str,
        count: int = 1,
        overrides: dict[str, Any] | None = None,
        *,
        check: Callable[[str, dict[str, Any]], None] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """New entries in a company's export queue: generated, then `overrides` merged in.

        `check(company_id, payload)` sees every new payload before any is added, and raises
        to refuse them all (the control plane checks them against the spec). With `limit`,
        more added entries than that in one state are refused (EntryLimit) before any is made.
        """
        if limit is not None and self.added + count > limit:
            raise EntryLimit(self.added, count, limit)
        company_id = self.company_id(company)
        store = self.state.store
        store.company(company_id)  # an unknown company is refused before anything is made
        generator = self.state.generators[company_id]
        spec = EntrySpec(key="added", at=(), overrides=overrides or {})
        payloads = []
        for number in range(self.added + 1, self.added + count + 1):
            rng = store.ids.fork(f"added:{company_id}:{number}")
            payloads.append(generator.payload(rng, spec, before=store.now(), vendor_based=True))
        if check is not None:
            for payload in payloads:
                check(company_id, payload)
        self.added += count
        return [store.add_entry(company_id, payload).id for payload in payloads]

    def advance_clock(self, seconds: float) -> datetime:
        """Move the sandbox clock forward; returns the new time.

        Jobs due expire, timeline steps passed play at their own moment (the clock stops at
        each on the way), and delivery retries due are sent.
        """
        try:
            delta = timedelta(seconds=seconds)
        except (OverflowError, ValueError):  # NaN, infinity, or past any calendar
            raise ClockOutOfRange(f"The sandbox clock cannot move by {seconds!r} s.") from None
        store = self.state.store
        target = within_calendar(store.now(), delta)  # checked before anything moves
        for moment in self.timeline.moments(store.now(), target):
            store.advance(moment - store.now())
            self.play_timeline()
        moved = store.advance(target - store.now())
        self.play_timeline()
        self.outbox.wake()
        return moved

    def play_timeline(self) -> list[str]:
        """Play the scenario's timeline steps due by the sandbox clock; returns new job ids.

        `advance_clock` and, on a running clock, a background ticker call it; call it yourself
        after finishing a job that held a step back.
        """
        with self._lock:
            made = self.timeline.play_due(self.now(), self.add_entries, self._press_for_timeline)
            appeared = time.time()  # as a journal entry's wall_time: the clock is in seconds
            for job in self.store.jobs():
                if job.id in made:  # eligible from the moment it appears, like a seeded job
                    self.at_start[job.id] = _at_start(job, appeared)
            return made

    def start_timeline(self) -> None:
        """Start a held timeline (`SandboxConfig.hold_timeline`) now."""
        self.timeline.begin(self.now())
        self.play_timeline()

    def now(self) -> datetime:
        """The sandbox clock's time."""
        return self._state.store.now()

    def queue(self, company: str) -> list[str]:
        """Ids of the company's entries waiting in the export queue."""
        return [e.id for e in self.state.store.entries(self.company_id(company), EntryState.QUEUED)]

    def exported(self, company: str) -> list[str]:
        """Ids of the company's entries already exported (booked in the ERP)."""
        entries = self.state.store.entries(self.company_id(company), EntryState.EXPORTED)
        return [e.id for e in entries]

    def fire_webhook(self, job_id: str) -> tuple[Event, int]:
        """Send a job's `v1.export-job.created` again, now, to whoever subscribes to it now.

        The event sent before is re-sent as it was (same `webhook-id`); a job never announced
        (one the scenario seeded) gets a new event showing it as it is. Returns the event and
        how many subscriptions it went to.
        """
        store = self.state.store
        job = next((job for job in store.jobs() if job.id == job_id), None)
        if job is None:
            raise JobNotFound(job_id)
        event = self.outbox.event_about(job_id)
        if event is None:
            event = export_job_created(job, store.now(), store.subscriptions.ids)
        return event, self.outbox.fire(event, store.subscriptions)

    def close(self) -> None:
        """Stop sending webhooks and playing the timeline; the state stays readable."""
        self._closed.set()
        self.outbox.close()
        if self._ticker is not None and self._ticker is not threading.current_thread():
            self._ticker.join(timeout=5)

    def _press_for_timeline(self, company: str, entry_ids: list[str]) -> str:
        return self.press_export(company, entry_ids).id

    def _tick(self) -> None:
        """A running clock moves by itself: look for timeline steps due ten times a second."""
        while not self._closed.wait(0.1):
            if self.timeline.pending:
                self.play_timeline()

    def _start_ticker(self) -> None:
        if self._ticker is None and not self._closed.is_set():
            self._ticker = threading.Thread(
                target=self._tick, name="pleo-export-mock-timeline", daemon=True
            )
            self._ticker.start()

    # -- internals -----------------------------------------------------------------------------

    def _announce(self, store: Store, job: ExportJob) -> None:
        """A job was created: Pleo sends `v1.export-job.created` to whoever subscribed."""
        if not store.subscriptions.receiving(job.company_id, EXPORT_JOB_CREATED):
            return  # nobody listens: no event, no ids drawn, no fault rule used up
        event = export_job_created(job, store.now(), store.subscriptions.ids)
        self.outbox.announce(event, store.subscriptions)

    def _build(self) -> SeededSandbox:
        self.journal.reset()  # a fresh state starts a fresh record
        self.outbox.clear()  # undelivered events belong to the state being left
        self.added = 0  # entries added after seeding: it numbers their data streams
        policy = self.config.policy or self.scenario.policy
        kept = False
        if self.config.clock == "running":  # times are relative to now: seed them again
            clock = RunningClock(self.config.start or datetime.now(UTC))
            state = build_store(self.scenario, seed=self.seed, clock=clock, policy=policy)
            self.at_start = capture_start(state.store)
            self._untouched = None
        else:
            state, kept = self._first_moment(policy, self.config.start or DEFAULT_START)
        if not kept:  # a kept state is wired already
            self._wire(state.store)
        self._fresh_plans(state, kept)
        if self.config.clock == "running" and self.scenario.timeline:
            self._start_ticker()
        return state

    def _first_moment(self, policy: Policy, start: datetime) -> tuple[SeededSandbox, bool]:
        """The scenario's first moment, and whether it is the state in place, kept rather
        than copied: it was restored from this same moment, and not handed out since."""
        handed_out = self._handed_out  # read first: a hand-out from here on counts
        untouched = self._untouched
        if (
            untouched is not None
            and untouched.handed_out == handed_out
            and untouched.moment.of(self.scenario, self.seed, policy, start)
        ):
            self.at_start = dict(untouched.at_start)
            return self._state, True
        moment = FirstMoment(self.scenario, self.seed, policy, start)
        state, at_start = FIRST_MOMENTS.restore(moment)
        # The timeline adds to a sandbox's jobs at start: each gets a dict of its own.
        self.at_start = dict(at_start)
        self._untouched = _Untouched(moment, handed_out, at_start)
        return state, False

    def _fresh_plans(self, state: SeededSandbox, kept: bool) -> None:
        """The scenario's fault rules, webhook fault rules and timeline, none used yet.

        Beside a kept state, a plan that is empty and that the scenario leaves empty (most
        scenarios have no faults and no timeline) stays: a new one would be the same, and
        making the three anew is a fifth of what a reset costs.
        """
        scenario, webhook_faults = self.scenario, self.outbox.faults
        if not kept or scenario.faults or self.faults.active:
            self.faults = FaultPlan(scenario.faults, self.seed, state.job_ids)
        if not kept or scenario.webhook_faults or webhook_faults.active:
            webhook_faults.add(scenario.webhook_faults, replace=True)
        if not kept or scenario.timeline:
            started = None if self.config.hold_timeline else state.store.now()
            self.timeline = Timeline(scenario.timeline, started)

    def _enter(self, state: SeededSandbox) -> None:
        """Make `state` the sandbox's. The one it leaves tells no one of its jobs any more:
        its listeners hold its store (_wire), and, cut, it goes as soon as nothing else holds
        it. Left to the garbage collector, every reset of a big scenario kept one more copy
        alive until a full collection (ten resets of a million items: 662 MiB, not 102)."""
        if state is self._state:  # kept by a reset
            return
        left, self._state = self._state, state
        left.store.job_created.clear()
        left.store.status_changed.clear()

    def _wire(self, store: Store) -> None:
        """Pleo's webhooks and the job watchers hear of every job the store makes or moves."""
        store.job_created.append(lambda job: self._announce(store, job))
        store.job_created.append(lambda job: self._tell_watchers(job, None))
        store.status_changed.append(self._tell_watchers)

    def install(self, restored: Restored) -> None:
        """Put a whole state in place at once (a snapshot's restore, see snapshot/).

        Deliveries still in flight belong to the state being left: they are dropped.
        """
        with self._lock:
            self.scenario = restored.scenario
            self.config = replace(self.config, seed=restored.seed, policy=restored.policy)
            self.outbox.clear()
            self.outbox.faults.resume(restored.webhook_faults)
            self.journal.resume(restored.journal, restored.next_seq)
            self.added = restored.added
            self.at_start = dict(restored.at_start)
            self.faults = restored.faults
            self._wire(restored.state.store)
            self.timeline = restored.timeline
            self._untouched = None  # a snapshot's moment, not a scenario's first
            self._enter(restored.state)
        if self.config.clock == "running" and self.timeline.pending:
            self._start_ticker()

    def _tell_watchers(self, job: ExportJob, before: JobStatus | None) -> None:
        for watcher in self.job_watchers:
            watcher(job, before)


@dataclass(frozen=True, slots=True)
class Restored:
    """A whole state to put in place at once: what `Sandbox.install` takes."""

    scenario: Scenario
    seed: int
    policy: Policy
    state: SeededSandbox
    at_start: dict[str, JobAtStart]
    faults: FaultPlan
    webhook_faults: list[tuple[DeliveryFaultRule, int]]
    timeline: Timeline
    added: int
    journal: list[JournalEntry]
    next_seq: int


@dataclass(frozen=True, slots=True)
class FirstMoment:
    """A scenario's first moment on a frozen clock: what a reset restores."""

    scenario: Scenario
    seed: int
    policy: Policy
    start: datetime

    def of(self, scenario: Scenario, seed: int, policy: Policy, start: datetime) -> bool:
        """Whether this is that moment: of the very same scenario object (the loader gives
        one per text), since comparing two by value would cost as much as they are big."""
        same = (seed, policy, start) == (self.seed, self.policy, self.start)
        return scenario is self.scenario and same

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FirstMoment) and self.of(
            other.scenario, other.seed, other.policy, other.start
        )

    def __hash__(self) -> int:
        return hash((id(self.scenario), self.seed, self.policy, self.start))


class _Untouched(NamedTuple):
    """The state in place came from `moment`, and had been handed out `handed_out` times."""

    moment: FirstMoment
    handed_out: int
    at_start: dict[str, JobAtStart]  # the moment's own: copied, never changed


class FirstMoments:
    """Each scenario's first moment, seeded once and restored by copying.

    Seeding draws every entry's id and makes its objects (12,000 of them for `large`; their
    payloads are made when read, and kept across copies); copying the seeded store is a
    fraction of that, so a reset, a reload or a new sandbox of the same scenario stays cheap.
    The latest few moments are kept, and at most `keep_entries` entries over all of them:
    the latest is always kept. Safe across threads: a seeded moment is only ever copied, never
    changed (but for its receipts registry, which grows as its entries' payloads are first
    read, for every copy to serve: scenarios/book.py).
    """

    def __init__(self, keep: int = 8, keep_entries: int = 1_000_000) -> None:
        self.keep = keep
        # A seeded entry weighs about 500 bytes resident (bench/bench_scale.py): a second
        # million-entry scenario pushes the first out rather than holding both for good.
        self.keep_entries = keep_entries
        self._lock = threading.Lock()
        self._seeded: dict[FirstMoment, _Seeded] = {}

    def restore(self, moment: FirstMoment) -> tuple[SeededSandbox, dict[str, JobAtStart]]:
        """A state at `moment`, changing apart from every other, and its jobs as they were
        (the moment's own record: read it, do not change it)."""
        with self._lock:
            seeded = self._seeded.pop(moment, None)
            if seeded is not None:
                self._seeded[moment] = seeded  # the most recently used goes last
        if seeded is None:
            seeded = self._seed(moment)
        return seeded.state.copy(FrozenClock(moment.start)), seeded.at_start

    def _seed(self, moment: FirstMoment) -> _Seeded:
        """Seeded outside the lock (a million entries must not hold up another's reset), then
        kept; the oldest go while the bounds are passed."""
        scenario, clock = moment.scenario, FrozenClock(moment.start)
        state = build_store(scenario, seed=moment.seed, clock=clock, policy=moment.policy)
        entries = sum(entry.count for company in scenario.companies for entry in company.entries)
        seeded = _Seeded(state, capture_start(state.store), entries)
        with self._lock:
            self._seeded.pop(moment, None)  # a racing thread's seeding of the same
            self._seeded[moment] = seeded
            while len(self._seeded) > 1 and self._over_bounds():
                del self._seeded[next(iter(self._seeded))]
        return seeded

    def __len__(self) -> int:
        return len(self._seeded)

    def _over_bounds(self) -> bool:
        entries = sum(seeded.entries for seeded in self._seeded.values())
        return len(self._seeded) > self.keep or entries > self.keep_entries


# One per process: every sandbox of a scenario (the loader gives one object per text) restores
# the same seeded moment, and reads the payloads made from it (scenarios/lazy.py) once.
FIRST_MOMENTS = FirstMoments()


@dataclass(frozen=True, slots=True)
class _Seeded:
    state: SeededSandbox
    at_start: dict[str, JobAtStart]
    entries: int  # what it weighs against FirstMoments.keep_entries


def _as_scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else resolve(str(scenario))


# -- the jobs at the start, which the verifier compares a connector's run against -----------


@dataclass(frozen=True, slots=True)
class JobAtStart:
    id: str
    company_id: str
    status: JobStatus
    created_at: datetime
    open_items: frozenset[str]  # entries still pending or in_progress: what must be processed
    # When the timeline made it as the sandbox ran (seconds since the epoch, like a journal
    # entry's wall_time); None for a job there from the start.
    appeared_at: float | None = None

    @property
    def eligible(self) -> bool:
        return self.status.is_open


def capture_start(store: Store) -> dict[str, JobAtStart]:
    """The jobs as a connector first finds them (taken right after a scenario is seeded)."""
    return {job.id: _at_start(job) for job in store.jobs()}


def _at_start(job: ExportJob, appeared_at: float | None = None) -> JobAtStart:
    counts = job.status_counts
    if counts[ItemStatus.PENDING] + counts[ItemStatus.IN_PROGRESS] == len(job.items):
        open_items = frozenset(job.positions)  # every item is open: a million at C speed
    else:
        open_items = frozenset(
            item.accounting_entry_id
            for item in job.items
            if item.outcome.status in (ItemStatus.PENDING, ItemStatus.IN_PROGRESS)
        )
    return JobAtStart(job.id, job.company_id, job.status, job.created_at, open_items, appeared_at)
