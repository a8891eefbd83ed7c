"""Notebook hygiene: every notebook committed executed, in order, clean, and checkable by nbval."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import colab  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LABS = sorted((ROOT / "labs").glob("*.ipynb"))
ALL = CHAPTERS + LABS
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/\w|site-packages|/usr/lib/python|\.venv/)")
IGNORE = "nbval-ignore-output"


def ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def output_text(output) -> str:
    if output.output_type == "stream":
        return output.text
    parts = [str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def test_there_are_notebooks() -> None:
    assert CHAPTERS, "no chapter notebooks found"


STUDENT_RUN = "student-run"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_notebook_is_executed_in_order_without_errors(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    cells = code_cells(notebook)
    assert cells, "a notebook without code"
    # A lab's stored run comes from a GPU; the student tasks added later (tagged student-run)
    # may stay unexecuted there, without outputs, until the next GPU run stores them.
    unexecuted = [
        cell
        for cell in cells
        if cell.execution_count is None and STUDENT_RUN in cell.metadata.get("tags", [])
    ]
    assert not unexecuted or path.parent.name == "labs", "only labs may keep unexecuted cells"
    assert all(not cell.outputs for cell in unexecuted), "an unexecuted cell with outputs"
    cells = [cell for cell in cells if all(cell is not other for other in unexecuted)]
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts are {counts}"
    for index, cell in enumerate(cells):
        assert cell.source.strip(), f"code cell {index} is empty"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {index} stored an error"
            text = output_text(output)
            assert "Traceback (most recent call last)" not in text, f"cell {index}: traceback"
            match = MACHINE_PATH.search(text)
            assert match is None, f"cell {index} shows a machine path: {match.group(0)!r}"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_first_cell_is_the_colab_setup_cell(path: Path) -> None:
    first = nbformat.read(path, as_version=4).cells[0]
    assert colab.SETUP_TAG in first.metadata.get("tags", []), "first cell is not the setup cell"
    stale = "setup cell is stale: run tools/execute_notebooks.py"
    assert first.source == colab.setup_source(), stale
    assert not first.outputs, "the setup cell printed something outside Colab"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_strict_nbval_has_outputs_to_compare(path: Path) -> None:
    """Strict nbval only checks stored outputs: a chapter needs some it does not ignore."""
    notebook = nbformat.read(path, as_version=4)
    compared = [
        cell
        for cell in code_cells(notebook)
        if cell.outputs and IGNORE not in cell.metadata.get("tags", [])
    ]
    assert len(compared) >= 3, "fewer than 3 cells with outputs that nbval compares"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_figures_have_alt_text_and_no_trailing_semicolon(path: Path) -> None:
    for index, cell in enumerate(code_cells(nbformat.read(path, as_version=4))):
        assert not cell.source.rstrip().endswith(";"), f"cell {index} ends with ';': use plt.show()"
        has_image = any(
            kind in o.get("data", {})
            for o in cell.outputs
            for kind in ("image/png", "image/svg+xml")
        )
        if has_image:
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert alt.strip(), f"cell {index} draws a figure without alt text"


# The book's column is about 672 px wide and shows a figure at most about 7 inches wide at
# full size: a wider figure, or a font below 9 pt, comes out too small to read.
MAX_FIGURE_INCHES = 7.2
MIN_FONT_POINTS = 9.0
_FIGSIZE = re.compile(r"figsize=\(\s*([0-9.]+)")
_FONTSIZE = re.compile(r"fontsize=([0-9.]+)")


def _figure_code() -> list[tuple[str, str]]:
    """(where, source) for every notebook code cell and every package module."""
    found = [
        (f"{path.name} cell {index}", cell.source)
        for path in ALL
        for index, cell in enumerate(code_cells(nbformat.read(path, as_version=4)))
    ]
    package = ROOT / "src" / "aicompute"
    found += [(str(path.relative_to(ROOT)), path.read_text()) for path in package.rglob("*.py")]
    return found


def test_figures_fit_the_column_with_readable_fonts() -> None:
    problems = [
        f"{where}: {match.group(0)}"
        for where, source in _figure_code()
        for pattern, bad in (
            (_FIGSIZE, lambda v: v > MAX_FIGURE_INCHES),
            (_FONTSIZE, lambda v: v < MIN_FONT_POINTS),
        )
        for match in pattern.finditer(source)
        if bad(float(match.group(1)))
    ]
    assert not problems, "figures too wide or fonts too small: " + "; ".join(problems)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_explorers_are_left_out_of_the_static_book(path: Path) -> None:
    """Sliders need a kernel: the HTML book leaves explorer cells out (its static twin figure
    carries the message), embeds no widget state, and every slider's label shows in full."""
    notebook = nbformat.read(path, as_version=4)
    assert "widgets" not in notebook.metadata, "widget state stored: the book would embed it"
    for index, cell in enumerate(code_cells(notebook)):
        shows_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell.outputs)
        if shows_widget or "widgets.interact" in cell.source:
            tags = cell.metadata.get("tags", [])
            assert "remove-cell" in tags, f"explorer cell {index} is not tagged remove-cell"
            assert IGNORE in tags, f"explorer cell {index} is not tagged {IGNORE}"
        for line in cell.source.splitlines():
            if "Slider(" in line and "widgets." in line:
                assert '"description_width": "initial"' in cell.source, (
                    f"cell {index}: a slider without style description_width initial"
                )


