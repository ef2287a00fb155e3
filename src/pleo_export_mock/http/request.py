"""One request, read once: what faults, validation, handlers and the journal all look at.

The body is read and decoded (validation/body.py) here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from ..journal import job_id_of
from ..validation.body import NotJson, decode_json

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str  # as sent: werkzeug's Request.path would fold `//_mock` into `/_mock`
    query: MultiDict[str, str]  # werkzeug's immutable one
    headers: Headers  # a copy: the environ may be recycled once answered
    content_type: str | None
    raw_body: bytes  # b"" when there was none, or when it was over the size limit
    json: Any  # the decoded body, None when empty, a NotJson when it does not decode
    too_large: bool  # the body was over the limit and was not read
    host_url: str  # scheme://host/, for absolute links in exports
    missing_host: bool  # HTTP/1.1 without a Host header (RFC 9112 section 3.2 says 400)
    wall_time: float  # time.time() when the request arrived

    @property
    def full_path(self) -> str:
        query = self.query.to_dict(flat=False)
        encoded = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
        return self.path + (f"?{encoded}" if encoded else "")

    def text(self) -> str:
        """The body as text, for media types that are not JSON (a YAML scenario)."""
        return self.raw_body.decode("utf-8", "replace")

    def job_id(self, path_params: Mapping[str, Any]) -> str | None:
        """The export job this request is about, by the journal's one rule."""
        body = self.json if not isinstance(self.json, NotJson) else None
        return job_id_of(path_params, self.query.to_dict(flat=False), body)


def read_request(environ: WSGIEnvironment, max_body_bytes: int) -> RequestRecord:
    request = Request(environ)
    request.max_content_length = max_body_bytes
    try:
        raw, too_large = request.get_data(cache=False), False
    except RequestEntityTooLarge:
        raw, too_large = b"", True
    return RequestRecord(
        method=request.method,
        path=_path_as_sent(environ),
        query=request.args,
        headers=Headers(request.headers),
        content_type=request.content_type,
        raw_body=raw,
        json=decode_json(raw),
        too_large=too_large,
        host_url=request.host_url,
        missing_host=environ.get("SERVER_PROTOCOL") == "HTTP/1.1" and not environ.get("HTTP_HOST"),
        wall_time=time.time(),
    )


def _path_as_sent(environ: WSGIEnvironment) -> str:
    """PATH_INFO decoded as WSGI says (latin-1 bytes, UTF-8 text), leading slashes kept."""
    raw = environ.get("PATH_INFO") or "/"
    return raw.encode("latin-1").decode("utf-8", "replace")
