"""The package stays readable: small audit functions, no giant function, no giant module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "aicompute"
LONGEST_AUDIT = 40  # lines: one claim, one small function
LONGEST_FUNCTION = 120
LONGEST_MODULE = 1_100


def _functions() -> list[tuple[str, ast.FunctionDef, bool]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                is_audit = any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", "") == "audits"
                    for d in node.decorator_list
                )
                found.append((f"{path.relative_to(PACKAGE)}:{node.name}", node, is_audit))
    return found


def _length(node: ast.AST) -> int:
    return node.end_lineno - node.lineno + 1


def test_audit_functions_are_small() -> None:
    audits = [(name, _length(node)) for name, node, is_audit in _functions() if is_audit]
    assert len(audits) > 100
    too_long = [(name, n) for name, n in audits if n > LONGEST_AUDIT]
    assert not too_long, f"audit functions over {LONGEST_AUDIT} lines: {too_long}"


def test_no_function_is_a_chapter_of_its_own() -> None:
    too_long = [
        (name, _length(node)) for name, node, _ in _functions() if _length(node) > LONGEST_FUNCTION
    ]
    assert not too_long, f"functions over {LONGEST_FUNCTION} lines: {too_long}"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST_MODULE, f"{path.name} has {lines} lines: split it by concern"
