"""Text made safe for the HTML report: escaped, and free of what no page should hold.

Bodies in the journal are whatever a connector sent: markup, control characters, lone
surrogates (valid in JSON, unwritable as UTF-8). Everything the report shows passes here.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

# C0 controls but tab and newline, DEL, and lone surrogates: shown as U+FFFD.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def esc(value: object) -> str:
    """`value` as text, safe inside an element or a quoted attribute of HTML and SVG."""
    return escape(_UNSHOWABLE.sub("\ufffd", str(value)), quote=True)


def body_text(body: Any) -> str:
    """A request or response body as people read it: JSON indented, text as it came."""
    if body is None or body == "":
        return "(no body)"
    if isinstance(body, str):
        return body
    return json.dumps(body, indent=2, ensure_ascii=False)


def headers_text(headers: dict[str, str]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers.items())
