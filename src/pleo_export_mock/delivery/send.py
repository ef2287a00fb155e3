"""One delivery attempt over HTTP: signed, with the subscription's headers and endpoint auth."""

from __future__ import annotations

import base64
import http.client
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from ..domain.subscriptions import Subscription
from .hosts import HostPolicy, HostRefused

MAX_ANSWER_BYTES = 64 * 1024  # of the endpoint's answer, kept for the journal
USER_AGENT = "pleo-export-mock-webhooks"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 0: no answer (refused host, connection error, timeout)
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str | None = None  # why there was no answer

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def signed_headers(
    subscription: Subscription, message_id: str, body: bytes, signed_at: datetime, secret: str
) -> dict[str, str]:
    """The request headers, signed with `secret`: the subscription's own headers first, so
    Standard Webhooks' always win."""
    request = subscription.request
    headers = dict(request.custom_headers or {})
    auth = request.endpoint_auth or {}
    if auth.get("type") == "BASIC":
        credentials: Mapping[str, Any] = auth.get("credentials") or {}
        pair = f"{credentials.get('username', '')}:{credentials.get('password', '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    signature = Webhook(secret).sign(message_id, signed_at, body)
    headers.update(
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(signed_at.timestamp())),
            "webhook-signature": signature,
        }
    )
    return headers


def post(
    url: str, headers: Mapping[str, str], body: bytes, hosts: HostPolicy, timeout: float
) -> Answer:
    """POST without following redirects (a redirect could lead off loopback): 3xx is a failure."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    try:
        address = hosts.check(parts.hostname or "", port)
    except HostRefused as refused:
        return Answer(0, error=f"not sent: {refused}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if secure:  # TLS checks the name, so connect by name
        connection = http.client.HTTPSConnection(parts.hostname or "", port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(
            address or parts.hostname or "", port, timeout=timeout
        )
    try:
        connection.request("POST", target, body, {"Host": parts.netloc, **headers})
        response = connection.getresponse()
        text = response.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
        return Answer(response.status, dict(response.getheaders()), text)
    except TimeoutError:
        return Answer(0, error=f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as problem:
        return Answer(0, error=f"no answer: {problem or type(problem).__name__}")
    finally:
        connection.close()
