"""Fault injection: rules select calls precisely, each kind does what it says, all is journaled."""

from __future__ import annotations

import contextlib
import http.client
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from pleo_export_mock import Sandbox, SandboxServer, authorization_header, create_app
from pleo_export_mock.delivery.faults import parse_delivery_faults
from pleo_export_mock.faults import (
    EVERY_OPERATION,
    OAUTH_OPERATIONS,
    CallInfo,
    FaultPlan,
    FaultSpecError,
    parse_rules,
)
from pleo_export_mock.faults import model as fault_model
from pleo_export_mock.faults.model import (
    FAULT_KINDS,
    OAUTH_FAULT_OPERATIONS,
    RECEIPT_FAULT_OPERATIONS,
)
from pleo_export_mock.scenarios.errors import ScenarioError
from pleo_export_mock.scenarios.loader import load_scenario_file
from pleo_export_mock.spec import export_api_operation_ids

from ..conftest import Api


def _plan(*rules: dict[str, Any], seed: int = 1) -> FaultPlan:
    return FaultPlan(parse_rules(list(rules)), seed)


def _fired(plan: FaultPlan, calls: int, operation: str = "getExportJobByIdV3") -> list[int]:
    return [n for n in range(1, calls + 1) if plan.choose(CallInfo(operation)) is not None]


def test_selectors_pick_the_calls_they_name() -> None:
    base = {"operation": "getExportJobByIdV3", "kind": "drop"}
    assert _fired(_plan({**base, "nth": 2}), 6) == [2]
    assert _fired(_plan({**base, "first": 3}), 6) == [1, 2, 3]
    assert _fired(_plan({**base, "every": 2}), 6) == [2, 4, 6]
    assert _fired(_plan({**base, "every": 2, "times": 2}), 8) == [2, 4]
    assert _fired(_plan({**base, "nth": 1}), 3, operation="getExportJobsListV3") == []


def test_probability_is_seeded() -> None:
    rule = {"operation": "*", "probability": 0.3, "kind": "status", "status": 503}
    first = _fired(_plan(rule, seed=5), 200)
    assert first == _fired(_plan(rule, seed=5), 200)
    assert first != _fired(_plan(rule, seed=6), 200)
    assert 30 < len(first) < 90


