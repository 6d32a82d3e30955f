"""The floors of the architecture, checked on the import graph of the source (TYPE_CHECKING and
function-level imports included): stages never reach the report, the CLI or the API, and no two
packages import each other, directly or in a ring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crmclean"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    return {m for m in found if m in MODULES and m != "crmclean"}


GRAPH = {name: _imports(name) for name in MODULES}


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
