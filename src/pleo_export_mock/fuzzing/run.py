"""Run Schemathesis' engine (every phase, every check) and keep what it found as a FuzzResult."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import schemathesis
from schemathesis.core.result import Ok
from schemathesis.engine import Status, StopReason, events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.engine.run import PhaseName
from schemathesis.specs.openapi.schemas import OpenApiSchema

from .config import FuzzOptions, build_config
from .result import Finding, FuzzResult
from .wsgi import probe_safe_wsgi_transport

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

PhaseHook = Callable[[str], None]
Progress = Callable[[str], None]  # told a line per operation and phase as each finishes
TESTING_PHASES = frozenset(
    {PhaseName.EXAMPLES, PhaseName.COVERAGE, PhaseName.FUZZING, PhaseName.STATEFUL_TESTING}
)


def fuzz_wsgi(
    app: WSGIApplication,
    options: FuzzOptions,
    before_phase: PhaseHook | None = None,
    spec_path: str = "/openapi.json",
) -> FuzzResult:
    """Fuzz an in-process WSGI app against the spec it serves at `spec_path`."""
    schema = schemathesis.openapi.from_wsgi(spec_path, app, config=build_config(options))
    with probe_safe_wsgi_transport():
        return execute(schema, options, before_phase)


def fuzz_url(
    url: str, spec_path: Path, options: FuzzOptions, progress: Progress | None = None
) -> FuzzResult:
    """Fuzz a server at `url` against the spec in `spec_path` (not the one it may serve)."""
    config = build_config(replace(options, base_url=url))
    schema = schemathesis.openapi.from_path(str(spec_path), config=config)
    return execute(schema, options, progress=progress)


def execute(
    schema: OpenApiSchema,
    options: FuzzOptions,
    before_phase: PhaseHook | None = None,
    progress: Progress | None = None,
) -> FuzzResult:
    result = FuzzResult(options.seed, options.max_examples, operation_labels(schema))
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        starting = _testing_phase_started(event)
        if starting is not None and before_phase is not None:
            before_phase(starting)  # the event comes before the phase sends anything
        if progress is not None and isinstance(event, events.ScenarioFinished):
            progress(_progress_line(event))
        _collect(result, event)
    result.duration_s = time.perf_counter() - started
    return result


def _progress_line(event: events.ScenarioFinished) -> str:
    """`fuzz: fuzzing GET /v3/export-jobs: 20 case(s), 0 failure(s)`"""
    recorder = event.recorder
    failed = sum(1 for checks in recorder.checks.values() for c in checks if c.failure_info)
    return (
        f"fuzz: {event.phase.value} {recorder.label}: {len(recorder.cases)} case(s), "
        f"{failed} failure(s)"
    )


def _testing_phase_started(event: events.EngineEvent) -> str | None:
    if isinstance(event, events.PhaseStarted) and event.phase.name in TESTING_PHASES:
        return event.phase.name.value
    return None


def operation_labels(schema: OpenApiSchema) -> list[str]:
    """Every operation of the spec, in spec order; the engine reports any it cannot load."""
    return [item.ok().label for item in schema.get_all_operations() if isinstance(item, Ok)]


def _collect(result: FuzzResult, event: events.EngineEvent) -> None:
    if isinstance(event, events.ScenarioFinished):
        result.cases += len(event.recorder.cases)
        for finding in _findings(event.phase.value, event.recorder):
            result.add(finding)
    elif isinstance(event, events.PhaseFinished) and event.phase.name in TESTING_PHASES:
        result.phases[event.phase.name.value] = _phase_status(event)
    elif isinstance(event, events.NonFatalError):
        result.add(_error_finding(event))
    elif isinstance(event, events.EngineFinished):
        _finished(result, event)
    elif isinstance(event, events.FatalError):
        raise event.exception


def _finished(result: FuzzResult, event: events.EngineFinished) -> None:
    """Checks that judge the whole run, and a run cut short (the server stopped answering)."""
    for failure in event.failures:
        operation = failure.operation or "run"
        result.add(_run_finding(operation, "run check", failure.title, failure.message))
    if event.stop_reason is not StopReason.COMPLETED:
        why = event.stop_reason.skip_explanation or event.stop_reason.value
        result.add(_run_finding("run", "error", f"The run stopped early: {why}", ""))


def _run_finding(operation: str, check: str, title: str, message: str) -> Finding:
    return Finding(operation, check, title, message, phase="run", reproduce="")


def _phase_status(event: events.PhaseFinished) -> str:
    reason = event.phase.skip_reason
    if event.status is Status.SKIP and reason is not None:
        return f"skipped ({reason.value})"
    return event.status.value


def _findings(phase: str, recorder: ScenarioRecorder) -> Iterable[Finding]:
    for case_id, checks in recorder.checks.items():
        node = recorder.cases.get(case_id)
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            fallback = node.value.operation.label if node is not None else recorder.label
            yield Finding(
                operation=failure.operation or fallback,
                check=check.name,
                title=failure.title,
                message=failure.message,
                phase=phase,
                reproduce=info.code_sample,
            )


def _error_finding(event: events.NonFatalError) -> Finding:
    info = event.info
    detail = "\n".join([info.message, *info.extras])
    if info.has_useful_traceback:
        detail += "\n" + info.traceback
    return Finding(
        operation=event.label,
        check="error",
        title=info.title,
        message=detail.strip(),
        phase=event.phase.value if event.phase is not None else "run",
        reproduce="",
    )
