"""The parsed spec kept beside its file: the same document as parsing, and never a stale one."""

from __future__ import annotations

import marshal
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from pleo_export_mock.errors import SpecError
from pleo_export_mock.spec import load_spec, loader
from pleo_export_mock.spec.cache import (
    cache_key,
    cache_path,
    cached_document,
    pyyaml_parser,
    pyyaml_stamp,
)
from pleo_export_mock.spec.loader import default_spec_path


@pytest.fixture(autouse=True)
def writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is written as Python writes .pyc files; this run may have turned that off."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def parsed_by(calls: list[str]) -> object:
    def parse(text: str) -> object:
        calls.append(text)
        return yaml.safe_load(text)

    return parse


def test_a_second_read_is_the_first_ones_document_without_parsing(tmp_path: Path) -> None:
    source = tmp_path / "export-api.yaml"
    shutil.copy(default_spec_path(), source)
    text = source.read_text(encoding="utf-8")
    calls: list[str] = []
    first = cached_document(source, text, "test", parsed_by(calls))
    second = cached_document(source, text, "test", parsed_by(calls))
    assert len(calls) == 1
    assert second == first == yaml.safe_load(text)
    assert cache_path(source).parent == tmp_path / "__pycache__"


def test_an_edited_spec_is_parsed_again(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    calls: list[str] = []
    cached_document(source, "paths: {}\ninfo: {title: old}\n", "test", parsed_by(calls))
    edited = "paths: {}\ninfo: {title: new}\n"
    document = cached_document(source, edited, "test", parsed_by(calls))
    assert calls == ["paths: {}\ninfo: {title: old}\n", edited]
    assert document == {"paths": {}, "info": {"title": "new"}}


def test_another_parser_does_not_read_the_cache_of_the_first(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    calls: list[str] = []
    cached_document(source, "paths: {}\n", "PyYAML 6.0", parsed_by(calls))
    cached_document(source, "paths: {}\n", "PyYAML 7.0", parsed_by(calls))
    assert len(calls) == 2


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00garbage", marshal.dumps((cache_key("paths: {}\n", "test"),))[:-1], b"\xe3"],
)
def test_a_broken_cache_file_counts_as_none(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "spec.yaml"
    cache_path(source).parent.mkdir()
    cache_path(source).write_bytes(content)
    calls: list[str] = []
    assert cached_document(source, "paths: {}\n", "test", parsed_by(calls)) == {"paths": {}}
    assert len(calls) == 1
    # ... and is replaced by a good one.
    assert cached_document(source, "paths: {}\n", "test", parsed_by(calls)) == {"paths": {}}
    assert len(calls) == 1


def test_a_document_marshal_cannot_hold_is_parsed_each_time(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    text = "paths: {}\nreleased: 2024-01-31\n"  # a YAML timestamp becomes a datetime.date
    calls: list[str] = []
    for _ in range(2):
        assert cached_document(source, text, "test", parsed_by(calls))["released"].year == 2024  # type: ignore[index]
    assert len(calls) == 2
    assert not cache_path(source).exists()


def test_nothing_is_written_when_python_is_told_to_write_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    source = tmp_path / "spec.yaml"
    assert cached_document(source, "paths: {}\n", "test", yaml.safe_load) == {"paths": {}}
    assert not (tmp_path / "__pycache__").exists()


def test_a_folder_that_cannot_be_written_only_costs_the_parse(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    (tmp_path / "__pycache__").write_text("a file where the cache folder would go")
    calls: list[str] = []
    for _ in range(2):
        assert cached_document(source, "paths: {}\n", "test", parsed_by(calls)) == {"paths": {}}
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == [tmp_path / "__pycache__"]  # no partial file left


def test_load_spec_serves_every_shipped_spec_the_same_from_the_cache(tmp_path: Path) -> None:
    for shipped in sorted(default_spec_path().parent.glob("*.yaml")):
        source = tmp_path / shipped.name
        shutil.copy(shipped, source)
        parsed = load_spec(source).document
        assert cache_path(source).exists(), shipped.name
        loader._load.cache_clear()  # as a new process would
        assert load_spec(source).document == parsed == yaml.safe_load(shipped.read_text()), (
            shipped.name
        )


def test_a_spec_that_is_not_utf8_is_a_spec_error(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    source.write_bytes(b"paths: {}\ninfo: {title: \xff}\n")
    with pytest.raises(SpecError, match=r"spec\.yaml: cannot read the spec"):
        load_spec(source)


def test_an_unknown_parser_parses_every_time_and_keeps_nothing(tmp_path: Path) -> None:
    source = tmp_path / "spec.yaml"
    calls: list[str] = []
    for _ in range(2):
        cached_document(source, "paths: {}\n", None, parsed_by(calls))
    assert len(calls) == 2
    assert not cache_path(source).exists()


def test_pyyaml_is_stamped_with_its_build() -> None:
    stamp = pyyaml_stamp()
    assert stamp is not None and stamp.endswith("libyaml" if yaml.__with_libyaml__ else "pure")
    assert pyyaml_parser("safe") == f"{stamp} safe"
