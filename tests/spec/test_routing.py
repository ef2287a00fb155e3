"""The Router decides every method and path exactly as the werkzeug routing Map it replaced."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import MapAdapter, RequestRedirect

from pleo_export_mock.http.versions import legacy_spec
from pleo_export_mock.spec import Spec, load_spec
from pleo_export_mock.spec.loader import default_spec_path
from pleo_export_mock.spec.routing import (
    MAX_REMEMBERED_ROUTES,
    NoRoute,
    Router,
    WrongMethod,
    build_url_map,
)

SPECS = {
    "export-api": load_spec(),
    "control-plane": load_spec(default_spec_path().with_name("control-plane.yaml")),
    "v0-v2": legacy_spec(),
    "receipts": load_spec(default_spec_path().with_name("receipts.yaml")),
}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO"]
Outcome = tuple[str, object]


@cache
def reference(name: str) -> MapAdapter:
    return build_url_map(SPECS[name].operations.values()).bind("sandbox")


@cache
def router(name: str) -> Router:
    return Router(SPECS[name].operations.values())


def werkzeug_says(name: str, method: str, path: str) -> Outcome:
    try:
        operation_id, args = reference(name).match(path, method)
    except (NotFound, RequestRedirect):  # the app answers a redirect as 404 too
        return ("404", None)
    except MethodNotAllowed as wrong:
        return ("405", sorted(wrong.valid_methods or []))
    return (str(operation_id), dict(args))


def router_says(name: str, method: str, path: str) -> Outcome:
    try:
        operation_id, args = router(name).match(method, path)
    except NoRoute:
        return ("404", None)
    except WrongMethod as wrong:
        return ("405", wrong.allowed)
    assert isinstance(args, Mapping)
    return (operation_id, dict(args))


def paths_of(spec: Spec) -> list[str]:
    """Each template with sample arguments, and near misses around it."""
    found = []
    for operation in spec.operations.values():
        path = re.sub(r"\{[^}]+\}", "job-1", operation.path)
        found += [path, path + "/", "/" + path, path + "x", path.rsplit("/", 1)[0], path.upper()]
        found += [path.replace("job-1", ""), path.replace("job-1", "a b\n"), path + "//items"]
    return found


@pytest.mark.parametrize("name", SPECS)
def test_every_known_path_and_near_miss_routes_as_werkzeug(name: str) -> None:
    for path in paths_of(SPECS[name]):
        for method in METHODS:
            assert router_says(name, method, path) == werkzeug_says(name, method, path), (
                method,
                path,
            )


SEGMENT = st.sampled_from(
    ["v3", "v1", "_mock", "files", "receipts", "export-jobs", "items", "x", "", ":", "%"]
) | st.text(max_size=6)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    name=st.sampled_from(sorted(SPECS)),
    method=st.sampled_from(METHODS),
    segments=st.lists(SEGMENT, max_size=5),
    lead=st.sampled_from(["/", "//", ""]),
)
def test_any_path_routes_as_werkzeug(
    name: str, method: str, segments: list[str], lead: str
) -> None:
    path = lead + "/".join(segments)
    assert router_says(name, method, path) == werkzeug_says(name, method, path)


def test_a_path_routed_again_answers_alike_and_its_arguments_stay_as_found() -> None:
    routes = Router(SPECS["export-api"].operations.values())
    first = routes.match("GET", "/v3/export-jobs/job-1")
    assert routes.match("GET", "/v3/export-jobs/job-1") == first
    assert first == ("getExportJobByIdV3", {"jobId": "job-1"})
    with pytest.raises(TypeError):  # shared by every request for this path: read-only
        first[1]["jobId"] = "job-2"
    assert routes.match("GET", "/v3/export-jobs/job-2")[1] == {"jobId": "job-2"}
    assert routes.match("HEAD", "/v3/export-jobs/job-1")[0] == "getExportJobByIdV3"


def test_routes_remembered_are_bounded() -> None:
    routes = Router(SPECS["export-api"].operations.values())
    for n in range(MAX_REMEMBERED_ROUTES + 5):  # ids a client makes up, each a new path
        routes.match("GET", f"/v3/export-jobs/job-{n}")
    assert len(routes._found) <= MAX_REMEMBERED_ROUTES
    with pytest.raises(NoRoute):  # a refusal is not remembered, and comes again
        routes.match("GET", "/v3/nowhere")
    with pytest.raises(NoRoute):
        routes.match("GET", "/v3/nowhere")
