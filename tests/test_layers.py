"""The package's shape: layers that only point down, and no import cycle between packages.

Every import counts, at module level or inside a function: an import moved into a function
to dodge a cycle is still the same dependency. LAYERS below is the map of the layers.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pleo_export_mock"

# Bottom up. A unit may import its own layer's other units (without a cycle) and any below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("domain", "examples"),
    ("errors", "resources", "junit", "memo"),
    ("spec", "validation"),
    ("scenarios", "faults", "journal", "delivery", "drift"),
    ("sandbox", "snapshot"),
    ("http",),
    ("server", "server_channel", "summary"),
    ("verify", "fuzzing"),
    (
        "testing",
        "cli",
        "cli_help",
        "cli_numbers",
        "cli_verify",
        "cli_drift",
        "cli_replay",
        "cli_serve",
        "pytest_plugin",
        "__init__",
    ),
)
LAYER_OF = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}
# The shipped example connector models one written elsewhere: it may not lean on the sandbox.
STDLIB_ONLY = ("domain", "examples")
# Top-level modules and subpackages; any other name imported from the root is __init__'s.
UNITS = {p.stem for p in PACKAGE.glob("*.py")} | {p.parent.name for p in PACKAGE.glob("*/*.py")}


def unit_of(module: Path) -> str:
    """The first path part below the package: a subpackage or a top-level module."""
    relative = module.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def imported_units(module: Path) -> set[str]:
    """The package's units `module` imports, wherever the import statement stands."""
    source = module.read_text(encoding="utf-8")
    return units_in(source, module.relative_to(PACKAGE).parent.parts)


def units_in(source: str, package_parts: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found |= from_import_units(node, package_parts)
        elif isinstance(node, ast.Import):
            found |= {unit_of_dotted(alias.name) for alias in node.names if ours(alias.name)}
    return found


def from_import_units(node: ast.ImportFrom, package_parts: tuple[str, ...]) -> set[str]:
    if node.level > 0:
        base = package_parts[: len(package_parts) - (node.level - 1)]
        target = [*base, *(node.module.split(".") if node.module else [])]
    elif node.module and ours(node.module):
        target = node.module.split(".")[1:]
    else:
        return set()
    if target:
        return {target[0]}
    # `from <the package root> import x`: x is a unit, or a name the root's __init__ exports.
    return {alias.name if alias.name in UNITS else "__init__" for alias in node.names}


def ours(dotted: str) -> bool:
    return dotted == PACKAGE.name or dotted.startswith(f"{PACKAGE.name}.")


def unit_of_dotted(dotted: str) -> str:
    below_root = dotted.split(".")[1:]
    return below_root[0] if below_root else "__init__"


def third_party_imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names}


def dependency_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in PACKAGE.rglob("*.py"):
        unit = unit_of(module)
        graph.setdefault(unit, set()).update(imported_units(module) - {unit})
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that returns to its start, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(unit: str) -> list[str] | None:
        if unit in visiting:
            return [*visiting[visiting.index(unit) :], unit]
        if unit in done:
            return None
        visiting.append(unit)
        for target in sorted(graph.get(unit, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(unit)
        return None

    for unit in sorted(graph):
        cycle = visit(unit)
        if cycle:
            return cycle
    return None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{unit} (layer {LAYER_OF[unit]}) imports {target} (layer {LAYER_OF[target]})"
        for unit, targets in sorted(graph.items())
        for target in sorted(targets)
        if target in LAYER_OF and LAYER_OF[target] > LAYER_OF[unit]
    ]


def test_every_unit_has_a_layer() -> None:
    unplaced = sorted(set(dependency_graph()) - set(LAYER_OF))
    assert not unplaced, f"give these a layer in LAYERS: {unplaced}"


def test_no_package_imports_a_layer_above_it() -> None:
    assert upward_imports(dependency_graph()) == []


def test_no_import_cycle_between_packages() -> None:
    assert find_cycle(dependency_graph()) is None


@pytest.mark.parametrize("unit", STDLIB_ONLY)
def test_domain_is_pure_python(unit: str) -> None:
    modules = (PACKAGE / unit).rglob("*.py")
    outside = {str(m.relative_to(PACKAGE)): third_party_imports(m) for m in modules}
    assert {m: names for m, names in outside.items() if names} == {}
    assert all(imported_units(m) <= {unit} for m in (PACKAGE / unit).rglob("*.py"))


# The checks above must themselves be able to fail.


def test_the_checks_see_an_upward_import_and_a_cycle() -> None:
    graph = {"domain": {"http"}, "http": {"domain", "sandbox"}, "sandbox": {"journal"}}
    assert upward_imports(graph) == ["domain (layer 0) imports http (layer 5)"]
    assert find_cycle(graph) == ["domain", "http", "domain"]
    assert find_cycle({"http": {"sandbox"}, "sandbox": {"domain"}}) is None


def test_an_import_inside_a_function_counts() -> None:
    source = "def late():\n    from ..verify import evaluate\n    import pleo_export_mock.http\n"
    assert units_in(source, ("scenarios",)) == {"verify", "http"}
    assert units_in("from . import sandbox, server\n", ()) == {"sandbox", "server"}


def test_an_absolute_import_counts_and_names_from_the_root_are_its_init() -> None:
    source = "import pleo_export_mock\nfrom pleo_export_mock.http import app\n"
    assert units_in(source, ("domain",)) == {"__init__", "http"}
    assert units_in("from pleo_export_mock import Sandbox, sandbox\n", ("domain",)) == {
        "__init__",
        "sandbox",
    }
    assert units_in("from . import Sandbox\n", ()) == {"__init__"}
    assert units_in("import json\nfrom typing import Any\n", ("domain",)) == set()
