"""The server `fuzz --url` is pointed at: its base URL, the credentials, and a preflight.

Anything that would make the run meaningless (a malformed URL, no credentials, nothing
listening, credentials refused, no Export API at that URL) stops here with a TargetError
naming the problem, instead of showing up later as hundreds of identical failures.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..errors import ToolError

PREFLIGHT_PATH = "/v3/export-jobs"
PREFLIGHT_TIMEOUT_S = 5.0
AUTH_HINT = "--api-key KEY, --token TOKEN or --header 'Authorization: ...'"


class TargetError(ToolError):
    """The server cannot be fuzzed as given: the CLI exits 2 with this message."""


def base_url(url: str) -> str:
    """`url` without a trailing slash; only http(s) URLs with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TargetError(f"--url {url!r}: give an http(s) URL, e.g. http://127.0.0.1:8080")
    if parts.query or parts.fragment:
        raise TargetError(f"--url {url!r}: give the base URL without a query or fragment")
    return url.rstrip("/")


def request_headers(
    api_key: str | None, token: str | None, headers: Sequence[str]
) -> dict[str, str]:
    """The headers every request carries; exactly one way of giving the credentials."""
    parsed = dict(_header(text) for text in headers)
    given = [name for name in parsed if name.lower() == "authorization"]
    credentials = [c for c in (api_key, token) if c is not None] + given
    if not credentials:
        raise TargetError(f"no credentials: give {AUTH_HINT}")
    if len(credentials) > 1:
        raise TargetError(f"credentials given more than once: give one of {AUTH_HINT}")
    if api_key is not None:
        parsed["Authorization"] = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()
    if token is not None:
        parsed["Authorization"] = f"Bearer {token}"
    return parsed


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise TargetError(f"--header {text!r}: write it as 'Name: value'")
    return name, value.strip()


def preflight(url: str, headers: dict[str, str], timeout: float = PREFLIGHT_TIMEOUT_S) -> None:
    """One authenticated GET of the job list: the server answers, and accepts the credentials."""
    address = url + PREFLIGHT_PATH
    request = urllib.request.Request(address, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return  # 2xx: reachable, credentials accepted (urllib raises on 4xx and 5xx)
    except urllib.error.HTTPError as answer:
        status, body = answer.code, answer.read()
    except urllib.error.URLError as problem:
        raise TargetError(f"cannot reach {url}: {problem.reason}") from None
    except OSError as problem:  # timeouts and resets arrive unwrapped
        raise TargetError(f"cannot reach {url}: {problem}") from None
    _judge(address, status, body)


def _judge(address: str, status: int, body: bytes) -> None:
    said = _error_text(body)
    if status in (401, 403):
        raise TargetError(
            f"GET {address} answered {status}{said}: the server refused the credentials; "
            f"check {AUTH_HINT}"
        )
    if status in (404, 405):
        raise TargetError(
            f"GET {address} answered {status}{said}: no Export API v3 at this URL "
            "(give the base URL, the part before /v3)"
        )
    # Anything else (a 400 for a missing company_id, even a 500) is the fuzz run's to judge.


def _error_text(body: bytes) -> str:
    try:
        error = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(error, dict):
        return ""
    parts = [str(error[key]) for key in ("type", "message") if error.get(key)]
    return f" ({': '.join(parts)})" if parts else ""
