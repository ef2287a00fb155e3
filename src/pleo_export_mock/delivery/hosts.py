"""Where deliveries may go: loopback addresses, and the hosts `serve` was told to allow.

A sandbox that anyone can subscribe must not become a way to make requests to other hosts
(SSRF), so a name is resolved first and every address it gives must be loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass


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
