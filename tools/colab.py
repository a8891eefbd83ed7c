"""The Colab setup cell every notebook starts with, generated from _config.yml.

The repository URL lives in one place, ``_config.yml`` (``repository.url``); the book's launch
buttons read it there, and this module writes it into each notebook's first cell. The cell does
nothing outside Colab. On Colab it installs the course package without its dependencies, so
Colab's own torch, CuPy and ipywidgets stay as they are.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETUP_TAG = "colab-setup"
STUDENT_DIR = "student"  # student copies (no solutions): tools/student_copies.py


def repository() -> tuple[str, str]:
    """The repository URL and branch from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/"), config["repository"].get("branch", "main")


def setup_source() -> str:
    url, branch = repository()
    return (
        "# Colab only: install the course's helper package `aicompute`\n"
        "# (torch and CuPy stay as Colab ships them). Elsewhere, run\n"
        "# `make book` or `pip install -e .` in a clone.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    repository = "{url}"\n'
        '    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]\n'
        f'    subprocess.run([*pip, f"git+{{repository}}@{branch}"], check=True)'
    )


def colab_url(notebook: Path) -> str:
    """The "Open in Colab" address of a notebook: its student copy, without solutions.

    The book's launch buttons open the same address (``repository.path_to_book`` in
    ``_config.yml`` is the student folder).
    """
    url, branch = repository()
    relative = notebook.resolve().relative_to(ROOT).as_posix()
    return url.replace("https://github.com/", "https://colab.research.google.com/github/") + (
        f"/blob/{branch}/{STUDENT_DIR}/{relative}"
    )


def refresh_setup_cell(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Make the notebook's first cell the canonical setup cell (inserting it if missing)."""
    cell = nbformat.v4.new_code_cell(setup_source())
    # remove-cell: the HTML book does not show it (it does nothing outside Colab).
    cell.metadata["tags"] = [SETUP_TAG, "remove-cell"]
    first = notebook.cells[0] if notebook.cells else None
    if first is not None and SETUP_TAG in first.get("metadata", {}).get("tags", []):
        first.source = cell.source
        first.metadata["tags"] = cell.metadata["tags"]
    else:
        notebook.cells.insert(0, cell)
