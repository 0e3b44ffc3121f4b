"""An analysis is marked failed by one definition of the columns it writes: core.storage.analyses.failed_values."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def _writes_failed_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and any(
        kw.arg == "status" and isinstance(kw.value, ast.Attribute) and kw.value.attr == "FAILED" for kw in node.keywords)


def test_only_failed_values_spells_out_a_failed_row():
    writers = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        writers += [f"{path.relative_to(CORE)}:{node.lineno}" for node in ast.walk(tree) if _writes_failed_status(node)]
    assert writers == []  # failed_values builds a dict literal; every caller passes **failed_values(error)
