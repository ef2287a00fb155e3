"""The schema half of the comparison: two schemas walked side by side, $refs followed."""

from __future__ import annotations

from typing import Any

from .allowances import WHY, Allowances
from .classify import classify
from .document import Document, resolve
from .model import Change, Delta, Direction, Kind, Place

# Keys that only document a schema; differences in them are not compatibility problems.
DOC_ONLY_KEYS = frozenset(
    {"description", "summary", "title", "example", "examples", "externalDocs"}
)
# Keys the walker descends into itself instead of comparing by equality.
STRUCTURAL_KEYS = frozenset(
    {
        "$ref",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "enum",
        "nullable",
        "pattern",
    }
)
TYPE_KEYS = frozenset({"type", "format"})


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


MISSING: Any = _Missing()


class SchemaWalker:
    """Records every difference between Pleo's document and ours as a `Change`."""

    def __init__(self, pleo: Document, ours: Document, allow: Allowances) -> None:
        self.pleo = pleo
        self.ours = ours
        self.allow = allow
        self.changes: list[Change] = []
        self.counts = {"operations": 0, "parameters": 0, "component schemas": 0, "schema nodes": 0}
        self._refs_on_path: set[tuple[str | None, str | None]] = set()

    def record(
        self,
        place: Place,
        text: str,
        kind: Kind,
        delta: Delta,
        subject: str,
        *,
        documented: str | None = None,
        required: bool = False,
    ) -> None:
        impact, reason = classify(kind, delta, place.direction, required=required)
        why = WHY[documented] if documented else None
        self.changes.append(
            Change(place.where, text, kind, delta, place.direction, place.operation, subject,
                   impact, reason, why)
        )  # fmt: skip

    def compare_schema(
        self, place: Place, sub: str, pleo: Any, ours: Any, *, owner: str | None, prop: str | None
    ) -> None:
        """Compare two schemas; `owner`.`prop` names the Pleo property for the allowances."""
        self.counts["schema nodes"] += 1
        if place.direction is Direction.COMPONENT and sub and is_ref(pleo):
            # Named schemas are compared on their own; here only the reference must match.
            self.compare_ref_target(place, sub, pleo, ours)
            return
        refs = (ref_of(pleo), ref_of(ours))
        if refs != (None, None) and refs in self._refs_on_path:
            return  # a recursive schema: this pair is being compared further up
        self._refs_on_path.add(refs)
        try:
            self._compare_resolved(place, sub, pleo, ours, owner=owner, prop=prop)
        finally:
            self._refs_on_path.discard(refs)

    def _compare_resolved(
        self, place: Place, sub: str, pleo: Any, ours: Any, *, owner: str | None, prop: str | None
    ) -> None:
        pleo, pleo_name = resolve(self.pleo, pleo)
        ours, _ = resolve(self.ours, ours)
        if not isinstance(pleo, dict) or not isinstance(ours, dict):
            if pleo != ours:
                self.record(place, f"{prefix(sub)}schema differs", Kind.SCHEMA, Delta.CHANGED, sub)
            return
        location = f"{owner}.{prop}" if owner and prop else None
        self.compare_nullable(place, sub, pleo, ours, location)
        self.compare_enum(place, sub, pleo, ours, location)
        self.compare_pattern(place, sub, pleo, ours, location)
        self.compare_plain_keys(place, sub, pleo, ours, location)
        self.compare_required(place, sub, pleo, ours)
        # Nested properties are located relative to the innermost named Pleo schema.
        self.compare_properties(place, sub, pleo, ours, owner=pleo_name or owner)
        self.compare_children(place, sub, pleo, ours, owner=pleo_name or owner)

    def compare_ref_target(self, place: Place, sub: str, pleo: dict[str, Any], ours: Any) -> None:
        ours_ref = ref_of(ours)
        if ours_ref != pleo["$ref"]:
            text = f"{sub} refers to {ours_ref!r} instead of {pleo['$ref']!r}"
            self.record(place, text, Kind.SCHEMA, Delta.CHANGED, sub)

    def compare_nullable(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        location: str | None,
    ) -> None:
        pleo_null, ours_null = bool(pleo.get("nullable")), bool(ours.get("nullable"))
        if pleo_null == ours_null:
            return
        allowed = ours_null and location in self.allow.nullable_added
        self.record(
            place,
            f"{prefix(sub)}nullable differs: pleo {pleo_null}, ours {ours_null}",
            Kind.NULLABLE,
            Delta.ADDED if pleo_null else Delta.REMOVED,
            sub,
            documented="nullable_added" if allowed else None,
        )

    def compare_enum(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        location: str | None,
    ) -> None:
        pleo_enum, ours_enum = pleo.get("enum"), ours.get("enum")
        if pleo_enum is None and ours_enum is None:
            return
        if pleo_enum is None:
            self.check_added_enum(place, sub, ours, location)
        elif ours_enum is None:
            self.record(place, f"{prefix(sub)}lacks the enum", Kind.ENUM, Delta.ADDED, sub)
        else:
            self.compare_enum_values(place, sub, pleo_enum, ours_enum)

    def check_added_enum(
        self, place: Place, sub: str, ours: dict[str, Any], location: str | None
    ) -> None:
        enum_name = self.allow.response_enums_added.get(location or "")
        allowed = enum_name is not None and place.direction is not Direction.REQUEST
        text = f"{prefix(sub)}adds an enum where Pleo has a plain {ours.get('type')}"
        documented = "response_enums_added" if allowed else None
        self.record(place, text, Kind.ENUM, Delta.REMOVED, sub, documented=documented)
        if enum_name is None or not allowed:
            return
        # A narrowing we make must list exactly the values Pleo's description points to.
        named = self.pleo.get("components", {}).get("schemas", {}).get(enum_name, {})
        expected = list(named.get("enum", []))
        if ours.get("nullable"):
            expected.append(None)
        self.compare_enum_values(place, sub, expected, ours["enum"])

    def compare_enum_values(
        self, place: Place, sub: str, pleo_enum: list[Any], ours_enum: list[Any]
    ) -> None:
        for value in sorted(set(pleo_enum) - set(ours_enum), key=repr):
            text = f"{prefix(sub)}enum lacks {value!r}"
            self.record(place, text, Kind.ENUM_VALUE, Delta.ADDED, enum_subject(value))
        for value in sorted(set(ours_enum) - set(pleo_enum), key=repr):
            text = f"{prefix(sub)}enum adds {value!r}"
            self.record(place, text, Kind.ENUM_VALUE, Delta.REMOVED, enum_subject(value))

    def compare_pattern(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        location: str | None,
    ) -> None:
        pleo_pattern, ours_pattern = pleo.get("pattern"), ours.get("pattern")
        if pleo_pattern == ours_pattern:
            return
        documented = None
        if pleo_pattern in self.allow.picture_patterns and ours_pattern is None:
            documented = "picture_patterns"
        elif pleo_pattern is None and (location, "pattern") in self.allow.constraints_added:
            documented = "constraints_added"
        text = f"{prefix(sub)}pattern differs: pleo {pleo_pattern!r}, ours {ours_pattern!r}"
        self.record(place, text, Kind.CONSTRAINT, Delta.CHANGED, sub, documented=documented)

    def compare_plain_keys(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        location: str | None = None,
        kind: Kind | None = None,
    ) -> None:
        """type, format, minimum, default, ...: anything not walked structurally must be equal."""
        keys = {k for k in set(pleo) | set(ours) if k not in DOC_ONLY_KEYS | STRUCTURAL_KEYS}
        for key in sorted(k for k in keys if not str(k).startswith("x-")):
            theirs, mine = pleo.get(key, MISSING), ours.get(key, MISSING)
            if theirs == mine:
                continue
            allowed = theirs is MISSING and (location, key) in self.allow.constraints_added
            self.record(
                place,
                f"{prefix(sub)}{key} differs: pleo {theirs!r}, ours {mine!r}",
                kind or (Kind.TYPE if key in TYPE_KEYS else Kind.CONSTRAINT),
                Delta.CHANGED,
                join(sub, key),
                documented="constraints_added" if allowed else None,
            )

    def compare_required(
        self, place: Place, sub: str, pleo: dict[str, Any], ours: dict[str, Any]
    ) -> None:
        pleo_req, ours_req = set(pleo.get("required", [])), set(ours.get("required", []))
        for name in sorted(pleo_req - ours_req):
            text = f"{prefix(sub)}required lacks {name!r}"
            self.record(place, text, Kind.REQUIRED, Delta.ADDED, join(sub, name))
        for name in sorted(ours_req - pleo_req):
            text = f"{prefix(sub)}required adds {name!r}"
            self.record(place, text, Kind.REQUIRED, Delta.REMOVED, join(sub, name))

    def compare_properties(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        *,
        owner: str | None,
    ) -> None:
        pleo_props, ours_props = pleo.get("properties", {}), ours.get("properties", {})
        for name in sorted(set(pleo_props) - set(ours_props)):
            path = join(sub, name)
            self.record(place, f"lacks property {path!r}", Kind.PROPERTY, Delta.ADDED, path)
        for name in sorted(set(ours_props) - set(pleo_props)):
            path = join(sub, name)
            text = f"adds property {path!r} that Pleo does not have"
            self.record(place, text, Kind.PROPERTY, Delta.REMOVED, path)
        for name in sorted(set(pleo_props) & set(ours_props)):
            self.compare_schema(
                place, join(sub, name), pleo_props[name], ours_props[name], owner=owner, prop=name
            )

    def compare_children(
        self,
        place: Place,
        sub: str,
        pleo: dict[str, Any],
        ours: dict[str, Any],
        *,
        owner: str | None,
    ) -> None:
        """`items` and schema-valued `additionalProperties` hold nested schemas."""
        children = (
            ("items", f"{sub}[]" if sub else "items"),
            ("additionalProperties", f"{sub}{{*}}"),
        )
        for key, child_sub in children:
            pleo_child, ours_child = pleo.get(key, MISSING), ours.get(key, MISSING)
            if isinstance(pleo_child, dict) and isinstance(ours_child, dict):
                self.compare_schema(
                    place, child_sub, pleo_child, ours_child, owner=owner, prop=None
                )
            elif pleo_child != ours_child:
                text = f"{prefix(sub)}{key} differs: pleo {pleo_child!r}, ours {ours_child!r}"
                self.record(place, text, Kind.CONSTRAINT, Delta.CHANGED, join(sub, key))


def is_ref(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" in node


def ref_of(node: Any) -> str | None:
    return str(node["$ref"]) if is_ref(node) else None


def prefix(sub: str) -> str:
    return f"{sub} " if sub else ""


def join(sub: str, name: str) -> str:
    return f"{sub}.{name}" if sub else name


def enum_subject(value: Any) -> str:
    return "null" if value is None else str(value)
