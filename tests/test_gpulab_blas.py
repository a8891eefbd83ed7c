"""Lab 2's reading of a BLAS sweep (best rates, largest sizes, plot), and the engine's names."""

from __future__ import annotations

import pytest

from aicompute import blas_bench
from aicompute import gpulab_blas as gb


def test_the_lab_reaches_the_engine_by_its_old_names() -> None:
    for name in blas_bench.__all__:
        assert getattr(gb, name) is getattr(blas_bench, name)
        assert name in gb.__all__


def test_best_rates_and_plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    table = pd.DataFrame(
        {
            "op": ["axpy", "axpy", "gemm"],
            "library": ["numpy"] * 3,
            "precision": ["fp64"] * 3,
            "device": ["cpu"] * 3,
            "n": [10, 100, 10],
            "gflops": [1.0, 2.0, 30.0],
        }
    )
    best = gb.best_rates(table)
    assert list(best.columns) == ["axpy", "gemm"]
    assert best.loc["cpu numpy fp64", "axpy"] == 2.0
    fig, axes = gb.plot_levels(table)
    assert len(axes) == 2
    plt.close(fig)
    with pytest.raises(ValueError):
        gb.best_rates(table.drop(columns="device"))
    with pytest.raises(ValueError):
        gb.plot_levels(table.iloc[0:0])


def test_largest_size_rates() -> None:
    import pandas as pd

    table = pd.DataFrame(
        {
            "op": ["axpy", "axpy"],
            "library": ["numpy"] * 2,
            "precision": ["fp64"] * 2,
            "device": ["cpu"] * 2,
            "n": [10, 100],
            "gflops": [5.0, 2.0],
        }
    )
    assert gb.largest_size_rates(table).loc["cpu numpy fp64", "axpy"] == 2.0
    assert gb.best_rates(table).loc["cpu numpy fp64", "axpy"] == 5.0
