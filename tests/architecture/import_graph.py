"""The import graph of the ``core`` package, read from the source with ``ast`` (function-level imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def core_import_graph() -> dict[str, set[str]]:
    """Each ``core`` module -> the ``core`` modules it imports (a package's own ``__init__`` is not an edge)."""
    modules = {module_name(path): path for path in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = imported_names(ast.parse(path.read_text(), str(path)))
        graph[name] = {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return graph
