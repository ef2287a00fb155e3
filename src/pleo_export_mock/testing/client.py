"""An in-process client over the sandbox app: no socket, the same state as the server."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from werkzeug.test import Client

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class ExportMockClient(Client):
    """werkzeug's test Client over the sandbox app, in process, on the test's fresh state.

    Every request carries the handle's Authorization header unless it sends its own; set
    `authorization` to another value to change it, or to None to send none.
    """

    def __init__(self, app: WSGIApplication, default: Callable[[], str]) -> None:
        """`default` is asked on every request, so the header follows a newly loaded scenario."""
        super().__init__(self._serve)
        self._app = app
        self._default = default
        # A one-tuple once set, so that a pinned None (send no header) differs from unset.
        self._pinned: tuple[str | None] | None = None

    def __repr__(self) -> str:
        # werkzeug's own repr shows the app, here a bound method whose repr shows this client:
        # it would recurse, and pytest prints fixture values in every failing test's report.
        return f"<ExportMockClient on {self._app!r}>"

    @property
    def authorization(self) -> str | None:
        """The Authorization header sent when a request has none of its own."""
        return self._default() if self._pinned is None else self._pinned[0]

    @authorization.setter
    def authorization(self, value: str | None) -> None:
        self._pinned = (value,)

    def _serve(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        authorization = self.authorization
        if authorization is not None:
            environ.setdefault("HTTP_AUTHORIZATION", authorization)
        return self._app(environ, start_response)
