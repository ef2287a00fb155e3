"""`pleo-export-mock drift` as installed: its exit codes, its text, its JSON, its refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .specs import base_document, write

SCRIPT = Path(sys.executable).with_name("pleo-export-mock")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "pleo_export_mock.cli"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "drift", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def changed_spec(folder: Path) -> Path:
    document = base_document("ours")
    document["components"]["schemas"]["ExportJobStatus"]["enum"].append("archived")
    document["components"]["schemas"]["ExportJobV3"]["properties"]["status"]["enum"].append(
        "archived"
    )
    return write(document, folder)


def test_no_drift_exits_0_and_says_so(tmp_path: Path) -> None:
    result = run(write(base_document("ours"), tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Export API v3 (openapi/export-api.yaml): no drift" in result.stdout
    assert "documented" not in result.stdout  # ours against ours: no deviation to show


def test_drift_exits_1_with_each_change_classed_and_mapped(tmp_path: Path) -> None:
    result = run(changed_spec(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    answer = "GET /v3/export-jobs/{jobId} response 200 body: data.status enum lacks 'archived'"
    at = next(i for i, line in enumerate(lines) if answer in line)
    assert lines[at].split()[0] == "breaking"
    block = " ".join(line.strip() for line in _block_after(lines, at))
    assert block == (
        "enum value added in Pleo's spec: a connector switching on the value meets one it does "
        "not know rules: eligible-jobs-only (and the 9 that judge every call) "
        "scenarios: flaky_network"
    )
    assert any(line.split()[:1] == ["additive"] and "'statuses'" in line for line in lines)
    assert "Export API v3 (openapi/export-api.yaml): 3 breaking, 1 additive" in lines[1]
    assert lines[0].startswith("Each line reads our spec against Pleo's")


def _block_after(lines: list[str], at: int) -> list[str]:
    """The indented lines that explain the change on line `at`."""
    block = []
    for line in lines[at + 1 :]:
        if not line.startswith(" " * 13):
            break
        block.append(line)
    return block


def test_json_carries_the_same_report(tmp_path: Path) -> None:
    result = run("--json", changed_spec(tmp_path))
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    (spec,) = report["files"][0]["specs"]
    assert report["drift"] is True and spec["ours"] == "openapi/export-api.yaml"
    change = next(c for c in spec["changes"] if c["where"].endswith("param 'statuses'"))
    assert change["kind"] == "enum value" and change["change"] == "added"
    assert change["side"] == "request" and change["impact"] == "additive"
    assert change["subject"] == "archived" and "flaky_network" in change["scenarios"]
    assert "valid-requests" in change["rules_judging_every_call"]


def test_all_shows_the_documented_deviations_without_making_them_drift(
    tmp_path: Path,
) -> None:
    document = base_document("ours")
    del document["components"]["schemas"]["ExportJobV3"]["properties"]["failureReasonType"][
        "nullable"
    ]  # as Pleo has it: our nullable is a documented deviation
    path = write(document, tmp_path)
    plain, everything = run(path), run("--all", path)
    assert plain.returncode == everything.returncode == 0
    assert "documented differences of ours not shown; --all shows them" in plain.stdout
    assert "nullable added: Pleo's own examples send null here" in everything.stdout


def test_a_file_describing_several_of_our_specs_is_compared_with_each(tmp_path: Path) -> None:
    v3, older = base_document("ours"), base_document("ours", "export-api-v0-v2.yaml")
    merged = {**v3, "paths": {**v3["paths"], **older["paths"], "/v9/elsewhere": {}}}
    merged["components"] = {
        key: {**older["components"].get(key, {}), **v3["components"].get(key, {})}
        for key in set(v3["components"]) | set(older["components"])
    }
    result = run("--json", write(merged, tmp_path))
    report = json.loads(result.stdout)["files"][0]
    assert [s["ours"] for s in report["specs"]] == [
        "openapi/export-api.yaml",
        "openapi/export-api-v0-v2.yaml",
    ]
    assert report["unmatched_paths"] == ["/v9/elsewhere"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        ("openapi: 3.0.3\npaths: {a: [\n", "not YAML or JSON at line 3"),
        ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3 document (its `openapi` is None)"),
        ("- a list\n", "not an OpenAPI 3 document"),
        ("openapi: 3.0.3\ninfo: {}\n", "an OpenAPI document without `paths`"),
        (
            "openapi: 3.0.3\npaths: {/v9/things: {get: {}}}\n",
            "none of its paths belongs to a spec of ours",
        ),
        (
            "openapi: 3.0.3\npaths:\n  /v3/export-jobs:\n    get:\n      operationId: x\n"
            "      parameters: [{$ref: '#/components/parameters/Nowhere'}]\n",
            "not a usable OpenAPI 3 document: $ref '#/components/parameters/Nowhere' points at "
            "nothing",
        ),
        (
            "openapi: 3.0.3\npaths:\n  /v3/export-jobs:\n    get:\n      operationId: x\n"
            "      parameters: [{in: query}]\n",
            "not a usable OpenAPI 3 document: a required key 'name' is missing",
        ),
    ],
)
def test_unusable_input_exits_2_naming_the_file_and_reason(
    content: str | None, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / "pleo.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"pleo-export-mock: error: {path}: {reason}"), result.stderr
    assert "Traceback" not in result.stderr
