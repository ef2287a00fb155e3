"""The live dashboard a browser gets at `/_mock/`: one page, one script, one style sheet.

The files ship inside the package (`pleo_export_mock/dashboard/`), so the dashboard works on
a machine with no network: no CDN, no build step. The page is the index's HTML form; the script
reads the state through the control plane's own JSON operations and polls the journal by
sequence number, so each poll carries only what is new.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from ..scenarios.loader import scenario_names
from . import errors
from .call import Call, Reply

HTML_TYPE = "text/html; charset=utf-8"
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# The script may only come from the sandbox itself; nothing on the page may load from elsewhere.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_SLOT = re.compile(r"\{\{(\w+)\}\}")


@cache
def _read(name: str) -> str:
    """A shipped dashboard file, read once per process."""
    return resources.files("pleo_export_mock").joinpath("dashboard", name).read_text("utf-8")


def page(index: dict[str, Any]) -> Reply:
    """The dashboard page around the index (`index.describe`): its scenario, links and
    control-plane operations are on the page for a reader without the script."""
    scenario = index["scenario"]
    values = {
        "version": escape(index["version"]),
        "scenario": escape(scenario["scenario"]),
        "seed": escape(str(scenario["seed"])),
        "description": escape(scenario.get("description", "")),
        "now": escape(scenario["now"]),
        "links": _links(index["links"]),
        "operations": _operations(index["operations"]),
        "scenarios": _options(scenario_names()),
    }
    # One pass, so a value that happens to hold `{{...}}` is never filled in itself.
    filled = _SLOT.sub(lambda slot: values[slot.group(1)], _read("index.html"))
    return Reply(200, filled, HTML_TYPE, {"Content-Security-Policy": POLICY})


def asset(call: Call) -> Reply:
    name = str(call.params["asset"])
    suffix = name[name.rfind(".") :]
    if suffix not in ASSET_TYPES:  # the spec's enum lets only the shipped files through
        raise errors.not_found(call.request.path)
    return Reply(200, _read(name), ASSET_TYPES[suffix], {"Cache-Control": "no-cache"})


def _links(links: dict[str, str]) -> str:
    return "".join(
        f'<li><a href="{escape(url)}">{escape(name)}</a></li>' for name, url in links.items()
    )


def _operations(operations: list[dict[str, str]]) -> str:
    return "".join(
        f"<tr><td>{escape(op['method'])}</td><td><code>{escape(op['path'])}</code></td>"
        f"<td>{escape(op['summary'])}</td></tr>"
        for op in operations
    )


def _options(names: list[str]) -> str:
    return "".join(f'<option value="{escape(name)}"></option>' for name in names)
