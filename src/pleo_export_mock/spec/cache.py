"""A shipped YAML file's parsed document, kept beside the file so the next process skips the YAML.

Reading the specs' YAML was the largest part of `serve`'s start-up (about 75 ms for the six
documents); the document is plain data, which `marshal` reads back in about 2 ms. With every
file `serve` starts on cached (the specs and the shipped scenarios), PyYAML itself is not even
imported. The cache lives where Python keeps compiled modules, in a `__pycache__` folder
beside the file, and is written under the same rule: not when `sys.dont_write_bytecode`
(PYTHONDONTWRITEBYTECODE) is set, and silently not where the folder cannot be written.

It is never a stale answer: each file holds the key it was written under (the hash of the
text, the parser, the Python and this format), the key is computed again from the text read
now, and anything that does not match or does not read back whole counts as no cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import marshal
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Bumped when what the cache holds changes shape, so older files stop matching.
FORMAT = 1
SUFFIX = ".marshal"


@functools.cache
def pyyaml_stamp() -> str | None:
    """The installed PyYAML, told apart without importing it (about 15 ms of `serve`'s start):
    its package file's size and modification time, and whether libyaml is built in. None when
    that cannot be told (not a plain folder): then nothing is cached."""
    found = importlib.util.find_spec("yaml")
    if found is None or found.origin is None:
        return None
    package = Path(found.origin)
    try:
        stat = package.stat()
        libyaml = any(path.name.startswith("_yaml.") for path in package.parent.iterdir())
    except OSError:
        return None
    return f"PyYAML {stat.st_size} {stat.st_mtime_ns} {'libyaml' if libyaml else 'pure'}"


def pyyaml_parser(reader: str) -> str | None:
    """The `parser` of a document PyYAML reads with `reader`: None when PyYAML's build cannot be
    told (see pyyaml_stamp), so that nothing is cached."""
    stamp = pyyaml_stamp()
    return None if stamp is None else f"{stamp} {reader}"


def cache_path(source: Path) -> Path:
    """Where the parsed form of `source` is kept."""
    return source.parent / "__pycache__" / (source.name + SUFFIX)


def cache_key(text: str, parser: str) -> str:
    """What a cached document must have been written under to stand for `text` now."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    python = f"{sys.implementation.cache_tag} marshal {marshal.version}"
    return f"{FORMAT} {python} {parser} {digest}"


def cached_document(
    source: Path, text: str, parser: str | None, parse: Callable[[str], object]
) -> object:
    """`parse(text)`, or the document a previous process parsed from the same text.

    `parser` names the parser and its version, as a different one may read the text otherwise;
    None (which parser is unknown) parses every time.
    """
    if parser is None:
        return parse(text)
    key = cache_key(text, parser)
    path = cache_path(source)
    found = _read(path, key)
    if found is not None:
        return found
    document = parse(text)
    if not sys.dont_write_bytecode:
        _write(path, key, document)
    return document


def _read(path: Path, key: str) -> object | None:
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # missing, unreadable, cut short
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != key:
        return None
    document: object = stored[1]
    return document


def _write(path: Path, key: str, document: Any) -> None:  # Any: marshal checks it itself
    try:
        data = marshal.dumps((key, document))
    except ValueError:  # a value marshal cannot hold (a YAML timestamp, say): parse each time
        return
    # Written aside and renamed into place, so another process or thread never reads half a file.
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:  # a read-only install: the next process parses the YAML again
        with contextlib.suppress(OSError):
            partial.unlink()
