"""A Pleo spec file's paths go to the spec of ours they belong to, or to none."""

from __future__ import annotations

import pytest

from pleo_export_mock.drift.match import match, owner_of


@pytest.mark.parametrize(
    ("path", "ours"),
    [
        ("/v3/export-jobs/{id}/items", "export-api.yaml"),  # a template matches any name
        ("/v3/export-job-archive", "export-api.yaml"),  # a new path of v3
        ("/v1/export-jobs", "export-api-v0-v2.yaml"),
        ("/v0/export-items", "export-api-v0-v2.yaml"),
        ("/v1/subscriptions/{subscriptionId}/secret", "webhook-subscriptions.yaml"),
        ("/v1/subscriptions/{id}/pause", "webhook-subscriptions.yaml"),
        ("/v1/something-new", None),  # v0-v2 and subscriptions share `/v1` equally
        ("/v4/export-jobs", None),
        ("/", None),
    ],
)
def test_each_path_goes_to_the_spec_sharing_most_of_it(path: str, ours: str | None) -> None:
    owner = owner_of(path)
    assert (owner.file if owner else None) == ours


def test_a_document_is_split_by_path_and_the_rest_listed() -> None:
    item = {"get": {"operationId": "x", "responses": {}}}
    document = {
        "openapi": "3.0.3",
        "paths": {"/v3/export-jobs": item, "/v2/export-jobs": item, "/v9": item},
    }
    matches, unmatched = match(document)
    assert [(m.ours.file, list(m.pleo["paths"])) for m in matches] == [
        ("export-api.yaml", ["/v3/export-jobs"]),
        ("export-api-v0-v2.yaml", ["/v2/export-jobs"]),
    ]
    assert unmatched == ["/v9"]
