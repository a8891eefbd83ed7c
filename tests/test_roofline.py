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
    [
        (0.0, 1e12, 1e11),
        (-1.0, 1e12, 1e11),
        (1.0, 0.0, 1e11),
        (1.0, 1e12, -5.0),
        (float("nan"), 1e12, 1e11),
        (1.0, float("inf"), 1e11),
        ([1.0, -2.0], 1e12, 1e11),
        ([], 1e12, 1e11),
        (1.0, "fast", 1e11),
    ],
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
    np.testing.assert_allclose(
        roofline.attainable_with_roofs(i, peak, bw, [l2]), roofline.attainable_flops(i, peak, bw)
    )
    np.testing.assert_allclose(
        roofline.attainable_with_roofs(i, peak, bw, [pcie]), [15.75e9, 1575e9, 10e12]
    )
    np.testing.assert_allclose(
        roofline.attainable_with_roofs(i, peak, bw, [pcie, no_simd]), [15.75e9, 1e12, 1e12]
    )
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
    return pd.DataFrame(
        {
            "name": [f"chip{y}" for y in years],
            "kind": "gpu",
            "year": years,
            "fp64_tflops": 2.0 ** (years - 2010),  # doubles every year
            "fp32_tflops": 2.0 ** (years - 2010 + 1),
            "mem_bw_gbs": 100 * 2.0 ** ((years - 2010) / 2),  # doubles every two years
        }
    )


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


def _report_like_table() -> pd.DataFrame:
    """Datasheet-shaped rows for the report's processors and today's (illustrative figures)."""
    rows = [
        ("Xeon E5-2699 v4", "cpu", 2016, 0.77, 1.55, None, 76.8),
        ("Xeon Phi 7120P", "manycore", 2013, 1.21, 2.42, None, 352.0),
        ("Tesla K40", "gpu", 2013, 1.43, 4.29, None, 288.0),
        ("Tesla P100 PCIe 16GB", "gpu", 2016, 4.7, 9.3, None, 732.0),
        ("Tesla P100 SXM2", "gpu", 2016, 5.3, 10.6, None, 732.0),
        ("T4", "gpu", 2018, 0.25, 8.1, 65.0, 320.0),
        ("A100 SXM4 80GB", "gpu", 2020, 9.7, 19.5, 312.0, 2039.0),
        ("H100 SXM", "gpu", 2022, 34.0, 67.0, 989.0, 3350.0),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "name",
            "kind",
            "year",
            "fp64_tflops",
            "fp32_tflops",
            "fp16_tensor_tflops",
            "mem_bw_gbs",
        ],
    )


def test_find_processor_and_resolve() -> None:
    table = _report_like_table()
    assert roofline.find_processor(table, "p100", "pcie") == "Tesla P100 PCIe 16GB"
    assert roofline.find_processor(table, "H100") == "H100 SXM"
    with pytest.raises(ValueError, match="no datasheet row"):
        roofline.find_processor(table, "V100")
    with pytest.raises(ValueError, match="at least one"):
        roofline.find_processor(table)
    names = roofline.resolve(roofline.REPORT_PROCESSORS, table)
    assert names["Tesla K40"] == "Tesla K40" and len(names) == 4


def test_ridge_history_and_figures() -> None:
    table = _report_like_table()
    history = roofline.ridge_history(table)
    assert list(history["year"]) == sorted(history["year"])
    h100 = history.set_index("name").loc["H100 SXM"]
    assert h100["fp32"] == pytest.approx(67e12 / 3350e9)
    assert math.isnan(history.set_index("name").loc["Tesla K40", "fp16_tensor"])
    fig, ax = plt.subplots()
    frame = roofline.plot_processors(
        ax, {"K40": "Tesla K40", "H100": "H100 SXM"}, "fp32", table=table
    )
    assert list(frame["label"]) == ["K40", "H100"]
    roofline.place_kernels(ax)
    plt.close(fig)
    bound, side = roofline.explore(732.0, 4.7, 0.25)
    assert bound == pytest.approx(183.0) and side == "memory"
    plt.close("all")


