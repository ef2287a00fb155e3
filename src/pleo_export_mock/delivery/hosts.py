"""Where deliveries may go: loopback addresses, and the hosts `serve` was told to allow.

A sandbox that anyone can subscribe must not become a way to make requests to other hosts
(SSRF), so a name is resolved first and every address it gives must be loopback.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# A host name as DNS writes it: labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def allowed_host(text: str) -> str:
    """`text` as a host to allow, lowercased; ValueError when it could match no delivery (a
    URL, a port, a path, a blank): deliveries are matched on their URL's host as written."""
    if "://" in text:
        host = urlsplit(text).hostname
        raise ValueError(f"{text!r} is a URL; give its host alone" + (f": {host}" if host else ""))
    try:
        ipaddress.ip_address(text)
    except ValueError:
        if len(text) > 253 or not _HOST_NAME.fullmatch(text):
            raise ValueError(
                f"{text!r} is not a host name or an IP address (no port, no path)"
            ) from None
    return text.lower()


class HostRefused(Exception):
    """The endpoint's host is not one deliveries may go to; the message says why."""


@dataclass(frozen=True, slots=True)
class HostPolicy:
    allowed: frozenset[str] = frozenset()  # host names or addresses allowed beside loopback

    def check(self, host: str, port: int) -> str | None:
        """The loopback address to connect to, or None for an allowed non-loopback host."""
        if host.lower() in self.allowed:
            return None
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as problem:
            raise HostRefused(f"cannot resolve {host!r}: {problem}") from None
        addresses = [str(info[4][0]) for info in found]
        outside = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
        if not addresses or outside:
            raise HostRefused(
                f"{host} is not a loopback address (it resolves to {', '.join(addresses)}); "
                "deliveries go only to loopback unless `serve --allow-webhook-host` names it"
            )
        return addresses[0]  # connect to the address checked, not to a second lookup's answer
