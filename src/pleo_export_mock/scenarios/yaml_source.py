"""Read scenario YAML once, keeping where every value came from.

The document is composed into a node tree (which carries line marks) and then constructed
with the safe constructor, so later stages can name a YAML line for any JSON-like path.
PyYAML silently keeps the last of two equal mapping keys; a scenario must not, so the
tree is checked for duplicates before construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..spec.cache import cached_document, pyyaml_parser
from .errors import ScenarioError

if TYPE_CHECKING:
    import yaml

DocPath = tuple[str | int, ...]
# Values in a document once its aliases are expanded. Each alias is a reference, so ten lines
# of them can name billions of values, and every stage after parsing walks them all. The
# shipped scenarios hold a few hundred; a scenario's bulk is generated from counts.
MAX_VALUES = 100_000


def format_path(path: DocPath) -> str:
    """`("companies", 0, "jobs", 1, "status")` -> `companies[0].jobs[1].status`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True, slots=True)
class LineIndex:
    """1-based YAML line of each path: a mapping member's key line, a sequence item's line."""

    lines: dict[DocPath, int] = field(default_factory=dict)

    def line(self, path: DocPath) -> int | None:
        # A path inside a value the YAML spells inline (or a default) falls back to its parent.
        for cut in range(len(path), -1, -1):
            found = self.lines.get(path[:cut])
            if found is not None:
                return found
        return None


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    data: Any
    index: LineIndex

    def error(self, path: DocPath, reason: str) -> ScenarioError:
        return ScenarioError(self.file, format_path(path), reason, self.index.line(path))


def parse(text: str, file: str, cache_beside: Path | None = None) -> Source:
    """`text` read; `cache_beside`, a shipped scenario's path, keeps the result in a
    `__pycache__` beside it (spec/cache.py), so that `serve` starts without PyYAML."""
    if cache_beside is None:
        data, lines = _read(text, file)
    else:
        parser = pyyaml_parser("scenario source")
        kept = cached_document(cache_beside, text, parser, lambda text: _read(text, file))
        data, lines = cast(tuple[Any, dict[DocPath, int]], kept)
    return Source(file, data, LineIndex(lines))


def _read(text: str, file: str) -> tuple[Any, dict[DocPath, int]]:
    """The data and the line of each path in it: plain values, as `marshal` can keep them."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[DocPath, int] = {}
        if node is not None:
            _index(node, (), lines, file)
            if len(lines) > MAX_VALUES:
                raise _alias_bomb(file)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    except yaml.YAMLError as error:
        raise ScenarioError(file, "", f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    return data, lines


def _alias_bomb(file: str) -> ScenarioError:
    return ScenarioError(
        file,
        "",
        f"the document holds more than {MAX_VALUES:,} values once its aliases are expanded; "
        "a few lines of nested aliases can name billions, so the scenario is refused",
    )


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> ScenarioError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "unreadable document"
    where = f", column {mark.column + 1}" if mark is not None else ""
    line = mark.line + 1 if mark is not None else None
    return ScenarioError(file, "", f"invalid YAML: {problem}{where}", line)


def _index(
    node: yaml.Node,
    path: DocPath,
    lines: dict[DocPath, int],
    file: str,
    ancestors: frozenset[int] = frozenset(),
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if len(lines) > MAX_VALUES:  # every later stage walks the expanded tree too: stop here
        return
    if id(node) in ancestors:
        # A recursive alias (`&a [*a]`): the schema rejects the data; just don't loop forever.
        return
    inside = ancestors | {id(node)}
    for child_path, key_line, child in _children(node, path, file):
        lines[child_path] = key_line
        _index(child, child_path, lines, file, inside)


def _children(
    node: yaml.Node, path: DocPath, file: str
) -> Iterator[tuple[DocPath, int, yaml.Node]]:
    import yaml  # already imported by _read, which alone reaches here

    if isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            yield (*path, position), item.start_mark.line + 1, item
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ScenarioError(
                    file,
                    format_path((*path, key)),
                    f"duplicate key {key!r} (first given on line {seen[key]})",
                    line,
                )
            seen[key] = line
            yield (*path, key), line, value_node
