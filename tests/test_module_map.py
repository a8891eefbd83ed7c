"""The package map (``aicompute.MODULE_MAP``) is true: every module has a row, and every row's
notebooks, curated tables and tests exist and match what the code and notebooks really import.

The map is written once, as ``aicompute.MODULE_MAP_TABLE``; ``CONTRIBUTING.md`` shows the same
table (``tools/module_map.py`` copies it there).
"""

from __future__ import annotations

import ast
import fnmatch
import json
import sys
from pathlib import Path

import nbformat
import pytest

import aicompute

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(aicompute.__file__).parent
DATA = PACKAGE / "data"
INFRASTRUCTURE = set(aicompute.LAYERS["infrastructure"])
MODULES = [name for layer in aicompute.LAYERS.values() for name in layer]

sys.path.insert(0, str(ROOT / "tools"))
import module_map  # noqa: E402


def notebook_file(ident: str) -> Path:
    """``03`` -> ``notebooks/03_*.ipynb``, ``lab1`` -> ``labs/lab1_*.ipynb``: exactly one file."""
    folder = "labs" if ident.startswith("lab") else "notebooks"
    found = sorted((ROOT / folder).glob(f"{ident}_*.ipynb"))
    assert len(found) == 1, f"{ident!r} names {len(found)} notebooks, not one"
    return found[0]


def all_notebooks() -> dict[str, Path]:
    """Every chapter notebook and lab, by the short name the map uses."""
    paths = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "labs").glob("*.ipynb"))
    return {path.stem.split("_")[0]: path for path in paths}


