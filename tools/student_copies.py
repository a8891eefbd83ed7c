"""Student copies of every chapter and lab: the same notebooks without solutions or outputs.

Usage: python tools/student_copies.py          write student/notebooks/*.ipynb, student/labs/*.ipynb
       python tools/student_copies.py --check  fail if a committed copy differs from its source

The source notebooks keep their solutions as folded MyST admonitions
(```` ```{admonition} Solution ```` with ``:class: dropdown``), which the hosted book shows
folded. A student on Colab would see them in full, so the Colab launch buttons (``_config.yml``,
``repository.path_to_book``) and the labs' "Open in Colab" badges open these copies instead.
A copy drops every solution admonition (any fence: backticks, tildes or colons), every cell
tagged ``solution``, and every output, and puts a cell for the student's answer where each
solution was; the questions and all other cells stay as they are, with their ids. The copies
are committed, so that Colab can open them from the repository; ``make student`` rewrites them
after a notebook changes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402

ROOT = colab.ROOT
STUDENT = ROOT / colab.STUDENT_DIR
SOURCES = ("notebooks", "labs")
SOLUTION_TAG = "solution"
ANSWER_PROMPT = "*Your answer:*"
_OPENING = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\{admonition\}\s*Solution\b")


def sources() -> list[Path]:
    """Every chapter and lab notebook that gets a student copy."""
    return sorted(p for folder in SOURCES for p in (ROOT / folder).glob("*.ipynb"))


def split_solutions(markdown: str) -> tuple[str, list[str]]:
    """The markdown without its solution admonitions, and the removed blocks.

    A block runs from its opening fence to the first line that closes it: the same fence
    character, at least as many of them, and nothing else on the line.
    """
    kept: list[str] = []
    removed: list[str] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = _OPENING.match(lines[index])
        if match is None:
            kept.append(lines[index])
            index += 1
            continue
        fence = match.group("fence")
        closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise ValueError(f"solution block never closed: {lines[index]!r}")
        removed.append("\n".join(lines[index : end + 1]))
        index = end + 1
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return text, removed


def is_solution_cell(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_copy(path: Path) -> nbformat.NotebookNode:
    """The student copy of one source notebook (not written)."""
    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        if is_solution_cell(cell):
            continue
        removed = []
        if cell.cell_type == "markdown":
            cell.source, removed = split_solutions(cell.source)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if cell.source.strip():
            cells.append(cell)
        if removed:  # where the solution was, room for the student's own answer
            answer = nbformat.v4.new_markdown_cell(ANSWER_PROMPT)
            answer.id = f"{cell.id}-answer"[:64]
            cells.append(answer)
    notebook.cells = cells
    return notebook


def target(path: Path) -> Path:
    """Where the student copy of a source notebook lives."""
    return STUDENT / path.resolve().relative_to(ROOT)


def main(arguments: list[str]) -> int:
    check = arguments == ["--check"]
    if arguments and not check:
        raise SystemExit(__doc__)
    stale = []
    for path in sources():
        text = nbformat.writes(student_copy(path)) + "\n"
        destination = target(path)
        if check:
            if not destination.exists() or destination.read_text(encoding="utf-8") != text:
                stale.append(destination.relative_to(ROOT).as_posix())
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        print(f"{destination.relative_to(ROOT)}: written")
    expected = {target(p) for p in sources()}
    extra = [p for p in STUDENT.glob("*/*.ipynb") if p not in expected] if STUDENT.exists() else []
    if check and (stale or extra):
        print("stale student copies (run `make student`):", *stale, *map(str, extra), sep="\n  ")
        return 1
    for path in extra:
        path.unlink()
        print(f"{path.relative_to(ROOT)}: removed (no source)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
