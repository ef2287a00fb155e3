"""The JUnit writer: well-formed XML whatever the text, since a dashboard drops a whole file
over one character XML 1.0 forbids."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pleo_export_mock import junit

FORBIDDEN = "\x00\x01\x08\x0b\x0c\x1b\x1f\ud800\udfff\ufffe\uffff"


def test_forbidden_characters_become_the_replacement_character() -> None:
    assert junit.xml_safe(f"a{FORBIDDEN}b") == "a" + junit.REPLACEMENT * len(FORBIDDEN) + "b"


def test_characters_xml_allows_are_kept() -> None:
    allowed = "tab\there\nline\r\u0085 \u2028 \ufffd \U0001f600 <&>\"'"
    assert junit.xml_safe(allowed) == allowed


def test_a_control_character_anywhere_still_parses_and_the_rest_survives() -> None:
    suites = junit.testsuites("suites \x01")
    suite = junit.testsuite(suites, "suite\x1b[31m", tests=1, failures=1, seconds=0.5)
    junit.properties(suite, {"seed\x02": "7\x03"})
    case = junit.testcase(suite, "class\x04", "case\x05")
    junit.failure(case, message="message \x06", kind="Kind", text="text \x07 <b>")
    junit.output(suite, "system-out", "out \x0b")
    junit.output(suite, "system-err", "err \ud800")

    root = ET.fromstring(junit.to_xml(suites))

    assert root.get("name") == "suites \ufffd"
    assert root.find("testsuite[@name='suite\ufffd[31m']") is not None
    case = root.find("testsuite/testcase")
    assert case is not None and case.attrib == {"classname": "class\ufffd", "name": "case\ufffd"}
    failure = case.find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type")) == ("message \ufffd", "Kind")
    assert failure.text == "text \ufffd <b>"
    prop = root.find("testsuite/properties/property")
    assert prop is not None and prop.attrib == {"name": "seed\ufffd", "value": "7\ufffd"}
    assert root.findtext("testsuite/system-out") == "out \ufffd"
    assert root.findtext("testsuite/system-err") == "err \ufffd"


def test_the_document_is_declared_indented_and_times_in_seconds() -> None:
    suites = junit.testsuites("all")
    junit.testsuite(suites, "timed", tests=0, failures=0, seconds=1.23456)
    junit.testsuite(suites, "untimed", tests=0, failures=0, seconds=None)
    assert junit.to_xml(suites) == (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<testsuites name="all">\n'
        '  <testsuite name="timed" tests="0" failures="0" errors="0" skipped="0" time="1.235" />\n'
        '  <testsuite name="untimed" tests="0" failures="0" errors="0" skipped="0" time="0" />\n'
        "</testsuites>\n"
    )


def test_writing_leaves_the_tree_it_was_given_alone() -> None:
    suites = junit.testsuites("raw \x01")
    junit.to_xml(suites)
    assert suites.get("name") == "raw \x01" and suites.text is None