def test_event_and_job_filters() -> None:
    plan = FaultPlan(
        parse_rules(
            [
                {
                    "operation": "createExportJobEventV3",
                    "event": "completed",
                    "job": "export",
                    "nth": 1,
                    "kind": "drop",
                }
            ]
        ),
        1,
        {"export": "job-1"},
    )
    assert plan.choose(CallInfo("createExportJobEventV3", "started", "job-1")) is None
    assert plan.choose(CallInfo("createExportJobEventV3", "completed", "job-2")) is None
    assert plan.choose(CallInfo("createExportJobEventV3", "completed", "job-1")) is not None


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"kind": "status", "status": 418, "nth": 1}, "418 is not one of 429, 500"),
        ({"kind": "status", "status": 503}, "exactly one of nth, first, every, probability"),
        ({"kind": "status", "status": 503, "nth": 1, "every": 2}, "exactly one of"),
        ({"kind": "latency", "nth": 1}, "seconds"),
        ({"kind": "explode", "nth": 1}, "'explode' is not one of"),
        ({"kind": "drop", "probability": 1.5}, "probability"),
        ({"kind": "status", "status": 429, "retry_after": 0.5, "nth": 1}, "whole seconds"),
        ({"kind": "drop", "nth": 1, "colour": "red"}, "unknown key(s) colour"),
        (
            {"operation": "listExportJobsV3", "kind": "drop", "nth": 1},
            "'listExportJobsV3' is no operation a fault reaches (did you mean "
            "'getExportJobsListV3'?)",
        ),
        ({"operation": "frobnicate", "kind": "drop", "nth": 1}, "'frobnicate' is no operation a"),
    ],
)
def test_bad_rules_say_where_and_why(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(FaultSpecError, match="faults\\[0\\]") as raised:
        parse_rules([rule])
    assert message in str(raised.value)


OUTAGE = Path(__file__).resolve().parents[2] / "fixtures" / "outage.yaml"


def _outage_refused(tmp_path: Path, text: str) -> ScenarioError:
    """The error loading `text` (the shipped outage.yaml, changed) as a file of that name."""
    broken = tmp_path / "outage.yaml"
    broken.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        load_scenario_file(broken)
    return raised.value


def test_a_broken_fault_in_a_scenario_file_names_file_and_place(tmp_path: Path) -> None:
    text = OUTAGE.read_text().replace("status: 503}", "status: 503, every: 2}")
    error = _outage_refused(tmp_path, text)
    assert "outage.yaml" in str(error) and "faults[0]" in str(error)


def test_every_operation_a_fault_reaches_may_be_named() -> None:
    names = export_api_operation_ids() | OAUTH_FAULT_OPERATIONS | RECEIPT_FAULT_OPERATIONS
    assert {"getExportJobsListV3", "getExportJobsListV1", "token", "getReceiptFile"} <= names
    rules = parse_rules([{"operation": name, "kind": "drop", "nth": 1} for name in sorted(names)])
    assert sorted(rule.operation for rule in rules) == sorted(names)


def test_a_misspelt_operation_in_a_scenario_file_names_file_place_and_the_real_one(
    tmp_path: Path,
) -> None:
    """A rule for no operation would load, then never fire: the run would test nothing."""
    text = OUTAGE.read_text().replace("operation: getExportItemsV3", "operation: getExportItemV3")
    error = _outage_refused(tmp_path, text)
    assert "outage.yaml" in str(error) and "faults[0]" in str(error)
    assert "did you mean 'getExportItemsV3'?" in str(error)


def test_a_broken_rule_is_pointed_at_the_key_that_is_wrong(tmp_path: Path) -> None:
    block = "\n".join(["  - nth: 1", "    kind: drop", "    operation: getExportItemV3", ""])
    text = OUTAGE.read_text()
    rules_at = text.index("faults:\n") + len("faults:\n")
    error = _outage_refused(tmp_path, text[:rules_at] + block + text[rules_at:])
    line = text[:rules_at].count("\n") + 3  # the rule's third line
    assert (error.where, error.line) == ("faults[0].operation", line)


def test_status_faults_answer_in_pleos_shape_and_change_nothing(
    api: Api, client: Client, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    client.post(
        "/_mock/faults",
        json={
            "faults": [
                {
                    "operation": "createExportJobEventV3",
                    "nth": 1,
                    "kind": "status",
                    "status": 429,
                    "retry_after": 2,
                }
            ]
        },
    )
    refused = api(
        "POST", "/v3/export-job-events", json={"event": "started", "jobId": pending_job["id"]}
    )
    assert (refused.status_code, refused.json["type"], refused.headers["Retry-After"]) == (
        429,
        "TOO_MANY_REQUESTS",
        "2",
    )
    assert sandbox.store.job(pending_job["id"]).status.value == "pending"
    assert sandbox.journal.last is not None and sandbox.journal.last.fault_kind == "status"
    described = client.get("/_mock/faults").json["data"][0]
    assert (described["matched"], described["fired"]) == (1, 1)
    assert client.delete("/_mock/faults").json == {"data": []}


def test_ambiguous_commit_applies_then_drops(
    api: Api, client: Client, sandbox: Sandbox, pending_job: dict[str, Any]
) -> None:
    client.post(
        "/_mock/faults",
        json={
            "faults": [
                {"operation": "createExportJobEventV3", "nth": 1, "kind": "ambiguous_commit"}
            ]
        },
    )
    with pytest.raises(ConnectionResetError):
        api("POST", "/v3/export-job-events", json={"event": "started", "jobId": pending_job["id"]})
    assert sandbox.store.job(pending_job["id"]).status.value == "in_progress"
    last = sandbox.journal.last
    assert last is not None and last.status == 0 and last.fault_kind == "ambiguous_commit"


def test_a_bad_fault_over_http_is_400(client: Client) -> None:
    response = client.post("/_mock/faults", json={"faults": [{"kind": "drop"}]})
    assert (response.status_code, response.json["type"]) == (400, "INVALID_FAULT")


def test_a_misspelt_operation_over_http_is_400_and_adds_nothing(client: Client) -> None:
    good = {"operation": "getExportJobsListV3", "kind": "drop", "nth": 1}
    bad = {"operation": "getExportJobListV3", "kind": "drop", "nth": 1}
    response = client.post("/_mock/faults", json={"faults": [good, bad]})
    assert (response.status_code, response.json["type"]) == (400, "INVALID_FAULT")
    assert "faults[1].operation" in response.json["message"]
    assert client.get("/_mock/faults").json == {"data": []}


@pytest.mark.parametrize("path", ["/_mock/faults", "/_mock/webhooks/faults"])
def test_rules_in_force_are_bounded_and_a_refusal_changes_nothing(
    client: Client, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setattr(fault_model, "MAX_RULES", 5)
    rule = {"kind": "drop", "nth": 1} if path == "/_mock/faults" else {"kind": "lost"}
    assert client.post(path, json={"faults": [rule] * 4}).status_code == 200
    over = client.post(path, json={"faults": [rule] * 2, "replace": False})
    assert (over.status_code, over.json["type"]) == (409, "FAULT_LIMIT_REACHED")
    assert over.json["message"].startswith("faults: at most 5 rules at once, not 4 in force and 2")
    one_list = client.post(path, json={"faults": [rule] * 6, "replace": True})
    assert (one_list.status_code, one_list.json["type"]) == (400, "INVALID_FAULT")
    assert one_list.json["message"] == "faults: at most 5 rules at once, not 6"
    assert len(client.get(path).json["data"]) == 4  # neither refusal changed the rules
    assert len(client.post(path, json={"faults": [rule] * 5, "replace": True}).json["data"]) == 5


@pytest.mark.server
def test_faults_on_the_wire(sandbox: Sandbox, pending_job: dict[str, Any]) -> None:
    job_url = f"/v3/export-jobs/{pending_job['id']}"
    sandbox.faults.add(
        parse_rules(
            [
                {"operation": "getExportJobByIdV3", "nth": 1, "kind": "drop"},
                {"operation": "getExportJobByIdV3", "nth": 2, "kind": "truncate"},
                {"operation": "getExportJobByIdV3", "nth": 3, "kind": "malformed"},
                {"operation": "getExportJobByIdV3", "nth": 4, "kind": "latency", "seconds": 0.01},
            ]
        )
    )
    headers = {"Authorization": authorization_header(sandbox.state.credentials[0])}
    outcomes: list[str] = []
    with SandboxServer(create_app(sandbox)) as server:
        for _ in range(4):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                connection.request("GET", job_url, headers=headers)
                response = connection.getresponse()
                body = response.read()
                outcomes.append(
                    "json" if body.startswith(b'{"data"') and body.endswith(b"}") else "garbled"
                )
            except http.client.RemoteDisconnected:
                outcomes.append("dropped")
            except http.client.IncompleteRead:
                outcomes.append("cut")
            finally:
                connection.close()
    assert outcomes == ["dropped", "cut", "garbled", "json"]
    reads = sandbox.journal.for_operation("getExportJobByIdV3")
    assert [e.fault_kind for e in reads] == ["drop", "truncate", "malformed", "latency"]


def test_a_wildcard_reaches_only_calls_that_take_it_and_a_named_rule_reaches_its_own() -> None:
    wildcard = _plan({"operation": "*", "every": 1, "kind": "drop"})
    assert wildcard.choose(CallInfo("token", wildcard=False)) is None
    assert wildcard.choose(CallInfo("getExportJobsListV3")) is not None
    assert wildcard.describe()[0]["matched"] == 1  # the OAuth call was not counted
    named = _plan({"operation": "token", "nth": 1, "kind": "drop"})
    assert named.choose(CallInfo("token", wildcard=False)) is not None
    assert OAUTH_OPERATIONS.covers("token") and not OAUTH_OPERATIONS.covers("authorize")
    assert EVERY_OPERATION.covers("anything") and EVERY_OPERATION.wildcard


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
_KEYS = ["operation", "event", "job", "times", "kind", "status", "retry_after", "seconds"]
_KEYS += ["company", "nth", "first", "every", "probability"]


@st.composite
def _near_rules(draw: st.DrawFn) -> Any:
    """Rules with one selector and keys both readers know, holding any JSON at all: bodies
    the control plane's schema refuses reach the readers too, to explain the refusal."""
    rule = draw(st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=4))
    rule[draw(st.sampled_from(["nth", "first", "every", "probability"]))] = draw(_JSON)
    rule["kind"] = draw(st.sampled_from([*FAULT_KINDS, "lost", "stale_timestamp"]) | _JSON)
    return draw(st.sampled_from([[rule], rule, [rule, rule]]))


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.one_of(_near_rules(), _JSON))
def test_the_rule_readers_refuse_any_json_with_a_reason_never_a_crash(raw: Any) -> None:
    for read in (parse_rules, lambda value: parse_delivery_faults(value, "faults")):
        with contextlib.suppress(FaultSpecError):  # a reason; any other exception fails
            read(raw)
