"""Curated tables shipped as package data (``aicompute/data/*.csv``).

Each table is small and hand-written, one row per fact, and carries a ``source`` column that
names where the fact comes from: a key of the book's ``references.bib`` (for example
``spri2018`` or ``nvidia2016p100``), optionally followed by a page, table or list, e.g.
``"top500; list 1996-06"``. Lines starting with ``#`` are comments (units, conventions); a ``#``
inside a cell is kept.
"""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd

from aicompute import validate

__all__ = ["available", "load", "path", "read"]

_PACKAGE = "aicompute"
_FOLDER = "data"


def available() -> list[str]:
    """Names (without ``.csv``) of every curated table shipped with the package."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


def path(name: str):
    """The file of curated table ``name`` (a ``Traversable``); ``ValueError`` if unknown."""
    name = validate.text("name", name)
    if not name or "/" in name or name.endswith(".csv"):
        raise ValueError(f"give a table name such as 'hardware', not {name!r}")
    known = available()
    if name not in known:
        raise ValueError(f"no curated table {name!r}; available: {', '.join(known)}")
    return resources.files(_PACKAGE).joinpath(_FOLDER, f"{name}.csv")


def load(name: str) -> pd.DataFrame:
    """Curated table ``name`` as a DataFrame (comment lines skipped, a source on every row)."""
    return read(path(name), name)


def read(file, name: str, **read_csv_options) -> pd.DataFrame:
    """A curated CSV ``file`` (a path or ``Traversable``) as a DataFrame, called ``name`` in errors.

    Comment lines are skipped and every row must name its source.
    """
    if not callable(getattr(file, "open", None)):
        raise TypeError(f"file must be a pathlib.Path or a Traversable, got {type(file).__name__}")
    name = validate.text("name", name)
    with file.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    frame = pd.read_csv(io.StringIO("".join(lines)), skipinitialspace=True, **read_csv_options)
    if "source" not in frame.columns:
        raise ValueError(f"curated table {name!r} has no 'source' column")
    if frame["source"].isna().any():
        rows = frame.index[frame["source"].isna()].tolist()
        raise ValueError(f"curated table {name!r} has rows without a source: {rows}")
    return frame
