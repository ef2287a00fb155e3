"""JUnit XML for CI dashboards: the one writer behind every report that makes it.

Reports carry text from outside (a connector's output, a server's answers, hostile data),
and XML 1.0 cannot carry some characters at all, not even as character references: one of
them and a parser refuses the whole file. `to_xml` cleans every attribute and text as it
writes the document, so no report can forget to.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Literal

# C0 controls other than tab, newline and carriage return; lone surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 forbids replaced by U+FFFD, so the rest still reads."""
    return _NOT_XML.sub(REPLACEMENT, text)


def testsuites(name: str) -> ET.Element:
    return ET.Element("testsuites", name=name)


def testsuite(
    parent: ET.Element, name: str, *, tests: int, failures: int, seconds: float | None
) -> ET.Element:
    """`seconds` is None when nothing was timed; it is written as 0."""
    return ET.SubElement(
        parent,
        "testsuite",
        name=name,
        tests=str(tests),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0" if seconds is None else f"{seconds:.3f}",
    )


def properties(suite: ET.Element, values: Mapping[str, object]) -> None:
    holder = ET.SubElement(suite, "properties")
    for name, value in values.items():
        ET.SubElement(holder, "property", name=name, value=str(value))


def testcase(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name)


def failure(case: ET.Element, *, message: str, kind: str, text: str) -> None:
    ET.SubElement(case, "failure", message=message, type=kind).text = text


def output(parent: ET.Element, stream: Literal["system-out", "system-err"], text: str) -> None:
    ET.SubElement(parent, stream).text = text


def to_xml(root: ET.Element) -> str:
    """The document, declared and indented, with every forbidden character replaced."""
    document = copy.deepcopy(root)
    for element in document.iter():
        element.attrib = {key: xml_safe(value) for key, value in element.attrib.items()}
        element.text = None if element.text is None else xml_safe(element.text)
        element.tail = None if element.tail is None else xml_safe(element.tail)
    ET.indent(document)
    return ET.tostring(document, encoding="unicode", xml_declaration=True) + "\n"
