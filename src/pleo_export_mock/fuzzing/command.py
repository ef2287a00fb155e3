"""`pleo-export-mock fuzz`: check the target, fuzz it with our spec, report. Exit 0, 1 or 2."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..spec.loader import default_spec_path
from .config import DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, FuzzOptions
from .report import format_summary, to_junit
from .result import FuzzResult
from .target import base_url, preflight, request_headers

INSTALL_HINT = "pip install 'pleo-export-mock[fuzz]'"


@dataclass(frozen=True, slots=True)
class FuzzRequest:
    url: str
    api_key: str | None = None
    token: str | None = None
    headers: Sequence[str] = ()
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    junit: Path | None = None
    quiet: bool = False  # no progress line per operation and phase on stderr


def fuzz_command(request: FuzzRequest, out: TextIO | None = None) -> int:
    """0: no failures; 1: failures; a ToolError (exit 2) before anything is sent otherwise."""
    out = out or sys.stdout
    fuzz_url = _engine()
    url, headers = _checked(request)
    print(
        f"fuzzing {url} with {default_spec_path().name}: every check, every phase, "
        f"seed {request.seed}, {request.max_examples} examples per operation and phase",
        file=out,
        flush=True,
    )
    options = FuzzOptions(headers=headers, max_examples=request.max_examples, seed=request.seed)
    progress = None if request.quiet else _to_stderr
    result = fuzz_url(url, default_spec_path(), options, progress)
    print(format_summary(result, url), end="", file=out, flush=True)
    if request.junit is not None:
        _write(request.junit, to_junit(result, url))
    return 0 if result.ok else 1


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)  # stdout carries the report


def _engine() -> Callable[[str, Path, FuzzOptions, Callable[[str], None] | None], FuzzResult]:
    """Schemathesis is a test extra, not a dependency of the sandbox: say so if it is missing."""
    try:
        from .run import fuzz_url
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("schemathesis"):
            raise
        raise UsageError(f"fuzz needs Schemathesis 4: {INSTALL_HINT}") from None
    return fuzz_url


def _checked(request: FuzzRequest) -> tuple[str, dict[str, str]]:
    """Every refusal happens here, before the run: options, report path, then the server."""
    if request.max_examples < 1:
        raise UsageError(f"--max-examples {request.max_examples}: must be at least 1")
    url = base_url(request.url)
    headers = request_headers(request.api_key, request.token, request.headers)
    if request.junit is not None and not request.junit.parent.is_dir():
        raise UsageError(f"--report-junit {request.junit}: no directory {request.junit.parent}")
    preflight(url, headers)
    return url, headers


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as problem:
        raise UsageError(f"cannot write {path}: {problem.strerror}") from None