def imported_modules(tree: ast.AST) -> set[str]:
    """The top-level ``aicompute`` modules that this code imports (any import form)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "aicompute":
                names = [f"aicompute.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name.split(".")[1] for name in names if name.startswith("aicompute."))
    return found


def notebook_imports(path: Path) -> set[str]:
    """The ``aicompute`` modules the code cells of a notebook import (shell and magic lines
    skipped)."""
    found = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
            found |= imported_modules(ast.parse(code))
    return found


def module_sources(module: str) -> list[str]:
    """The source of a module, or of every file of a subpackage."""
    package = PACKAGE / module
    files = sorted(package.rglob("*.py")) if package.is_dir() else [PACKAGE / f"{module}.py"]
    return [path.read_text(encoding="utf-8") for path in files]


def tables_read(module: str) -> tuple[set[str], set[int]]:
    """Curated tables a module reads directly (``data.load("x")``, ``hardware.datasheet()`` or
    ``hardware.lookup()``) and the chapters whose claims it audits (``audit_chapter(N)``)."""
    tables, chapters = set(), set()
    for source in module_sources(module):
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = getattr(function, "attr", getattr(function, "id", ""))
            owner = getattr(getattr(function, "value", None), "id", "")
            argument = (
                node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            )
            if (owner, name) == ("data", "load") and isinstance(argument, str):
                tables.add(argument)
            elif (owner, name) in {("hardware", "datasheet"), ("hardware", "lookup")}:
                tables.add("hardware")
            elif name == "audit_chapter" and isinstance(argument, int):
                chapters.add(argument)
    return tables, chapters


def test_the_table_has_one_well_formed_row_per_module_of_the_layers() -> None:
    lines = aicompute.MODULE_MAP_TABLE.strip().splitlines()
    assert lines[0] == "| module | chapter or lab | notebooks | curated data | tests |"
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    assert all(line.count("|") == 6 for line in lines), "every row needs five cells"
    rows = [line.split("|")[1].strip() for line in lines[2:]]
    assert len(rows) == len(set(rows)), "a module has two rows"
    assert set(rows) == set(MODULES), "the map and aicompute.LAYERS name different modules"
    assert list(aicompute.MODULE_MAP) == rows


def test_the_docstring_and_contributing_show_the_same_table() -> None:
    assert aicompute.MODULE_MAP_TABLE.strip() in (aicompute.__doc__ or aicompute.MODULE_MAP_TABLE)
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert module_map.with_map(text, aicompute.MODULE_MAP_TABLE) == text, (
        "CONTRIBUTING.md's module map is out of date: run python tools/module_map.py"
    )


@pytest.mark.parametrize("module", MODULES)
def test_places_are_chapters_or_labs_that_exist(module: str) -> None:
    places = aicompute.MODULE_MAP[module].places
    assert places, f"{module}: say which chapters or labs it serves"
    for place in places:
        if place == "all":
            assert module in INFRASTRUCTURE, f"{module}: only infrastructure serves all"
        else:
            notebook_file(place if place.startswith("lab") else f"{int(place):02d}")
    _, chapters = tables_read(module)
    for chapter in chapters:
        assert str(chapter) in places, f"{module} audits chapter {chapter}: list it"


@pytest.mark.parametrize("module", MODULES)
def test_notebooks_are_exactly_those_that_import_the_module(module: str) -> None:
    listed = aicompute.MODULE_MAP[module].notebooks
    if listed == ("*",):
        assert module in INFRASTRUCTURE, f"{module}: only infrastructure may say '*'"
        return
    for ident in listed:
        notebook_file(ident)
    importing = {
        ident for ident, path in all_notebooks().items() if module in notebook_imports(path)
    }
    assert set(listed) == importing, f"{module}: the notebooks that import it: {sorted(importing)}"


@pytest.mark.parametrize("module", MODULES)
def test_curated_tables_exist_and_every_table_read_is_listed(module: str) -> None:
    listed = aicompute.MODULE_MAP[module].data
    names = [path.relative_to(DATA).with_suffix("").as_posix() for path in DATA.rglob("*.csv")]
    for entry in listed:
        assert fnmatch.filter(names, entry), f"{module}: no curated table {entry!r} in data/"
    tables, _ = tables_read(module)
    missing = {t for t in tables if not any(fnmatch.fnmatch(t, entry) for entry in listed)}
    assert not missing, f"{module} reads {sorted(missing)}: add them to its row"


@pytest.mark.parametrize("module", MODULES)
def test_tests_exist_and_import_the_module(module: str) -> None:
    listed = aicompute.MODULE_MAP[module].tests
    assert listed, f"{module}: name its tests"
    for name in listed:
        path = ROOT / "tests" / f"test_{name}.py"
        assert path.is_file(), f"{module}: no {path.relative_to(ROOT)}"
        imported = imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        assert module in imported, f"{path.name} does not import aicompute.{module}"


def test_the_map_reader_and_the_checks_catch_mistakes() -> None:
    table = (
        "| module | chapter or lab | notebooks | curated data | tests |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| moore | 1 | 01 | processors compute_prices | moore |\n| data | all | | * | data x |\n"
    )
    rows = aicompute._parse_map(table)
    assert rows["moore"] == aicompute.ModuleRow(
        ("1",), ("01",), ("processors", "compute_prices"), ("moore",)
    )
    assert rows["data"].notebooks == () and rows["data"].tests == ("data", "x")
    with pytest.raises(AssertionError, match="names 0 notebooks"):
        notebook_file("99")
    with pytest.raises(ValueError, match="no <!-- module-map -->"):
        module_map.with_map("# Contributing\n", table)
    assert imported_modules(ast.parse("from aicompute import a, b\nimport aicompute.c.d\n")) == {
        "a",
        "b",
        "c",
    }
    assert tables_read("moore")[0] >= {"processors", "compute_prices"}
    assert tables_read("moore")[1] == {1}


@pytest.mark.parametrize("ident", sorted(module_map.notebooks()))
def test_every_chapter_and_lab_ends_with_its_code_note(ident: str) -> None:
    note = module_map.code_note(ident, aicompute.MODULE_MAP)
    assert note is not None, f"no row of the map lists notebook {ident}"
    last = json.loads(module_map.notebooks()[ident].read_text(encoding="utf-8"))["cells"][-1]
    assert last["cell_type"] == "markdown" and "".join(last["source"]) == note, (
        f"notebook {ident}: its closing note is out of date: run python tools/module_map.py"
    )


def test_the_code_note_names_the_modules_and_replaces_an_older_note() -> None:
    note = module_map.code_note("03", aicompute.MODULE_MAP)
    assert "`aicompute.roofline`: The roofline model" in note
    assert "`aicompute.plotting`" not in note  # used everywhere: the map says so once
    assert "data/claims/ch3.csv" in note
    assert "claims" not in module_map.code_note("lab1", aicompute.MODULE_MAP)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    assert module_map.with_note(notebook, "## Where the code lives\n\nold")
    assert module_map.with_note(notebook, note)
    assert not module_map.with_note(notebook, note)
    assert [cell.source for cell in notebook.cells] == ["1 + 1", note]
