"""The package's layers: infrastructure below chapter modules below lab modules, no cycles.

Every import of every module is read from its source (``ast``), those inside functions too, so
that a lazy import cannot hide an upward dependency or a cycle. The layer of each module is
declared once, in :data:`aicompute.LAYERS`; a module that is not placed there fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aicompute

PACKAGE = "aicompute"


def package_sources(root: Path) -> dict[str, str]:
    """Source of every module under ``root``, by dotted name (a package by its own name)."""
    sources = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join([PACKAGE, *parts])] = path.read_text(encoding="utf-8")
    return sources


def _is_package(name: str, sources: dict[str, str]) -> bool:
    return any(other.startswith(name + ".") for other in sources)


def _resolve_from(module: str, node: ast.ImportFrom, sources: dict[str, str]) -> str:
    """The absolute name a ``from ... import`` statement imports from."""
    if not node.level:
        return node.module or ""
    package = module if _is_package(module, sources) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(module: str, sources: dict[str, str]) -> set[str]:
    """The package's modules that ``module`` imports, anywhere in its source."""
    found = set()
    for node in ast.walk(ast.parse(sources[module], filename=module)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(module, node, sources)
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            found.update(submodules & sources.keys() or {base})
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return {name for name in found if name in sources and name != module}


def layer_of(module: str, layers: dict[str, tuple[str, ...]]) -> str:
    """The declared layer of ``module``; a subpackage's modules share its layer."""
    if module == PACKAGE:
        return next(iter(layers))  # the package itself sits at the bottom: it imports nothing
    top = module.split(".")[1]
    for layer, names in layers.items():
        if top in names:
            return layer
    raise LookupError(f"{module} is in no layer of aicompute.LAYERS: place it there")


def layer_violations(sources: dict[str, str], layers: dict[str, tuple[str, ...]]) -> list[str]:
    """Every import of a module from a higher layer, and every module placed in no layer."""
    rank = {layer: index for index, layer in enumerate(layers)}
    problems = []
    for module in sources:
        try:
            own = layer_of(module, layers)
            for imported in sorted(imports_of(module, sources)):
                theirs = layer_of(imported, layers)
                if rank[theirs] > rank[own]:
                    problems.append(f"{module} ({own}) imports {imported} ({theirs})")
        except LookupError as error:
            problems.append(str(error))
    return sorted(set(problems))


def import_cycles(sources: dict[str, str]) -> list[list[str]]:
    """The import cycles among the modules (one path per strongly connected group)."""
    graph = {module: sorted(imports_of(module, sources)) for module in sources}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in graph[node]:
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return cycles


# ------------------------------------------------------------------------- the real package


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return package_sources(Path(aicompute.__file__).parent)


def test_layers_are_infrastructure_chapter_lab() -> None:
    assert list(aicompute.LAYERS) == ["infrastructure", "chapter", "lab"]
    names = [name for layer in aicompute.LAYERS.values() for name in layer]
    assert len(names) == len(set(names)), "a module is placed in two layers"


def test_every_module_is_placed_and_every_placed_module_exists(sources) -> None:
    top_level = {name.split(".")[1] for name in sources if name != PACKAGE}
    placed = {name for layer in aicompute.LAYERS.values() for name in layer}
    assert top_level - placed == set(), "modules in no layer of aicompute.LAYERS"
    assert placed - top_level == set(), "aicompute.LAYERS names modules that do not exist"


def test_no_module_imports_from_a_higher_layer(sources) -> None:
    assert layer_violations(sources, aicompute.LAYERS) == []


def test_no_import_cycles(sources) -> None:
    assert import_cycles(sources) == []


def test_the_chapters_reach_the_blas_engine_without_the_lab(sources) -> None:
    assert "aicompute.blas_bench" in imports_of("aicompute.blas", sources)
    assert "aicompute.gpulab_blas" not in imports_of("aicompute.blas", sources)


# ------------------------------------------------------------------- the checks themselves

_LAYERS = {"infrastructure": ("base",), "chapter": ("topic", "book"), "lab": ("lab",)}


def _package(**modules: str) -> dict[str, str]:
    return {f"{PACKAGE}.{name}" if name else PACKAGE: text for name, text in modules.items()}


def test_imports_inside_functions_and_every_import_form_are_found() -> None:
    sources = _package(
        base="",
        lab="",
        book="",
        topic=(
            "import aicompute.base\n"
            "def f():\n"
            "    from aicompute import lab\n"
            "    from aicompute.book import thing\n"
            "    importlib.import_module('aicompute.base')\n"
            "from aicompute import __version__\n"
        ),
        **{"": ""},
    )
    assert imports_of("aicompute.topic", sources) == {
        "aicompute.base",
        "aicompute.lab",
        "aicompute.book",
        "aicompute",
    }


def test_an_upward_import_is_caught_even_inside_a_function() -> None:
    sources = _package(base="def f():\n    from aicompute import topic\n", topic="", lab="")
    assert layer_violations(sources, _LAYERS) == [
        "aicompute.base (infrastructure) imports aicompute.topic (chapter)"
    ]
    sources = _package(base="", topic="from aicompute.lab import x\n", lab="")
    assert layer_violations(sources, _LAYERS) == [
        "aicompute.topic (chapter) imports aicompute.lab (lab)"
    ]
    assert (
        layer_violations(_package(lab="from aicompute import topic, base", topic=""), _LAYERS) == []
    )


def test_a_module_in_no_layer_fails() -> None:
    problems = layer_violations(_package(base="", stray="import aicompute.base"), _LAYERS)
    assert problems == ["aicompute.stray is in no layer of aicompute.LAYERS: place it there"]


def test_a_subpackage_shares_the_layer_of_its_name_and_relative_imports_resolve() -> None:
    sources = _package(
        base="",
        lab="",
        topic="from . import tables\n",
        **{
            "topic.tables": "from ..lab import thing\nfrom .reading import read\n",
            "topic.reading": "from aicompute.topic import tables\n",
        },
    )
    assert imports_of("aicompute.topic.tables", sources) == {
        "aicompute.lab",
        "aicompute.topic.reading",
    }
    assert layer_violations(sources, _LAYERS) == [
        "aicompute.topic.tables (chapter) imports aicompute.lab (lab)"
    ]
    assert import_cycles(sources) == [["aicompute.topic.reading", "aicompute.topic.tables"]]


def test_a_cycle_through_a_lazy_import_is_caught() -> None:
    sources = _package(
        base="",
        topic="from aicompute import book\n",
        book="def f():\n    import aicompute.topic\n",
    )
    assert import_cycles(sources) == [["aicompute.book", "aicompute.topic"]]
    assert import_cycles(_package(base="", topic="from aicompute import book", book="")) == []
