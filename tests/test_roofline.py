"""The roofline model: bounds, ridge points, extra roofs, curated tables, figures, audit."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from aicompute import roofline  # noqa: E402
from aicompute.roofline import Roof  # noqa: E402


def test_attainable_is_the_minimum_of_the_two_roofs() -> None:
    peak, bw = 1e12, 100e9  # ridge at 10 FLOP/byte
    assert roofline.attainable_flops(1.0, peak, bw) == pytest.approx(100e9)
    assert roofline.attainable_flops(10.0, peak, bw) == pytest.approx(1e12)
    assert roofline.attainable_flops(1000.0, peak, bw) == pytest.approx(1e12)
    values = roofline.attainable_flops(np.array([0.5, 5, 50]), peak, bw)
    assert isinstance(values, np.ndarray) and values.shape == (3,)
    np.testing.assert_allclose(values, [50e9, 500e9, 1e12])
    assert isinstance(roofline.attainable_flops(2, peak, bw), float)


@pytest.mark.parametrize(
    "args",
    [(0.0, 1e12, 1e11), (-1.0, 1e12, 1e11), (1.0, 0.0, 1e11), (1.0, 1e12, -5.0),
     (float("nan"), 1e12, 1e11), (1.0, float("inf"), 1e11), ([1.0, -2.0], 1e12, 1e11),
     ([], 1e12, 1e11), (1.0, "fast", 1e11)],
)
def test_attainable_rejects_non_positive_or_non_finite_inputs(args) -> None:
    with pytest.raises(ValueError):
        roofline.attainable_flops(*args)


def test_ridge_point_and_bound_side() -> None:
    assert roofline.ridge_point(5.3e12, 732e9) == pytest.approx(7.24, abs=0.01)
    assert roofline.bound_by(1.0, 5.3e12, 732e9) == "memory"
    assert roofline.bound_by(8.0, 5.3e12, 732e9) == "compute"
    with pytest.raises(ValueError):
        roofline.ridge_point(0, 1)


def test_roof_needs_exactly_one_value_and_a_label() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Roof("both", bandwidth=1e9, peak_flops=1e9)
    with pytest.raises(ValueError, match="exactly one"):
        Roof("neither")
    with pytest.raises(ValueError, match="label"):
        Roof(" ", bandwidth=1e9)
    with pytest.raises(ValueError):
        Roof("negative", bandwidth=-1.0)
    assert Roof("PCIe", bandwidth=16e9).kind == "bandwidth"
    assert Roof("no SIMD", peak_flops=1e9).kind == "compute"


def test_binding_roofs_lower_the_bound_and_reference_roofs_do_not() -> None:
    peak, bw = 10e12, 900e9
    pcie = Roof("PCIe", bandwidth=15.75e9, binding=True)
    l2 = Roof("L2", bandwidth=3000e9)
    no_simd = Roof("scalar", peak_flops=1e12, binding=True)
    i = np.array([1.0, 100.0, 10_000.0])
    np.testing.assert_allclose(roofline.attainable_with_roofs(i, peak, bw, [l2]),
                               roofline.attainable_flops(i, peak, bw))
    np.testing.assert_allclose(roofline.attainable_with_roofs(i, peak, bw, [pcie]),
                               [15.75e9, 1575e9, 10e12])
    np.testing.assert_allclose(roofline.attainable_with_roofs(i, peak, bw, [pcie, no_simd]),
                               [15.75e9, 1e12, 1e12])
    with pytest.raises(ValueError, match="Roof"):
        roofline.attainable_with_roofs(i, peak, bw, ["PCIe"])


def test_fraction_of_roof() -> None:
    assert roofline.fraction_of_roof(50e9, 1.0, 1e12, 100e9) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        roofline.fraction_of_roof(0.0, 1.0, 1e12, 100e9)


def test_plot_roofline_draws_roofs_and_ridge() -> None:
    fig, ax = plt.subplots()
    artists = roofline.plot_roofline(
        ax, 1e12, 100e9, label="test", roofs=[Roof("PCIe", bandwidth=16e9, binding=True)]
    )
    assert len(artists) == 3  # envelope, ridge marker, PCIe roof
    envelope = artists[0].get_ydata()
    assert envelope.max() <= 1000.0 + 1e-9  # GFLOP/s, capped by the peak
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    ridge_x = artists[1].get_xdata()[0]
    assert ridge_x == pytest.approx(10.0)
    roofline.place_kernel(ax, 0.25, "SpMV")
    roofline.place_kernel(ax, 2.0, "measured", performance=150e9)
    with pytest.raises(ValueError, match="increase"):
        roofline.plot_roofline(ax, 1e12, 100e9, intensity_range=(8, 1))
    with pytest.raises(ValueError):
        roofline.place_kernel(ax, -1, "bad")
    plt.close(fig)


def test_kernels_table_is_cited_and_ordered() -> None:
    table = roofline.kernels()
    assert {"SpMV (CSR)", "7-point stencil", "3-D FFT", "STREAM triad"} <= set(table["kernel"])
    assert (table["intensity_low"] > 0).all()
    assert (table["intensity_high"] >= table["intensity_low"]).all()
    spmv = table.set_index("kernel").loc["SpMV (CSR)"]
    # CSR: 2 FLOPs per nonzero over an 8-byte value and a 4-byte index = 1/6 FLOP/byte.
    assert spmv["intensity_low"] == pytest.approx(2 / 12, abs=0.005)
    stencil = table.set_index("kernel").loc["7-point stencil"]
    assert stencil["intensity_low"] == pytest.approx(8 / 24, abs=0.005)
    assert stencil["intensity_high"] == pytest.approx(8 / 16, abs=0.005)
    triad = table.set_index("kernel").loc["STREAM triad"]
    assert triad["intensity_low"] == pytest.approx(2 / 24, abs=0.0005)
    vector_add = table[table["kernel"].str.contains("표 2-1")].iloc[0]
    assert vector_add["intensity_low"] == pytest.approx(12 / 192)


def test_pcie_bandwidths_follow_from_the_specification() -> None:
    links = roofline.interconnects().set_index("name")
    assert links.loc["PCIe 3.0 x16", "gbs"] == pytest.approx(15.75, abs=0.01)
    assert links.loc["PCIe 4.0 x16", "gbs"] == pytest.approx(31.51, abs=0.01)
    assert links.loc["PCIe 5.0 x16", "gbs"] == pytest.approx(63.02, abs=0.01)
    assert links.loc["PCIe 2.0 x16", "gbs"] == pytest.approx(8.0)
    with pytest.raises(ValueError, match="payload"):
        roofline.link_bandwidth(8, 16, 131, 130)
    with pytest.raises(ValueError):
        roofline.link_bandwidth(8, 0, 128, 130)


def test_gemm_intensity() -> None:
    assert roofline.gemm_intensity(1200, 1200, 1200) == pytest.approx(100.0)
    assert roofline.gemm_intensity(1200, 1200, 1200, 4) == pytest.approx(200.0)
    assert roofline.gemm_intensity(1600, 1600, 1600, read_c=True) == pytest.approx(100.0)
    # an outer product (k = 1) of long vectors: 2 m^2 FLOPs over about 8 m^2 bytes
    assert roofline.gemm_intensity(10_000, 10_000, 1) == pytest.approx(0.25, rel=1e-3)
    for bad in [(0, 1, 1), (1, 1.5, 1), (1, 1, -2)]:
        with pytest.raises(ValueError):
            roofline.gemm_intensity(*bad)


def _synthetic_table() -> pd.DataFrame:
    years = np.arange(2010, 2020)
    return pd.DataFrame({
        "name": [f"chip{y}" for y in years],
        "kind": "gpu",
        "year": years,
        "fp64_tflops": 2.0 ** (years - 2010),  # doubles every year
        "fp32_tflops": 2.0 ** (years - 2010 + 1),
        "mem_bw_gbs": 100 * 2.0 ** ((years - 2010) / 2),  # doubles every two years
    })


def test_balance_trend_recovers_doubling_times() -> None:
    trend = roofline.balance_trend(_synthetic_table(), "fp64")
    assert trend["peak"] == pytest.approx(1.0)
    assert trend["bandwidth"] == pytest.approx(2.0)
    assert trend["ridge"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="three"):
        roofline.balance_trend(_synthetic_table().head(2))
    with pytest.raises(ValueError, match="precision"):
        roofline.balance_trend(_synthetic_table(), "fp8")


def test_processor_roofline_and_table() -> None:
    table = _synthetic_table()
    peak, bw = roofline.processor_roofline("chip2012", "fp64", table)
    assert peak == pytest.approx(4e12) and bw == pytest.approx(200e9)
    frame = roofline.roofline_table(["chip2010", "chip2012"], "fp64", table)
    assert list(frame["ridge_flop_per_byte"]) == pytest.approx([10.0, 20.0])
    with pytest.raises(ValueError, match="no processor"):
        roofline.processor_roofline("chip1999", "fp64", table)
    with pytest.raises(ValueError, match="precision"):
        roofline.processor_roofline("chip2010", "int8", table)
    table.loc[0, "fp64_tflops"] = math.nan
    with pytest.raises(ValueError, match="no fp64"):
        roofline.processor_roofline("chip2010", "fp64", table)
