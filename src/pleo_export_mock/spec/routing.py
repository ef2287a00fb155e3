"""Routes built from the spec: which operation a method and path name.

A spec has a handful of path shapes, so a `Router` keeps a dict of the literal paths and a
short list of compiled patterns for the templated ones. It decides exactly as the werkzeug
routing Map we used before (`build_url_map`, kept as the reference the tests compare it
with): leading slashes folded, no slash merging or redirects, HEAD wherever GET is, a literal
path before a templated one. It costs a dict lookup where werkzeug's general matcher walked a
state machine per request; a templated path is matched once and remembered, since a connector
asks for the same job again and again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..memo import Memo
from .model import Operation

if TYPE_CHECKING:
    from werkzeug.routing import Map

_TEMPLATE_PARAM = re.compile(r"\{([^}/]+)\}")
# Routes found, by method and path as sent: the paths carry ids and come from clients.
MAX_REMEMBERED_ROUTES = 4096
Route = tuple[str, Mapping[str, str]]  # the operationId and the path's arguments


def to_rule_path(template: str) -> str:
    """`/v3/export-jobs/{jobId}` -> `/v3/export-jobs/<jobId>` (a colon in a path stays literal)."""
    return _TEMPLATE_PARAM.sub(lambda match: f"<{match.group(1)}>", template)


def build_url_map(operations: Iterable[Operation]) -> Map:
    """The werkzeug Map of the operations: the reference `Router` answers exactly as.

    Only the tests build it; werkzeug's routing (with uuid and platform) stays out of start-up.
    """
    from werkzeug.routing import Map, Rule

    rules = [
        # Each method gets its own rule so the endpoint names the operation, not the path.
        Rule(to_rule_path(op.path), endpoint=op.operation_id, methods=[op.method])
        for op in operations
    ]
    # No slash or default redirects: a client should see 404, not a 308 it must follow.
    return Map(rules, strict_slashes=True, merge_slashes=False, redirect_defaults=False)


class NoRoute(LookupError):
    """No operation has this path."""


class WrongMethod(LookupError):
    """Operations have this path, none with this method; `allowed` lists theirs."""

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = allowed


@dataclass(frozen=True, slots=True)
class _Shape:
    """One path template and the operation of each method it takes."""

    pattern: re.Pattern[str]
    names: tuple[str, ...]  # the template's parameters, in the order of the pattern's groups
    by_method: dict[str, str]


class Router:
    """method + path -> (operationId, path arguments), or NoRoute / WrongMethod."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        by_template: dict[str, dict[str, str]] = {}
        for op in operations:
            by_method = by_template.setdefault(op.path, {})
            by_method[op.method.upper()] = op.operation_id
        literal: dict[str, dict[str, str]] = {}
        # A parameter is one segment, so a path can only match templates of its own depth:
        # the templated shapes by how many slashes they have.
        shapes: dict[int, list[_Shape]] = {}
        for template, by_method in by_template.items():
            if "GET" in by_method:  # as werkzeug: a GET route answers HEAD too
                by_method.setdefault("HEAD", by_method["GET"])
            if _TEMPLATE_PARAM.search(template):
                names = tuple(_TEMPLATE_PARAM.findall(template))
                shape = _Shape(_compile(template), names, by_method)
                shapes.setdefault(template.count("/"), []).append(shape)
            else:
                literal[template] = by_method
        self._literal = literal
        self._shapes = shapes
        self._found: Memo[tuple[str, str], Route] = Memo(MAX_REMEMBERED_ROUTES)

    def match(self, method: str, path: str) -> Route:
        """The route; the same one (its arguments read-only) each time a path comes again."""
        found = self._found.get((method, path))
        if found is None:
            found = self._found.keep((method, path), self._match(method, path))
        return found

    def _match(self, method: str, path: str) -> Route:
        path = "/" + path.lstrip("/") if path else ""  # as werkzeug: `//v3/x` is `/v3/x`
        allowed: set[str] = set()
        by_method = self._literal.get(path)
        if by_method is not None:
            if method in by_method:
                return by_method[method], _NO_ARGUMENTS
            allowed.update(by_method)
        for shape in self._shapes.get(path.count("/"), ()):
            found = shape.pattern.fullmatch(path)
            if found is None:
                continue
            if method in shape.by_method:
                arguments = dict(zip(shape.names, found.groups(), strict=True))
                return shape.by_method[method], MappingProxyType(arguments)
            allowed.update(shape.by_method)
        if allowed:
            raise WrongMethod(sorted(allowed))
        raise NoRoute(path)


_NO_ARGUMENTS: Mapping[str, str] = MappingProxyType({})


def _compile(template: str) -> re.Pattern[str]:
    """A template's regex: each `{name}` one non-empty path segment, the rest literal."""
    parts = _TEMPLATE_PARAM.split(template)  # literal, name, literal, name, ..., literal
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else "([^/]+)" for index, part in enumerate(parts)
    )
    return re.compile(pattern)