def _audit_on(monkeypatch: pytest.MonkeyPatch, table: pd.DataFrame) -> list:
    """The chapter-3 findings recomputed from ``table`` in place of the shared datasheet."""
    monkeypatch.setattr(roofline, "_datasheet", lambda: table)
    return roofline.audit()


def test_audit_on_a_report_like_table(monkeypatch: pytest.MonkeyPatch) -> None:
    findings = _audit_on(monkeypatch, _report_like_table())
    by_id = {f.claim.id: f for f in findings}
    assert len(by_id) == len(findings) == 8
    assert all(f.claim.chapter == 3 for f in findings)
    assert by_id["ch3.ridge-from-ratio"].ours == pytest.approx(4.7e12 / 732e9)
    assert by_id["ch3.pcie-tens-of-times"].ours == pytest.approx(732 / 15.754, rel=1e-3)
    flagships = _report_like_table().query("name in @roofline.FLAGSHIP_GPUS")
    assert len(flagships) == 4
    fits = roofline.bandwidth_growth_fits(flagships)
    assert fits["exponential"] > fits["linear"]
    trend = roofline.balance_trend(flagships, "fp32")
    expected = "misleading" if trend["peak"] < 0.8 * trend["bandwidth"] else "does not hold"
    assert by_id["ch3.memory-grew-linearly"].verdict.value == expected
    assert by_id["ch3.hbm-reduces-pcie-bottleneck"].verdict.value == "misleading"
    assert by_id["ch3.spmv-memory-bound"].verdict.value == "holds"


def test_audit_verdicts_follow_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table where SpMV would be compute-bound must not keep the 'holds' verdict."""
    table = _report_like_table()
    table["mem_bw_gbs"] = table["mem_bw_gbs"] * 100  # ridges fall below 0.25 FLOP/byte
    by_id = {f.claim.id: f for f in _audit_on(monkeypatch, table)}
    assert by_id["ch3.spmv-memory-bound"].verdict.value != "holds"
    # compute outgrowing bandwidth (peaks x 2^(year - 2013)) makes the claim misleading instead
    lagging = _report_like_table()
    lagging["fp32_tflops"] = lagging["fp32_tflops"] * 2.0 ** (lagging["year"] - 2013)
    verdicts = {f.claim.id: f.verdict.value for f in _audit_on(monkeypatch, lagging)}
    assert verdicts["ch3.memory-grew-linearly"] == "misleading"
    # bandwidth growing by a fixed step per year makes the straight line win: the claim holds
    linear = _report_like_table()
    linear["mem_bw_gbs"] = 100.0 + 50.0 * (linear["year"] - 2010)
    verdicts = {f.claim.id: f.verdict.value for f in _audit_on(monkeypatch, linear)}
    assert verdicts["ch3.memory-grew-linearly"] == "holds"
    assert by_id["ch3.one-sixteenth-low-everywhere"].verdict.value == "does not hold"


@pytest.mark.skipif(
    "hardware" not in __import__("aicompute.data").data.available(),
    reason="the shared datasheet table hardware.csv is not there yet",
)
def test_audit_on_the_real_datasheet() -> None:
    findings = roofline.audit()
    assert len(findings) == 8
    ridge = {f.claim.id: f for f in findings}["ch3.ridge-from-ratio"].ours
    assert 3 < ridge < 12  # P100 PCIe FP64: about 4.7 TFLOP/s over 732 GB/s


def test_bandwidth_growth_fits_scores_both_models_on_one_scale() -> None:
    years = pd.DataFrame({"year": [2010, 2012, 2014, 2016], "mem_bw_gbs": [100, 200, 400, 800]})
    fits = roofline.bandwidth_growth_fits(years)
    assert fits["exponential"] == pytest.approx(1.0)
    assert fits["linear"] < fits["exponential"]
    with pytest.raises(ValueError, match="three processors"):
        roofline.bandwidth_growth_fits(years.head(2))
