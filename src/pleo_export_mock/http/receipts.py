"""Receipt files over HTTP (openapi/receipts.yaml): the signed links in export items, and the
handler that serves them.

A link is `<base>/files/receipts/<id>.<ext>?expires=<unix seconds>&signature=<hex>`, built when
an export item is fetched from the request's own base URL, so a connector reaches the sandbox
that answered it. It works until `expires` on the sandbox clock (24 hours after the fetch).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from ..scenarios.book import Book
from ..scenarios.receipt_files import receipt_bytes
from ..scenarios.receipts import (
    LINK_LIFETIME_SECONDS,
    Receipt,
    ReceiptLink,
    file_name_of,
    signature,
    signature_matches,
)
from ..scenarios.seed import SeededSandbox
from . import errors
from .call import Call, Handler, Reply

FileUrl = Callable[[str, str], str]  # (company id, stored url) -> the url a connector gets


def link_maker(state: SeededSandbox, base_url: str, now: datetime) -> FileUrl:
    """Turns stored receipt paths into signed links, valid 24 hours from `now`."""
    base = base_url.rstrip("/")
    expires = int(now.timestamp()) + LINK_LIFETIME_SECONDS

    def file_url(company_id: str, url: str) -> str:
        file_name = file_name_of(url)
        generator = state.generators.get(company_id)
        if file_name is None or generator is None:  # not one of ours: served as stored
            return url
        receipt = generator.book.receipts.get(file_name.partition(".")[0])
        until = expires
        if receipt is not None and receipt.link is ReceiptLink.EXPIRED:
            until = int(now.timestamp())  # already at its end when fetched
        query = urlencode(
            {"expires": until, "signature": signature(generator.book.receipt_key, file_name, until)}
        )
        return f"{base}{url}?{query}"

    return file_url


def get_receipt_file(call: Call) -> Reply:
    file_name: str = call.params["fileName"]
    expires: int = call.params["expires"]
    found = _find(call.state, file_name)
    if found is None:
        raise errors.receipt_not_found(file_name)
    book, receipt = found
    if not signature_matches(book.receipt_key, file_name, expires, call.params["signature"]):
        raise errors.receipt_link_invalid()
    if call.sandbox.now().timestamp() >= expires:
        raise errors.receipt_link_expired(expires)
    if receipt.link is ReceiptLink.MISSING:
        raise errors.receipt_not_found(file_name)
    return Reply(200, receipt_bytes(receipt), receipt.mime)


def _find(state: SeededSandbox, file_name: str) -> tuple[Book, Receipt] | None:
    receipt_id = file_name.partition(".")[0]
    for generator in state.generators.values():
        receipt = generator.book.receipts.get(receipt_id)
        if receipt is not None and receipt.file_name == file_name:
            return generator.book, receipt
    return None


RECEIPT_HANDLERS: dict[str, Handler] = {"getReceiptFile": get_receipt_file}
