"""Answers go on the wire exactly as the werkzeug Response they replaced would send them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Response

from pleo_export_mock.http.answer import compact_json
from pleo_export_mock.http.call import JSON_TYPE, Reply
from pleo_export_mock.http.pipeline import to_response

STATUSES = [200, 201, 202, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504]
BODIES: list[tuple[Any, str]] = [
    (None, JSON_TYPE),
    ({"data": [{"name": "Café ∑ 🧾", "n": 1.5, "ok": None}]}, JSON_TYPE),
    ([], JSON_TYPE),
    ('{"seq":1}\n{"seq":2}\n', "application/x-ndjson"),
    ("", "text/plain; charset=utf-8"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
]
HEADERS = [None, {"Allow": "GET, HEAD", "Retry-After": "3"}, {"Deprecation": "true", "Link": "<x>"}]


def werkzeug_response(reply: Reply, headers: dict[str, str] | None) -> Response:
    """How the pipeline built answers before: one werkzeug Response each."""
    if reply.body is None:
        response = Response(status=reply.status, headers=headers)
        del response.headers["Content-Type"]
        return response
    if reply.media_type != JSON_TYPE:
        return Response(reply.body, reply.status, headers, content_type=reply.media_type)
    payload = json.dumps(reply.body, separators=(",", ":"), ensure_ascii=False)
    return Response(payload, status=reply.status, headers=headers, content_type=JSON_TYPE)


def sent(app: Any, method: str) -> tuple[str, list[tuple[str, str]], bytes]:
    seen: list[Any] = []
    body = app({"REQUEST_METHOD": method}, lambda status, headers: seen.extend([status, headers]))
    return seen[0], list(seen[1]), b"".join(body)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT"])
def test_every_answer_goes_out_as_werkzeug_sent_it(status: int, method: str) -> None:
    for body, media_type in BODIES:
        for headers in HEADERS:
            reply = Reply(status, body, media_type)
            expected = sent(werkzeug_response(reply, headers), method)
            assert sent(to_response(reply, headers), method) == expected, (body, headers)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)  # past 64 bits too
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"])),  # UTF-8 holds no lone surrogate
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(JSON_VALUES)
def test_every_answer_carries_the_json_value_the_standard_library_would(value: Any) -> None:
    sent = compact_json(value)
    standard = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    assert json.loads(sent) == json.loads(standard)


def test_answers_are_compact_utf8_as_before() -> None:
    body = {"name": "Café ∑ 🧾", "lines": [1, 2.5, None, True], "big": 2**70}
    assert (
        compact_json(body)
        == '{"name":"Café ∑ 🧾","lines":[1,2.5,null,true],"big":1180591620717411303424}'.encode()
    )
