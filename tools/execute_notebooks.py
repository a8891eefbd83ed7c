"""Execute notebooks in place so their stored outputs are fresh (they are the source of truth).

Usage: python tools/execute_notebooks.py notebooks/01_moores_law.ipynb [more.ipynb ...]

Each notebook runs top to bottom in a fresh kernel from its own folder, so execution counts
read 1..N. The Colab setup cell is first refreshed from _config.yml (see colab.py). A cell
that raises stops the run with the error, and the notebook is not written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    colab.refresh_setup_cell(notebook, path)
    start = time.perf_counter()
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    drop_widget_state(notebook)
    elapsed = time.perf_counter() - start
    nbformat.write(notebook, path)
    return elapsed


def drop_widget_state(notebook: nbformat.NotebookNode) -> None:
    """Remove widget state and views: the HTML book would embed a widget manager for sliders
    that cannot work without a kernel, so the explorers are left out of the book instead."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
        if cell.get("outputs"):
            cell.outputs = [
                o for o in cell.outputs if o.get("output_type") != "display_data" or o.get("data")
            ]


def main(paths: list[str]) -> None:
    if not paths:
        raise SystemExit(__doc__)
    for name in paths:
        elapsed = execute(Path(name))
        print(f"{name}: executed in {elapsed:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
