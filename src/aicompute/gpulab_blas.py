"""Lab 2's view of the BLAS levels: the sweep's best rates, and one line per device and library.

The report's <그림 2-6> shows cuBLAS on a K40m: GEMM (BLAS-3) runs near the chip's peak while the
vector and matrix-vector routines (BLAS-1 and -2) stay far below it, because they do only one or
two floating-point operations per number they read. The lab measures the same thing on the
machine at hand with :mod:`aicompute.blas_bench` (prepared, checked and timed calls through
NumPy/SciPy, CuPy and PyTorch), whose names the labs use from here, and reads the result with
:func:`best_rates`, :func:`largest_size_rates` and :func:`plot_levels`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicompute import validate
from aicompute.blas_bench import (
    ITEMSIZE,
    LIBRARIES,
    OPS,
    PRECISIONS,
    TOLERANCE,
    Operation,
    blas_work,
    check,
    default_sizes,
    prepare,
    supported,
    sweep,
)

__all__ = [
    # the benchmark engine, from aicompute.blas_bench
    "OPS",
    "PRECISIONS",
    "LIBRARIES",
    "ITEMSIZE",
    "TOLERANCE",
    "blas_work",
    "supported",
    "Operation",
    "prepare",
    "check",
    "sweep",
    "default_sizes",
    # the lab's reading of a sweep
    "best_rates",
    "largest_size_rates",
    "plot_levels",
]


def best_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Highest GFLOP/s of each op per ``device library precision`` (pivot of :func:`sweep`)."""
    validate.frame("table", table, ["op", "library", "precision", "device", "gflops"])
    label = table["device"] + " " + table["library"] + " " + table["precision"]
    pivot = table.assign(series=label).pivot_table(
        index="series", columns="op", values="gflops", aggfunc="max"
    )
    return pivot[[op for op in OPS if op in pivot.columns]]


def plot_levels(table: pd.DataFrame, *, title: str = ""):
    """GFLOP/s against size, one panel per BLAS level, one line per device/library/precision."""
    from matplotlib.ticker import NullFormatter

    from aicompute import plotting

    columns = ["op", "device", "library", "precision", "n", "gflops"]
    if validate.frame("table", table, columns).empty:
        raise ValueError("nothing to plot: the table is empty")
    ops = [op for op in OPS if op in set(table["op"])]
    fig, axes = plotting.new_figure(
        "size n (vector length or matrix side)",
        "performance (GFLOP/s)",
        logx=True,
        logy=True,
        nrows=len(ops),
        title=title,
        figsize=(7.0, 1.6 + 2.6 * len(ops)),
    )
    axes = np.atleast_1d(axes)
    series = list(
        dict.fromkeys(zip(table["device"], table["library"], table["precision"], strict=True))
    )
    level = {"axpy": "BLAS-1: AXPY", "gemv": "BLAS-2: GEMV", "gemm": "BLAS-3: GEMM"}
    for ax, op in zip(axes, ops, strict=True):
        for index, key in enumerate(series):
            rows = table[
                (table["op"] == op)
                & (table["device"] == key[0])
                & (table["library"] == key[1])
                & (table["precision"] == key[2])
            ]
            if rows.empty:
                continue
            ax.plot(
                rows["n"],
                rows["gflops"],
                marker=plotting.MARKERS[index % 8],
                color=plotting.color_for(index),
                linestyle="-" if key[0] == "cuda" else "--",
                label=" ".join(key),
            )
        ax.set_title(level[op])
        ax.xaxis.set_minor_formatter(NullFormatter())  # no crowded minor labels on short axes
    lo = float(table["gflops"].min()) / 2
    hi = float(table["gflops"].max()) * 2
    for ax in axes:
        ax.set_ylim(lo, hi)
    # Up to 15 series: one legend under the panels, in columns, never over the data.
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    fig.legend(
        list(entries.values()),
        list(entries),
        loc="outside lower center",
        ncols=min(3, max(1, len(entries))),
        fontsize=9,
    )
    return fig, axes


def largest_size_rates(table: pd.DataFrame) -> pd.DataFrame:
    """GFLOP/s of each op at its largest measured size (out of cache), as :func:`best_rates`."""
    validate.frame("table", table, ["op", "library", "precision", "device", "gflops", "n"])
    keys = ["op", "library", "precision", "device"]
    largest = table[table["n"] == table.groupby(keys)["n"].transform("max")]
    return best_rates(largest)
