"""The bytes of a generated receipt: a small valid PDF or PNG, exactly as long as its `size`.

Deterministic from the receipt alone, so a download repeats byte for byte. The declared size
is honoured with padding a reader ignores (a PDF comment, a PNG text chunk), so a connector's
size limits (`receipt_file_size_limit_exceeded`) meet the size the export item announced.
"""

from __future__ import annotations

import struct
import zlib

from .receipts import Receipt

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def receipt_bytes(receipt: Receipt) -> bytes:
    """The file, `receipt.size` bytes long (or its smallest form, if the size is smaller)."""
    if receipt.mime == "image/png":
        return _png(receipt)
    return _pdf(receipt)


def _filler(receipt: Receipt, count: int) -> bytes:
    unit = receipt.id.encode("ascii") + b" "
    return (unit * (count // len(unit) + 1))[: max(count, 0)]


def _pdf(receipt: Receipt) -> bytes:
    text = f"Receipt {receipt.id}".encode("ascii")
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    document = _pdf_document(objects, b"")
    padding = receipt.size - len(document) - 2  # "%" and "\n" around the filler
    # The padding moves the cross-reference table, whose offset may grow by a digit: settle.
    while padding >= 0 and len(document) != receipt.size:
        document = _pdf_document(objects, b"%" + _filler(receipt, padding) + b"\n")
        padding -= len(document) - receipt.size
    return document


def _pdf_document(objects: list[bytes], padding: bytes) -> bytes:
    out = bytearray(b"%PDF-1.4\n" + padding)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png(receipt: Receipt) -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\xff")  # filter byte, one white pixel
    bare = _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
    keyword = b"Comment\x00"
    padding = receipt.size - len(bare) - 12 - len(keyword)  # a chunk's own 12 bytes
    if padding < 0:
        return bare
    text = _chunk(b"tEXt", keyword + _filler(receipt, padding))
    return bare[:-12] + text + bare[-12:]  # text chunks go before IEND


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
