"""The fuzz report's JUnit XML parses whatever a server answered, control characters included."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pleo_export_mock.fuzzing.report import to_junit
from pleo_export_mock.fuzzing.result import Finding, FuzzResult

OPERATION = "GET /v3/export-jobs/{jobId}"


def _result_with(finding: Finding) -> FuzzResult:
    result = FuzzResult(seed=1, max_examples=2, operations=[OPERATION, "GET /v3/export-jobs"])
    result.add(finding)
    return result


def test_a_finding_with_a_control_character_still_gives_xml_a_parser_reads() -> None:
    finding = Finding(
        operation=OPERATION,
        check="response_schema_conformance",
        title="Response violates schema \x01",
        message='"data" is a required property; the body held \x01\x1b[0m',
        phase="fuzzing",
        reproduce="curl -X GET http://127.0.0.1/v3/export-jobs/x",
    )

    root = ET.fromstring(to_junit(_result_with(finding), "http://127.0.0.1"))

    cases = {case.get("name"): case for case in root.iter("testcase")}
    failure = cases[OPERATION].find("failure")
    assert failure is not None and cases["GET /v3/export-jobs"].find("failure") is None
    assert failure.get("message") == "response_schema_conformance: Response violates schema \ufffd"
    assert '"data" is a required property; the body held \ufffd\ufffd[0m' in (failure.text or "")
    assert "\x01" not in ET.tostring(root, encoding="unicode")


def test_a_run_level_failure_gets_its_own_testcase() -> None:
    finding = Finding("run", "error", "Could not connect", "refused", "examples", "")
    root = ET.fromstring(to_junit(_result_with(finding), "http://127.0.0.1"))
    suite = root.find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "1")
    assert [case.get("name") for case in suite.iter("testcase")][-1] == "run"
