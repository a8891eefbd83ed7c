"""aicompute: helpers for the course "Why AI needs computing infrastructure".

The package has three layers, and a module imports only from its own layer or a lower one, never
in a circle:

1. **infrastructure**: choosing and describing the device, timing, the BLAS benchmark, curated
   data, the report's claims, tables and plots for readers, input checks; used by everything
   above;
2. **chapter** modules: one per concept of the book's chapters (a subpackage belongs to the
   layer of its name);
3. **lab** modules: what only the GPU labs need.

:data:`LAYERS` places every module; a new module is placed there when it is written.

Where the code lives
--------------------

One row per module (:data:`MODULE_MAP`, shown again in ``CONTRIBUTING.md``): the chapters or labs
it serves (``all``: infrastructure used throughout; a chapter module's claims are in
``data/claims/ch<N>.csv`` of its chapter N), the notebooks that import it (``03`` is
``notebooks/03_*.ipynb``, ``lab1`` is ``labs/lab1_*.ipynb``, ``*`` many), the curated tables it
reads from ``data/`` (without ``.csv``; ``lab_*`` is every table so named) and its tests
(``moore`` is ``tests/test_moore.py``).
"""

from __future__ import annotations

from typing import NamedTuple

__version__ = "0.1.0"

#: The layer of every module of the package, from the lowest to the highest.
LAYERS: dict[str, tuple[str, ...]] = {
    "infrastructure": (
        "backend",
        "blas_bench",
        "claims",
        "cpublas",
        "cpuclock",
        "data",
        "display",
        "gpupower",
        "hardware",
        "plotting",
        "timing",
        "translation",
        "validate",
    ),
    "chapter": (
        "moore",
        "parallel",
        "roofline",
        "membench",
        "machine",
        "blas",
        "im2col",
        "flops",
        "alphago",
        "survey",
        "report_facts",
        "compute_trends",
        "distributed",
    ),
    "lab": (
        "gpulab_blas",
        "gpulab_conv",
        "gpulab_pcie",
        "gpulab_roofline",
        "expected",
        "gpulab_ddp",
    ),
}

#: The map of the package: module, chapters or labs, notebooks, curated data, tests. Adding a
#: module is adding its row here (then ``python tools/module_map.py`` copies the table into
#: ``CONTRIBUTING.md`` and the closing note of each notebook); ``tests/test_module_map.py``
#: checks every row against the files.
MODULE_MAP_TABLE = """\
| module | chapter or lab | notebooks | curated data | tests |
| --- | --- | --- | --- | --- |
| backend | all | * | | backend gpulab_fake_gpu |
| blas_bench | 4 lab1 lab2 | 04 | | blas_bench |
| claims | all | * | claims/ch* | claims report_coverage |
| cpublas | 0 3 4 | 00 03 04 | | cpublas |
| cpuclock | 0 4 | 00 04 | | cpuclock |
| data | all | | * | plotting_and_data |
| display | all | * | | display |
| gpupower | lab1 | | | gpupower |
| hardware | all | * | hardware | hardware |
| plotting | all | * | | plotting_and_data |
| timing | all | 02 05 lab1 lab2 lab3 lab4 | | timing |
| translation | all | | | translation |
| validate | all | | | validate |
| moore | 1 9 | 01 09 | processors top500_history smartphone_* compute_prices | moore |
| parallel | 2 | 02 | | parallel |
| roofline | 3 | 00 03 04 05 lab3 | kernels interconnects hardware | roofline |
| membench | 3 4 | 03 04 05 | | membench |
| machine | 0 | 00 | hardware | machine |
| blas | 4 | 04 | hardware | blas |
| im2col | 5 | 05 lab4 | im2col_k40 | im2col |
| flops | 6 | 06 | | flops |
| alphago | 6 | 06 lab4 | alphago_hardware game_ai_top500 hardware | alphago |
| survey | 7 9 | 07 09 | survey_tables survey_reference_systems | survey |
| report_facts | 0 | | ai_history top500_history report_numerals hardware | report_coverage |
| compute_trends | 9 | 09 | notable_models llm_tokens hardware | compute_trends |
| distributed | 8 lab5 | 08 lab5 | scale_out_links scale_out_models hardware | distributed |
| gpulab_blas | lab1 lab2 | lab1 lab2 | | gpulab_blas |
| gpulab_conv | lab4 | lab4 | | gpulab_conv gpulab_fake_gpu |
| gpulab_pcie | lab3 | lab3 | hardware | gpulab_pcie |
| gpulab_roofline | lab1 | lab1 | | gpulab_roofline gpulab_fake_gpu |
| expected | lab1 lab2 lab3 lab4 | lab1 lab2 lab3 lab4 | lab_* hardware interconnects | expected |
| gpulab_ddp | lab5 | lab5 | | distributed |
"""


class ModuleRow(NamedTuple):
    """One row of :data:`MODULE_MAP`; each field holds the words of its column."""

    places: tuple[str, ...]
    notebooks: tuple[str, ...]
    data: tuple[str, ...]
    tests: tuple[str, ...]


def _parse_map(table: str) -> dict[str, ModuleRow]:
    """``{module: row}`` from the Markdown table :data:`MODULE_MAP_TABLE` (header lines skipped)."""
    rows = {}
    for line in table.strip().splitlines()[2:]:
        module, *cells = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[module] = ModuleRow(*(tuple(cell.split()) for cell in cells))
    return rows


#: ``{module: ModuleRow}``, read from :data:`MODULE_MAP_TABLE`.
MODULE_MAP: dict[str, ModuleRow] = _parse_map(MODULE_MAP_TABLE)

if __doc__ is not None:  # docstrings are dropped under ``python -OO``
    __doc__ += "\n" + MODULE_MAP_TABLE
