"""Receipt files the sandbox serves itself, behind signed links that expire as Pleo's do.

Pleo's `files[].url` is "active for a limited time (24 Hours) from the time the export item is
fetched" (facts §1.8). A generated payload stores a receipt's path on the sandbox
(`/files/receipts/<id>.pdf`); the Export API turns it into an absolute link, signed with the
company's key and expiring 24 hours after the fetch on the sandbox clock. A scenario can make
a receipt `missing` (the link is good, the file is gone: 404) or `expired` (every link to it
is already past its expiry: 403).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

RECEIPTS_PATH = "/files/receipts/"
LINK_LIFETIME_SECONDS = 24 * 3600
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png"}


class ReceiptLink(StrEnum):
    """What a connector meets when it follows a receipt's link."""

    VALID = "valid"
    MISSING = "missing"  # the file is gone: 404
    EXPIRED = "expired"  # the link is past its expiry when the item is fetched: 403


@dataclass(frozen=True, slots=True)
class Receipt:
    """One receipt file: its bytes follow from these fields alone."""

    id: str
    mime: str
    size: int  # bytes, as the payload's files[].size says
    link: ReceiptLink = ReceiptLink.VALID

    @property
    def file_name(self) -> str:
        return f"{self.id}.{EXTENSIONS[self.mime]}"

    @property
    def path(self) -> str:
        """Where the sandbox serves it, relative to its own base URL."""
        return RECEIPTS_PATH + self.file_name


def file_name_of(path: str) -> str | None:
    """The file name in a sandbox receipt path, or None for any other URL."""
    return path[len(RECEIPTS_PATH) :] if path.startswith(RECEIPTS_PATH) else None


def signature(key: bytes, file_name: str, expires: int) -> str:
    """The link's signature: HMAC-SHA256 of the file name and the expiry (Unix seconds)."""
    message = f"{file_name}\n{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_matches(key: bytes, file_name: str, expires: int, sent: str) -> bool:
    return hmac.compare_digest(signature(key, file_name, expires), sent)
