"""Errors raised while serving a request, kept for the test that sent it.

The server answers in its own thread, so an exception there would otherwise only reach a log.
Keeping it lets the test get it back at teardown (pytest-httpserver's `check_assertions`
habit), as if the test had raised it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class ErrorCatcher:
    """WSGI middleware: an exception while serving is kept for the test and answered 500."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._errors: list[Exception] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve with the wrapped app; on an exception, keep it and answer 500 in plain text."""
        try:
            return self.app(environ, start_response)
        except Exception as error:
            with self._lock:
                self._errors.append(error)
            return _answer_500(error, environ, start_response)

    def take(self) -> list[Exception]:
        """The errors recorded since the last call, oldest first."""
        with self._lock:
            errors, self._errors = self._errors, []
        return errors


def _answer_500(
    error: Exception, environ: WSGIEnvironment, start_response: StartResponse
) -> list[bytes]:
    request = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
    body = (
        f"pleo-export-mock: {type(error).__name__} while serving {request}; "
        f"the test gets it at teardown.\n{error}\n"
    ).encode()
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    # No exc_info: the app had not started the response, and werkzeug's test Client
    # would raise it right there instead of answering 500.
    start_response("500 Internal Server Error", headers)
    return [body]


def raise_first(errors: list[Exception]) -> None:
    """Raise the first of a test's serving errors, noting how many more there were."""
    __tracebackhide__ = True  # pytest shows where it was raised while serving, not this frame
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        first.add_note(f"(and {len(errors) - 1} more error(s) while serving this test)")
    raise first
