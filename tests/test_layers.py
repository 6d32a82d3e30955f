"""The floors of the architecture, checked on the import graph of the source (TYPE_CHECKING and
function-level imports included): stages never reach the report, the CLI or the API, and no two
packages import each other, directly or in a ring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from paths import PACKAGE


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imported(source: str, name: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` (module ``name``) imports, wherever the import stands: top level,
    ``if TYPE_CHECKING:``, inside a function; relative imports resolved against ``name``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + is_package]
                base = ".".join([*anchor, base] if base else anchor)
            found |= {f"{base}.{a.name}" for a in node.names} | {base}
    return found


def _imports(name: str) -> set[str]:
    path = MODULES[name]
    found = _imported(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
    return {m for m in found if m in MODULES and m != "crmclean"}


GRAPH = {name: _imports(name) for name in MODULES}


def test_the_graph_counts_every_kind_of_import():
    source = """
from typing import TYPE_CHECKING
from crmclean.io.read import ROW
if TYPE_CHECKING:
    from crmclean.report.model import Report
def later():
    import crmclean.cli.app
from . import checks
from ..rules import model
"""
    found = _imported(source, "crmclean.validate.findings")
    assert {
        "crmclean.io.read",
        "crmclean.report.model",
        "crmclean.cli.app",
        "crmclean.validate.checks",
        "crmclean.rules.model",
    } <= found


def _unit(name: str) -> str:
    """The floor a module belongs to: its package (crmclean.report, crmclean.dedupe...) or itself."""
    parts = name.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return ".".join(parts[:2])
    return name


def _reach(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize(
    "stage", ["crmclean.normalize", "crmclean.validate", "crmclean.dedupe", "crmclean.rules"]
)
def test_stages_load_no_report_cli_or_api(stage):
    reached = set().union(*(_reach(m) for m in MODULES if m == stage or m.startswith(stage + ".")))
    above = sorted(m for m in reached if m.startswith(("crmclean.report", "crmclean.cli", "crmclean.api")))
    assert not above, f"{stage} reaches {above}"


def test_no_import_cycle_between_packages():
    units: dict[str, set[str]] = {}
    for name, targets in GRAPH.items():
        units.setdefault(_unit(name), set()).update(_unit(t) for t in targets if _unit(t) != _unit(name))
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(unit: str) -> None:
        state[unit] = 1
        path.append(unit)
        for nxt in sorted(units.get(unit, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[unit] = 2

    for unit in sorted(units):
        if unit not in state:
            visit(unit)
