"""The journal as NDJSON (one entry a line) and as HAR 1.2 (for browser tools and replays)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..domain.clock import format_timestamp_ms
from .journal import JournalEntry

HAR_CREATOR = {"name": "pleo-export-mock", "version": "0.1.0"}


def to_ndjson(entries: Iterable[JournalEntry]) -> str:
    return "".join(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n" for entry in entries)


def to_har(entries: Iterable[JournalEntry], base_url: str = "http://sandbox") -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": HAR_CREATOR,
            "entries": [_har_entry(entry, base_url) for entry in entries],
        }
    }


def _har_entry(entry: JournalEntry, base_url: str) -> dict[str, Any]:
    started = format_timestamp_ms(datetime.fromtimestamp(entry.wall_time, UTC))
    request_text = _text(entry.request_body)
    response_text = _text(entry.response_body)
    query = [{"name": k, "value": v} for k, values in entry.query.items() for v in values]
    url = (
        ("" if entry.direction == "outbound" else base_url)  # a delivery's path is its URL
        + entry.path
        + ("?" + "&".join(f"{q['name']}={q['value']}" for q in query) if query else "")
    )
    request: dict[str, Any] = {
        "method": entry.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(entry.request_headers),
        "queryString": query,
        "headersSize": -1,
        "bodySize": len(request_text.encode()),
    }
    if request_text:
        request["postData"] = {
            "mimeType": entry.request_headers.get("Content-Type", ""),
            "text": request_text,
        }
    return {
        "startedDateTime": started,
        "time": round(entry.duration_ms, 3),
        "request": request,
        "response": {
            "status": entry.status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(entry.response_headers),
            "content": {
                "size": len(response_text.encode()),
                "text": response_text,
                "mimeType": "application/json" if response_text else "",
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(response_text.encode()),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(entry.duration_ms, 3), "receive": 0},
        "comment": f"#{entry.seq} {entry.direction} {entry.operation_id or 'no route'}"
        + (f"; violations: {'; '.join(entry.violations)}" if entry.violations else ""),
    }


def _text(body: Any) -> str:
    if body is None:
        return ""
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)


def _pairs(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.items()]