@pytest.mark.parametrize("path", LABS, ids=ids(LABS))
def test_labs_are_colab_ready(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.get("accelerator") == "GPU"
    assert "gpuType" in notebook.metadata.get("colab", {})
    first_markdown = next(c for c in notebook.cells if c.cell_type == "markdown")
    assert colab.colab_url(path) in first_markdown.source, "no Open-in-Colab link to this lab"


def toc_files() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {toc["root"]}
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.add(chapter["file"])
            files.update(section["file"] for section in chapter.get("sections", []))
    return files


def test_toc_lists_only_existing_pages_and_every_notebook() -> None:
    listed = toc_files()
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry
    for path in ALL:
        entry = path.relative_to(ROOT).with_suffix("").as_posix()
        assert entry in listed, f"{path.name} not in TOC"


CODE_WIDTH = 79
OUTPUT_WIDTH = 100


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_code_and_printed_lines_fit_the_column(path: Path) -> None:
    """Code lines are at most 79 characters, printed lines at most 100.

    At 1280 px the book's column shows 79 characters of code and clips the rest, so a longer
    line hides code from the reader (ruff format keeps code at 79, but not strings or comments).
    Printed output uses the same column but scrolls sideways instead of clipping; the 100
    character bound lets a measurement line such as "measured on: CPU ...; GPU ..." stay whole
    while a prose sentence of several hundred characters, which nobody reads by scrolling, fails.
    Every stored stream output counts, hardware-dependent cells included: their text is shown.
    """
    long_lines = []
    for index, cell in enumerate(code_cells(nbformat.read(path, as_version=4))):
        for line in cell.source.splitlines():
            if len(line) > CODE_WIDTH:
                long_lines.append(f"cell {index} code ({len(line)}): {line[:60]}…")
        for output in cell.outputs:
            if output.output_type != "stream":
                continue
            for line in output.text.splitlines():
                if len(line) > OUTPUT_WIDTH:
                    long_lines.append(f"cell {index} prints ({len(line)}): {line[:60]}…")
    assert not long_lines, "lines wider than the column:\n" + "\n".join(long_lines)


# Words about how the book is built and checked, which mean nothing to a reader. "CI" is the
# continuous-integration machine, not a confidence interval ("95% CI"), so it needs capitals and
# no percentage before it.
PROCESS_WORDS = re.compile(
    r"nbval|pytest|\bthe issue\b|(?<!% )\bCI\b|\bTODO\b|\bFIXME\b|\bXXX\b", re.IGNORECASE
)
CASE_SENSITIVE = {"CI", "XXX"}


def process_words(text: str) -> list[str]:
    """The process words in ``text``, with a little context around each."""
    found = []
    for match in PROCESS_WORDS.finditer(text):
        word = match.group(0)
        if word.upper() in CASE_SENSITIVE and word != word.upper():
            continue  # "ci" or "xxx" inside ordinary words is not a process word
        found.append(text[max(match.start() - 30, 0) : match.end() + 30].replace("\n", " "))
    return found


def test_process_words_are_found() -> None:
    assert process_words("so nbval ignores it") and process_words("as CI runs it")
    assert process_words("The issue that asked for this lab") and process_words("# TODO: x")
    assert not process_words("doubles every 24.8 months (95% CI 24.0-25.7)")
    assert not process_words("a CISC processor, the issuer, decision")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_readers_see_no_process_words(path: Path) -> None:
    """Prose, code and outputs speak to readers: hardware-dependent output, not test runners."""
    found = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        texts = [cell.source, *(output_text(o) for o in cell.get("outputs", []))]
        found += [f"cell {index}: {hit}" for text in texts for hit in process_words(text)]
    assert not found, "process words a reader would see:\n" + "\n".join(found)


PAGES = sorted((ROOT / "chapters").glob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=ids(PAGES))
def test_pages_have_no_process_words(path: Path) -> None:
    found = process_words(path.read_text(encoding="utf-8"))
    assert not found, "process words a reader would see:\n" + "\n".join(found)
