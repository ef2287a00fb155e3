"""What the sandbox answers at `/` and `/_mock/`: where to start, instead of a 404.

JSON for a program (the loaded scenario, links to both specs, every control-plane operation),
and the same as a small HTML page when a browser says it prefers one.
"""

from __future__ import annotations

from html import escape
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..spec import Spec, shipped_spec
from . import state_view
from .call import Call, Reply

HTML_TYPE = "text/html; charset=utf-8"


def control_plane_spec() -> Spec:
    """The control plane's spec (openapi/control-plane.yaml), read once per process."""
    return shipped_spec("control-plane.yaml")


def index(call: Call) -> Reply:
    page = describe(call)
    if _prefers_html(call.request.headers.get("Accept", "")):
        return Reply(200, to_html(page), HTML_TYPE)
    return Reply(200, page)


def describe(call: Call) -> dict[str, Any]:
    base = call.request.host_url.rstrip("/")
    from importlib.metadata import version  # here: most starts never need it

    document = control_plane_spec().document
    return {
        "name": "pleo-export-mock",
        "version": version("pleo-export-mock"),
        "scenario": state_view.summary(call.sandbox),
        "links": {
            "exportApiSpec": f"{base}/openapi.json",
            "controlPlaneSpec": f"{base}/_mock/openapi.json",
            "exportJobs": f"{base}/v3/export-jobs",
        },
        "operations": [
            {
                "operationId": operation["operationId"],
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
            }
            for path, methods in document["paths"].items()
            for method, operation in methods.items()
            if path.startswith("/_mock/") and path != "/_mock/"
        ],
    }


def _prefers_html(accept: str) -> bool:
    offered = parse_accept_header(accept, MIMEAccept)
    return offered.best_match(["application/json", "text/html"]) == "text/html"


def to_html(page: dict[str, Any]) -> str:
    scenario = page["scenario"]
    links = "".join(
        f'<li><a href="{escape(url)}">{escape(name)}</a></li>'
        for name, url in page["links"].items()
    )
    rows = "".join(
        f"<tr><td>{escape(op['method'])}</td><td><code>{escape(op['path'])}</code></td>"
        f"<td>{escape(op['summary'])}</td></tr>"
        for op in page["operations"]
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8><title>pleo-export-mock</title></head>"
        f"<body><h1>pleo-export-mock {escape(page['version'])}</h1>"
        f"<p>A sandbox of Pleo's Export API v3. Scenario <b>{escape(scenario['scenario'])}</b> "
        f"(seed {scenario['seed']}): {escape(scenario.get('description', ''))} "
        f"Sandbox time {escape(scenario['now'])}.</p>"
        f"<ul>{links}</ul><h2>Control plane</h2><table>{rows}</table></body></html>"
    )
