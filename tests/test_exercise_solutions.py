"""Code exercises: every solution that checks itself against the package runs and passes.

A chapter's code exercise asks students to implement something and compare it with the
package's answer; its solution is a self-contained Python block (a fence marked ``python``
inside the solution admonition) that asserts the agreement. This runs each such block.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import student_copies  # noqa: E402

PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)


def checked_solutions() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for block in student_copies.split_solutions(cell.source)[1]:
                for code in PYTHON_BLOCK.findall(block):
                    if "assert " in code:
                        found.append((f"{path.stem}-{len(found)}", code))
    return found


SOLUTIONS = checked_solutions()


def test_every_chapter_has_a_checked_code_exercise() -> None:
    chapters = {name.rsplit("-", 1)[0] for name, _ in SOLUTIONS}
    expected = {p.stem for p in (ROOT / "notebooks").glob("0[0-7]_*.ipynb")}
    assert expected - {"06_alphago_flops", "03_roofline"} <= chapters, sorted(chapters)


@pytest.mark.parametrize("code", [c for _, c in SOLUTIONS], ids=[n for n, _ in SOLUTIONS])
def test_checked_solution_runs(code: str) -> None:
    exec(compile(code, "<solution>", "exec"), {"__name__": "__solution__"})
