"""What the sandbox answers at `/` and `/_mock/`: where to start, instead of a 404.

JSON for a program (the loaded scenario, links to both specs, every control-plane operation),
and the live dashboard (http/dashboard.py) when a browser says it prefers HTML.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..spec import Spec, shipped_spec
from . import dashboard, state_view
from .call import Call, Reply


def control_plane_spec() -> Spec:
    """The control plane's spec (openapi/control-plane.yaml), read once per process."""
    return shipped_spec("control-plane.yaml")


def index(call: Call) -> Reply:
    page = describe(call)
    if _prefers_html(call.request.headers.get("Accept", "")):
        return dashboard.page(page)
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
