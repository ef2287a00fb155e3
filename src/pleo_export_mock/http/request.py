"""One request, read once: what faults, validation, handlers and the journal all look at.

The body is read and decoded (validation/body.py) here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from ..domain.quick_init import quick_init
from ..journal import job_id_of
from ..memo import Memo
from ..validation.body import NotJson, decode_json

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


@quick_init  # made for every request
@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str  # as sent: werkzeug's Request.path would fold `//_mock` into `/_mock`
    query_string: str  # as sent
    query: MultiDict[str, str]  # decoded, immutable
    headers: Headers  # a copy: the environ may be recycled once answered
    content_type: str | None
    raw_body: bytes  # b"" when there was none, or when it was over the size limit
    json: Any  # the decoded body, None when empty, a NotJson when it does not decode
    too_large: bool  # the body was over the limit and was not read
    scheme: str
    host: str  # the Host header, else the server's own name and port
    missing_host: bool  # HTTP/1.1 without a Host header (RFC 9112 section 3.2 says 400)
    wall_time: float  # time.time() when the request arrived

    @property
    def full_path(self) -> str:
        return self.path + (f"?{self.query_string}" if self.query_string else "")

    @property
    def host_url(self) -> str:
        """scheme://host/, for absolute links in exports."""
        return f"{self.scheme}://{self.host}/"

    def job_id(self, path_params: Mapping[str, Any]) -> str | None:
        """The export job this request is about, by the journal's one rule."""
        body = self.json if not isinstance(self.json, NotJson) else None
        return job_id_of(path_params, self.query.to_dict(flat=False), body)


def read_request(environ: WSGIEnvironment, max_body_bytes: int) -> RequestRecord:
    """Everything the sandbox needs from `environ`, read straight from it (this is the hot
    path of every request: werkzeug's Request would do more than is needed here)."""
    raw, too_large = _body(environ, max_body_bytes)
    query_string = _wsgi_text(environ.get("QUERY_STRING", ""))
    host = environ.get("HTTP_HOST")
    return RequestRecord(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=_wsgi_text(environ.get("PATH_INFO") or "/"),
        query_string=query_string,
        query=decoded_query(query_string),
        headers=_headers(environ),
        content_type=environ.get("CONTENT_TYPE") or None,
        raw_body=raw,
        json=decode_json(raw),
        too_large=too_large,
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=host
        or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}",
        missing_host=not host and environ.get("SERVER_PROTOCOL") == "HTTP/1.1",
        wall_time=time.time(),
    )


def _body(environ: WSGIEnvironment, max_body_bytes: int) -> tuple[bytes, bool]:
    """The body's bytes and whether it was over the limit (then not read)."""
    chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
    if not environ.get("CONTENT_LENGTH") and not chunked:
        return b"", False
    try:  # over the limit: refused by its Content-Length, or while reading a chunked body
        return get_input_stream(environ, max_content_length=max_body_bytes).read(), False
    except RequestEntityTooLarge:
        return b"", True


def decoded_query(query_string: str) -> MultiDict[str, str]:
    """The decoded query; the same few come again and again (`statuses=pending`, a page's
    cursor), and an ImmutableMultiDict can be shared, so each is decoded once (up to a bound:
    the texts come from clients)."""
    if not query_string:
        return _NO_QUERY
    query = _QUERIES.get(query_string)
    if query is None:
        pairs = parse_qsl(query_string, keep_blank_values=True, errors="replace")
        query = _QUERIES.keep(query_string, ImmutableMultiDict(pairs))
    return query


def _headers(environ: WSGIEnvironment) -> Headers:
    pairs = [
        (_HEADER_NAMES.get(key) or _header_name(key), value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            pairs.append((name, environ[key]))
    return _ServerHeaders(pairs)


class _ServerHeaders(Headers):
    """werkzeug's Headers, holding pairs a server has already parsed line by line.

    Headers(pairs) checks every value for line breaks, which a value read from one header line
    cannot hold; on two or three headers that check cost as much as the rest of the request
    record. The pairs are taken as they are; everything else is werkzeug's.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        self._list = list(pairs)  # werkzeug's copy() and slices come through here too


def _header_name(key: str) -> str:
    """`HTTP_X_API_KEY` -> `X-Api-Key`, remembered for the next request (up to a bound: the
    names come from clients)."""
    return _HEADER_NAMES.keep(key, key[5:].replace("_", "-").title())


MAX_HEADER_NAMES = 512
_HEADER_NAMES: Memo[str, str] = Memo(MAX_HEADER_NAMES)


def _wsgi_text(raw: str) -> str:
    """A WSGI string (latin-1 standing for bytes) as the UTF-8 text the client meant."""
    if raw.isascii():  # the usual path or query: the same text either way
        return raw
    return raw.encode("latin-1").decode("utf-8", "replace")


_NO_QUERY: MultiDict[str, str] = ImmutableMultiDict()
MAX_QUERIES = 1024
_QUERIES: Memo[str, MultiDict[str, str]] = Memo(MAX_QUERIES)
