"""Serving the app on a real socket with waitress: in the foreground (`serve`) or a thread."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from waitress import wasyncore  # type: ignore[import-untyped]
from waitress.server import create_server  # type: ignore[import-untyped]

from .domain.clock import format_timestamp
from .domain.models import ExportJob, JobStatus
from .http import Exchange
from .http.faults import QuietDrops
from .server_channel import use_worker_flushed_channels

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from .sandbox import Sandbox

access_log = logging.getLogger("pleo_export_mock.access")
# waitress's default of 100 let 98 idle connections lock every other client out.
CONNECTION_LIMIT = 1000
event_log = logging.getLogger("pleo_export_mock.events")
LOG_FORMAT = "%(asctime)s.%(msecs)03d %(message)s"
LOG_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


class AccessLog:
    """One line per request: method, path with query, status, milliseconds."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording_start(status: str, headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start)
        query = environ.get("QUERY_STRING")
        path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        elapsed = (time.perf_counter() - started) * 1000
        access_log.info(
            "%s %s %s %.1fms", environ["REQUEST_METHOD"], path, seen.get("status", "-"), elapsed
        )
        return body


class JobLog:
    """`serve`'s log of what happens: each injected fault (as an observer of exchanges), and
    every job that appears or changes status, expiry included (told by the sandbox as it
    happens)."""

    def __init__(self, sandbox: Sandbox) -> None:
        sandbox.job_watchers.append(self.job_changed)

    def job_changed(self, job: ExportJob, before: JobStatus | None) -> None:
        event_log.info("%s", _job_change(job, before))

    def __call__(self, exchange: Exchange) -> None:
        if exchange.fault is not None:
            request = exchange.request
            event_log.info(
                "fault %s injected into %s %s",
                exchange.fault.describe(),
                request.method,
                request.path,
            )


def _job_change(job: ExportJob, before: JobStatus | None) -> str:
    if before is None:
        return f"job {job.id} created {job.status.value} ({len(job.items)} items)"
    change = f"job {job.id} {before.value} -> {job.status.value}"
    if job.expired_at is not None:
        return f"{change}: expired at {format_timestamp(job.expired_at)} (sandbox time)"
    return change


def _quiet_waitress() -> None:
    logger = logging.getLogger("waitress")
    if not any(isinstance(f, QuietDrops) for f in logger.filters):
        logger.addFilter(QuietDrops())


class SandboxServer:
    """A waitress server; `port=0` picks a free port. Use as a context manager in tests."""

    def __init__(
        self, app: WSGIApplication, host: str = "127.0.0.1", port: int = 0, threads: int = 8
    ) -> None:
        # Idle and slow clients hold a connection, not a thread (waitress reads whole requests
        # in its loop first), so many may wait without locking others out; channel_timeout
        # closes one that stays silent.
        socket_map: dict[Any, Any] = {}
        self._server = create_server(
            app,
            map=socket_map,
            host=host,
            port=port,
            threads=threads,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=30,
            # Whole seconds (waitress truncates it); stop() wakes the loop through its trigger.
            asyncore_loop_timeout=1,
            ident="pleo-export-mock",
            clear_untrusted_proxy_headers=True,
        )
        use_worker_flushed_channels(socket_map)
        _quiet_waitress()
        self.host = host
        self.port: int = self._server.effective_port
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until Ctrl+C or SIGTERM, then let the requests in flight finish (up to 5 s).

        waitress drains on KeyboardInterrupt or SystemExit; SIGTERM would otherwise end the
        process at once and cut every answer half-made, so it is routed to the same path.
        """
        if threading.current_thread() is not threading.main_thread():
            self._server.run()  # signal handlers belong to the main thread
            return
        previous = signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            self._server.run()
        finally:
            signal.signal(signal.SIGTERM, previous)

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._run_until_stopped, name="pleo-export-mock", daemon=True
        )
        self._thread.start()
        return self

    def _run_until_stopped(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            # A socket closed while the loop was selecting on it: expected only when stopping.
            if not self._stopping.is_set():
                raise

    def stop(self) -> None:
        """Finish requests in flight, close every socket from the loop's own thread, join."""
        self._stopping.set()
        server = self._server
        # Workers in flight still need the trigger to hand their answers back to the loop.
        server.task_dispatcher.shutdown()
        if self._thread is not None and self._thread.is_alive():
            # With nothing left to watch (listener, trigger, keep-alive connections) the loop
            # returns; closing them from another thread would race its select().
            _close_from_the_loop(server)
            self._thread.join(timeout=5)
            self._thread = None
        else:
            server.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _close_from_the_loop(server: Any) -> None:
    """Have waitress's loop close every socket in its map, its trigger among them.

    waitress queues the closing first and writes the trigger's byte after. A worker's own pull
    may wake the loop in between, so the loop closes the trigger before that byte is written:
    the write then fails, with everything already closed.
    """
    closing = threading.Event()

    def close_all() -> None:
        closing.set()  # before the trigger's pipe closes, so a failed write can tell why
        wasyncore.close_all(server._map)

    try:
        server.trigger.pull_trigger(close_all)
    except OSError:
        if not closing.is_set():
            raise


def _exit_quietly(signum: int, frame: object) -> None:
    """SIGTERM: leave as Ctrl+C does, through waitress's drain (see serve_forever)."""
    raise SystemExit(0)
