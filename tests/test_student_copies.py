"""Student copies: no solution anywhere, every question kept, and current with their sources."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import colab  # noqa: E402
import student_copies  # noqa: E402

SOURCES = student_copies.sources()


def ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


def question_before(markdown_cells: list[str], cell: int, block: str) -> str:
    """The last paragraph before a solution block: the question it answers."""
    before = student_copies.split_solutions(markdown_cells[cell].split(block)[0])[0].strip()
    previous = cell
    while not before and previous > 0:
        previous -= 1
        before = student_copies.split_solutions(markdown_cells[previous])[0].strip()
    return before.split("\n\n")[-1].strip()


def test_split_solutions_handles_every_fence_and_nesting() -> None:
    text = (
        "**1.** Question one?\n\n"
        "````{admonition} Solution\n:class: dropdown\n```python\nx = 1\n```\nmore\n````\n\n"
        "**2.** Question two?\n\n"
        ":::{admonition} Solution 2\n:class: dropdown\nanswer\n:::\n"
        "~~~{admonition} Solution\nanswer\n~~~~\n"
        "```{admonition} Note\nkept\n```"
    )
    kept, removed = student_copies.split_solutions(text)
    assert len(removed) == 3
    assert "Solution" not in kept and "answer" not in kept and "x = 1" not in kept
    assert "Question one?" in kept and "Question two?" in kept and "kept" in kept
    with pytest.raises(ValueError, match="never closed"):
        student_copies.split_solutions("```{admonition} Solution\nno end\n``")


def test_every_source_notebook_has_solutions_to_remove() -> None:
    for path in SOURCES:
        notebook = nbformat.read(path, as_version=4)
        blocks = [
            block
            for cell in notebook.cells
            if cell.cell_type == "markdown"
            for block in student_copies.split_solutions(cell.source)[1]
        ]
        assert len(blocks) >= 2, f"{path.name}: fewer than 2 exercises with solutions"


@pytest.mark.parametrize("path", SOURCES, ids=ids(SOURCES))
def test_student_copy_has_no_solution_and_keeps_every_question(path: Path) -> None:
    copy_path = student_copies.target(path)
    assert copy_path.exists(), f"no student copy: run `make student` ({copy_path.name})"
    copy = nbformat.read(copy_path, as_version=4)
    for cell in copy.cells:
        assert "{admonition} Solution" not in cell.source
        assert not student_copies.is_solution_cell(cell)
        if cell.cell_type == "code":
            assert not cell.outputs, "a student copy keeps no outputs"
    copy_text = "\n".join(cell.source for cell in copy.cells)
    source = nbformat.read(path, as_version=4)
    with_solutions = [
        c for c in source.cells if c.cell_type == "markdown" and "{admonition} Solution" in c.source
    ]
    prompts = [c for c in copy.cells if c.source == student_copies.ANSWER_PROMPT]
    assert len(prompts) == len(with_solutions), "one answer cell where each solution was"
    assert len({c.id for c in copy.cells}) == len(copy.cells), "cell ids must stay unique"
    markdown = [c.source if c.cell_type == "markdown" else "" for c in source.cells]
    # The source without its solutions: a solution line may also be a line of the chapter.
    outside = "\n".join(
        student_copies.split_solutions(c.source)[0] if c.cell_type == "markdown" else c.source
        for c in source.cells
    )
    for index, text in enumerate(markdown):
        for block in student_copies.split_solutions(text)[1]:
            question = question_before(markdown, index, block)
            assert question and question in copy_text, f"question lost: {question[:60]!r}"
            for line in block.split("\n")[2:]:
                if len(line.strip()) > 40:
                    kept = copy_text.count(line) > outside.count(line)
                    assert not kept, f"solution kept: {line!r}"


def test_student_copies_are_current() -> None:
    assert student_copies.main(["--check"]) == 0, "run `make student`"


def test_launch_buttons_and_badges_open_the_student_copies() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["path_to_book"] == colab.STUDENT_DIR
    assert colab.STUDENT_DIR in config["exclude_patterns"]
    url = colab.colab_url(ROOT / "labs" / "lab1_gpu_roofline.ipynb")
    assert url.endswith(f"/blob/main/{colab.STUDENT_DIR}/labs/lab1_gpu_roofline.ipynb")
