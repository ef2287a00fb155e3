"""Work around a Schemathesis 4 bug that breaks the ignored_auth check on in-process WSGI apps.

The engine hands every send its socket settings (`max_redirects`, `verify`, `cert`, `proxies`)
beside a `requests.Session`; the WSGI transport drops them only when that session is present.
The ignored_auth check re-sends a case without credentials and removes the session first, so
werkzeug's EnvironBuilder gets `max_redirects` and raises TypeError. While a run is in progress
the transport below drops those settings whenever there is no session; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis.transport.wsgi as wsgi_transport
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

_SOCKET_SETTINGS = ("max_redirects", "verify", "cert", "proxies")


class _ProbeSafeWSGITransport(wsgi_transport.WSGITransport):
    def send(self, case: Case[Any], *, session: Any = None, **kwargs: Any) -> Response:
        if session is None:
            for name in _SOCKET_SETTINGS:
                kwargs.pop(name, None)
        return super().send(case, session=session, **kwargs)


@contextmanager
def probe_safe_wsgi_transport() -> Iterator[None]:
    """Use the fixed transport for in-process runs; restore the original afterwards."""
    original = wsgi_transport.WSGI_TRANSPORT
    fixed = _ProbeSafeWSGITransport()
    fixed._copy_serializers_from(original)  # JSON, multipart, text: as the original has them
    wsgi_transport.WSGI_TRANSPORT = fixed
    try:
        yield
    finally:
        wsgi_transport.WSGI_TRANSPORT = original
