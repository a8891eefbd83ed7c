"""Lab 1 helpers: FLOP/byte accounting, the NumPy emulation of the FMA kernel, roofs, fractions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicompute import gpulab_roofline as gr


def test_fma_work_counts_two_flops_per_fma_and_one_read() -> None:
    assert gr.fma_work(1000, 0, 4) == (0.0, 4000.0)
    assert gr.fma_work(1000, 8, 4) == (16000.0, 4000.0)
    assert gr.fma_work(1000, 8, 8, stores=True) == (16000.0, 16000.0)
    flops, nbytes = gr.fma_work(2**20, 256, 4)
    assert flops / nbytes == pytest.approx(128.0)  # I = 2k / itemsize


@pytest.mark.parametrize("args", [(0, 1, 4), (10, -1, 4), (10, 1.5, 4), (10, 1, 3), (True, 1, 4)])
def test_fma_work_rejects_bad_input(args) -> None:
    with pytest.raises(ValueError):
        gr.fma_work(*args)


def test_kernel_source_and_names() -> None:
    assert "template <typename T, int K>" in gr.FMA_KERNEL_SOURCE
    assert f"#define ILP {gr.ILP}" in gr.FMA_KERNEL_SOURCE
    assert "__restrict__" in gr.FMA_KERNEL_SOURCE  # read-only loads
    assert "acc[e] == sentinel" in gr.FMA_KERNEL_SOURCE  # the store the compiler must keep
    assert gr.fma_kernel_name(8) == "fma_chain<float, 8>"
    assert gr.fma_kernel_name(0, np.float64) == "fma_chain<double, 0>"
    with pytest.raises(ValueError):
        gr.fma_kernel_name(4, np.float16)
    with pytest.raises(ValueError):
        gr.fma_kernel_name(-2)


@pytest.mark.parametrize("k", [0, 1, 7, 64, 300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_chain_matches_closed_form(k, dtype) -> None:
    rng = np.random.default_rng(k)
    x = rng.uniform(0.5, 1.5, 1000).astype(dtype)
    got = gr.fma_chain_numpy(x, k, block=96)  # blocks that do not divide n
    want = gr.fma_chain_reference(x, k)
    assert got.dtype == dtype
    assert np.max(np.abs(got - want) / want) <= gr.fma_tolerance(k, dtype)


def test_closed_form_agrees_with_a_plain_loop() -> None:
    x = np.array([0.6, 1.0, 1.4])
    acc = x.copy()
    for _ in range(25):
        acc = acc * 0.9 + 0.3
    np.testing.assert_allclose(gr.fma_chain_reference(x, 25, 0.9, 0.3), acc, rtol=1e-13)
    np.testing.assert_allclose(gr.fma_chain_reference(x, 3, 1.0, 0.5), x + 1.5)


def test_chain_never_reaches_the_sentinel() -> None:
    x = np.array([0.5, 1.5])
    for k in (0, 1, 100, 1000):
        assert np.all(gr.fma_chain_reference(x, k) > 0) and gr.FMA_SENTINEL < 0


def test_numpy_chain_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        gr.fma_chain_numpy(np.ones((2, 2), np.float32), 1)
    with pytest.raises(ValueError):
        gr.fma_chain_numpy(np.ones(4, np.int32), 1)
    with pytest.raises(ValueError):
        gr.fma_chain_numpy(np.ones(4, np.float32), 1, block=0)
    with pytest.raises(ValueError):
        gr.fma_chain_numpy(np.ones(4, np.float32), 1, out=np.ones(4, np.float64))


def test_cpu_sweep_runs_checks_and_counts() -> None:
    sweep = gr.fma_sweep([0, 4, 16], 2**14, xp=np, repeat=3, block=4096)
    assert sweep.device == "cpu" and sweep.stores and sweep.busy is None
    table = sweep.table
    assert list(table["k"]) == [0, 4, 16]
    assert list(table["intensity"]) == [0.0, 1.0, 4.0]  # 2k / (4 bytes read + 4 written)
    assert (table["seconds"] > 0).all()
    assert (table["rel_error"] <= [gr.fma_tolerance(k, np.float32) for k in (0, 4, 16)]).all()


def test_sweep_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        gr.fma_sweep([], 1024, xp=np)
    with pytest.raises(ValueError):
        gr.fma_sweep([1], 0, xp=np)
    with pytest.raises(ValueError):
        gr.fma_sweep([1], 1024, xp=np, dtype=np.int32)


def test_copy_bandwidth_on_the_cpu() -> None:
    gbs, t = gr.copy_bandwidth(1 << 20, np, repeat=3)
    assert gbs > 0 and t.device == "cpu"
    with pytest.raises(ValueError):
        gr.copy_bandwidth(10, np)


def _row(**overrides) -> pd.Series:
    row = {
        "name": "Test GPU",
        "fp64_tflops": 0.25,
        "fp32_tflops": 8.1,
        "fp16_tensor_tflops": 65.0,
        "bf16_tensor_tflops": np.nan,
        "mem_bw_gbs": 320.0,
        "fp32_lanes": 2560,
        "boost_clock_mhz": 1590,
    }
    row.update(overrides)
    return pd.Series(row)


def test_roofline_from_datasheet_uses_measured_clock() -> None:
    roof = gr.roofline_from_datasheet(_row(), clock_mhz=1500)
    assert roof.peak("fp32") == pytest.approx(2 * 2560 * 1.5)  # GFLOP/s
    assert roof.peak("fp16_tensor") == pytest.approx(65000)
    assert "bf16_tensor" not in roof.peaks_gflops  # NaN: no fast BF16
    assert roof.ridge("fp32") == pytest.approx(7680 / 320)
    plain = gr.roofline_from_datasheet(_row())
    assert plain.peak("fp32") == pytest.approx(8100) and "datasheet" in plain.basis
    with pytest.raises(ValueError):
        plain.peak("int8")


def test_roofline_from_datasheet_rejects_bad_rows() -> None:
    with pytest.raises(ValueError):
        gr.roofline_from_datasheet(None)
    with pytest.raises(ValueError):
        gr.roofline_from_datasheet(_row(mem_bw_gbs=np.nan))
    with pytest.raises(ValueError):
        gr.roofline_from_datasheet(_row(), clock_mhz=-5)


def test_attainable_is_the_minimum_of_the_roofs() -> None:
    got = gr.attainable([0.0, 1.0, 10.0, 100.0], 1000.0, 50.0)
    np.testing.assert_allclose(got, [0.0, 50.0, 500.0, 1000.0])
    with pytest.raises(ValueError):
        gr.attainable([-1.0], 1000.0, 50.0)
    with pytest.raises(ValueError):
        gr.attainable([1.0], 0.0, 50.0)


def test_fraction_text_and_target() -> None:
    good = gr.fraction("copy bandwidth", 290.0, 320.0, "GB/s", 0.85)
    assert good.value == pytest.approx(290 / 320) and good.meets_target
    assert "91%" in str(good) and "meets" in str(good)
    bad = gr.fraction("FMA plateau", 5000.0, 7680.0, "GFLOP/s", 0.80)
    assert not bad.meets_target and "misses" in str(bad)
    missing = gr.fraction("tensor GEMM", None, 65000.0, "GFLOP/s", 0.70)
    assert missing.value is None and str(missing).endswith("not measured: no GPU")
    skipped = gr.fraction("BF16 GEMM", None, None, "GFLOP/s", 0.7, missing="not measured: no BF16")
    assert str(skipped) == "BF16 GEMM: not measured: no BF16"
    with pytest.raises(ValueError):
        gr.fraction("x", -1.0, 1.0, "GB/s", 0.5)
    with pytest.raises(ValueError):
        gr.fraction("x", 1.0, 1.0, "GB/s", 1.5)


def test_clock_is_not_read_without_a_gpu(monkeypatch) -> None:
    monkeypatch.setenv("AICOMPUTE_DEVICE", "cpu")
    from aicompute import backend

    backend.clear_cache()
    try:
        assert gr.sm_clock_mhz_under_load(lambda: None, seconds=0.1) is None
        with pytest.raises(ValueError):
            gr.sm_clock_mhz_under_load(lambda: None, samples=0)
    finally:
        backend.clear_cache()
