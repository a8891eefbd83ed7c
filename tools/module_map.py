"""Copy the package map (``aicompute.MODULE_MAP_TABLE``) into ``CONTRIBUTING.md`` and into a
"Where the code lives" note at the end of every chapter and lab.

The map is written once, in ``src/aicompute/__init__.py``; ``CONTRIBUTING.md`` shows the same
table between the lines ``<!-- module-map -->`` and ``<!-- /module-map -->``, and each notebook
ends with a note naming the modules whose row lists it (with the first line of their
docstrings) and the claims table it audits. Run this after adding or changing a row, or adding
a notebook; ``tests/test_module_map.py`` fails while any of them differs.

    python tools/module_map.py           # rewrite the table and the notes
    python tools/module_map.py --check   # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
PACKAGE = ROOT / "src" / "aicompute"
NOTE_TITLE = "## Where the code lives"
START, END = "<!-- module-map -->", "<!-- /module-map -->"
SECTION = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.DOTALL)


def with_map(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    if not SECTION.search(text):
        raise ValueError(f"CONTRIBUTING.md has no {START} ... {END} block")
    return SECTION.sub(lambda _: f"{START}\n{table.strip()}\n{END}", text, count=1)


def _source(module: str) -> str:
    """The source of a module, or of every file of a subpackage, as one text."""
    folder = PACKAGE / module
    files = sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{module}.py"]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def _summary(module: str) -> str:
    """The first line of a module's docstring (a subpackage's from its ``__init__.py``)."""
    folder = PACKAGE / module
    path = folder / "__init__.py" if folder.is_dir() else PACKAGE / f"{module}.py"
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return docstring.strip().splitlines()[0] if docstring.strip() else ""


def code_note(ident: str, module_map: dict) -> str | None:
    """The closing note of notebook ``ident`` (``03``, ``lab1``): the modules whose row names it
    (not the ``*`` infrastructure used everywhere) and the claims table it audits; ``None`` if
    no row names it."""
    modules = [name for name, row in module_map.items() if ident in row.notebooks]
    if not modules:
        return None
    lab = ident.startswith("lab")
    lines = [
        NOTE_TITLE,
        "",
        f"The code of this {'lab' if lab else 'chapter'} is in the `aicompute` package "
        "(`src/aicompute/`):",
        "",
        *(f"- `aicompute.{name}`: {_summary(name)}" for name in modules),
    ]
    chapter = None if lab else int(ident)
    claims = PACKAGE / "data" / "claims" / f"ch{chapter}.csv"
    audited = any(f"audit_chapter({chapter})" in _source(name) for name in modules)
    if chapter is not None and claims.is_file() and audited:
        lines += [
            "",
            f"The report's claims judged here are the rows of `{claims.relative_to(ROOT)}`.",
        ]
    lines += ["", "`CONTRIBUTING.md` maps every module of the package to its chapters and data."]
    return "\n".join(lines)


def with_note(notebook: nbformat.NotebookNode, note: str) -> bool:
    """Put ``note`` in the notebook's closing cell (replacing an older note); changed?"""
    last = notebook.cells[-1] if notebook.cells else None
    if last is not None and last.cell_type == "markdown" and last.source.startswith(NOTE_TITLE):
        if last.source == note:
            return False
        last.source = note
        return True
    cell = nbformat.v4.new_markdown_cell(note)
    cell.id = "where-the-code-lives"
    notebook.cells.append(cell)
    return True


def notebooks() -> dict[str, Path]:
    """Every chapter notebook and lab, by the short name the map uses (``03``, ``lab1``)."""
    paths = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "labs").glob("*.ipynb"))
    return {path.stem.split("_")[0]: path for path in paths}


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    import aicompute

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    args = parser.parse_args()
    stale = []
    text = CONTRIBUTING.read_text(encoding="utf-8")
    updated = with_map(text, aicompute.MODULE_MAP_TABLE)
    if updated != text:
        stale.append(CONTRIBUTING)
        if not args.check:
            CONTRIBUTING.write_text(updated, encoding="utf-8")
    for ident, path in notebooks().items():
        note = code_note(ident, aicompute.MODULE_MAP)
        notebook = nbformat.read(path, as_version=4)
        if note is not None and with_note(notebook, note):
            stale.append(path)
            if not args.check:
                nbformat.write(notebook, path)
    for path in stale:
        verb = "is out of date" if args.check else "rewritten"
        print(f"{path.relative_to(ROOT)}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
