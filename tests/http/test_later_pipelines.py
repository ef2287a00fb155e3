"""The APIs beyond the Export API and the control plane are built on first use, whole, once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from werkzeug.test import Client

from pleo_export_mock.http import create_app
from pleo_export_mock.http.app import LaterPipelines
from pleo_export_mock.http.pipeline import Pipeline
from pleo_export_mock.sandbox import Sandbox

LATER = ("legacy", "subscriptions", "oauth", "files")


def test_every_later_api_builds_with_a_handler_for_each_operation(sandbox: Sandbox) -> None:
    # A missing handler raises SpecError while building: here, not at someone's first request.
    app = create_app(sandbox)
    for name in LATER:
        pipeline = getattr(app, name)
        assert isinstance(pipeline, Pipeline)
        assert set(pipeline.table.endpoints) <= set(pipeline.handlers), name
        assert getattr(app, name) is pipeline  # built once


def test_the_later_apis_share_the_export_apis_journal(sandbox: Sandbox) -> None:
    app = create_app(sandbox)
    # Receipt downloads too: the journal keeps them as a note (the verifier leaves them out).
    for name in ("legacy", "subscriptions", "oauth", "files"):
        assert getattr(app, name).observers is app.api.observers, name


def test_a_later_api_answers_its_first_request(sandbox: Sandbox) -> None:
    client = Client(create_app(sandbox))
    assert client.get("/v1/subscriptions").status_code == 401  # routed and guarded
    assert client.get("/oauth/openapi.json").json["info"]["title"]
    discovery = client.get("/.well-known/oauth-authorization-server")
    assert discovery.status_code == 200 and "token_endpoint" in discovery.json


def test_each_spec_is_served_as_the_pipeline_that_uses_it_reads_it(sandbox: Sandbox) -> None:
    app = create_app(sandbox)
    client = Client(app)
    documents = app.documents
    assert len(documents) == 5
    for path, document in documents.items():
        assert client.get(path).json == json.loads(json.dumps(document)), path
    assert documents["/openapi-v0-v2.json"] is app.legacy.table.spec.document
    assert documents["/oauth/openapi.json"] is app.oauth.table.spec.document


def test_racing_first_requests_get_one_whole_pipeline() -> None:
    built: list[int] = []
    started = threading.Barrier(8)

    def build() -> Pipeline:
        built.append(1)
        return create_app(Sandbox("pending")).control

    later = LaterPipelines({"slow": build})
    seen: list[Pipeline] = []

    def first_request() -> None:
        started.wait()
        seen.append(later.get("slow"))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(seen) == 8 and all(pipeline is seen[0] for pipeline in seen)


PROBE = """
import sys
from werkzeug.test import Client
from pleo_export_mock.http import create_app
from pleo_export_mock.sandbox import Sandbox
client = Client(create_app(Sandbox("pending")))
client.get("/_mock/clock"); client.get("/v3/export-jobs"); client.get("/openapi.json")
print("after-export-api", "authlib" in sys.modules)
client.get("/.well-known/oauth-authorization-server")
print("after-oauth", "authlib" in sys.modules)
"""


def test_only_the_oauth_server_imports_authlib() -> None:
    # authlib is a large part of start-up; the Export API and the control plane never need it.
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert probe.stdout.split() == ["after-export-api", "False", "after-oauth", "True"], (
        probe.stderr
    )
