"""Tests of aicompute.blas: formulas, counted bytes, MLP FLOPs, audit, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicompute import blas, claims, roofline
from aicompute.claims import Verdict


def test_formulas_by_hand():
    w = blas.axpy_work(1000, "fp64")
    assert (w.flops, w.bytes_read, w.bytes_written) == (2000, 16000, 8000)
    assert w.intensity == pytest.approx(1 / 12)
    w = blas.gemv_work(100, 50, "fp32")
    assert w.flops == 2 * 100 * 50
    assert w.bytes == 4 * (100 * 50 + 50 + 100)
    assert blas.gemv_work(100, 50, "fp32", beta=True).bytes == 4 * (100 * 50 + 50 + 200)
    w = blas.gemm_work(64, 32, 16, "bf16")
    assert w.flops == 2 * 64 * 32 * 16
    assert w.bytes == 2 * (64 * 16 + 16 * 32 + 64 * 32)
    assert blas.gemm_work(8, 8, 8, write_allocate=True).bytes == 8 * 4 * 64


@pytest.mark.parametrize("precision", ["fp64", "fp32", "bf16"])
def test_intensity_by_level(precision):
    s = blas.itemsize(precision)
    assert blas.intensity("axpy", 10**6, precision) == pytest.approx(2 / (3 * s))
    assert blas.intensity("gemv", 4096, precision) == pytest.approx(2 / s, rel=1e-3)
    for n in (16, 256, 4096):
        assert blas.intensity("gemm", n, precision) == pytest.approx(2 * n / (3 * s))
    # GEMM intensity grows with n; GEMV and AXPY do not
    assert blas.intensity("gemm", 1024, precision) > 10 * blas.intensity("gemv", 1024, precision)


def test_gemm_matches_roofline_module():
    for n in (16, 100, 1024):
        assert blas.intensity("gemm", n) == pytest.approx(roofline.gemm_intensity(n, n, n, 8))
        assert blas.gemm_work(n, n, n, beta=True).intensity == pytest.approx(
            roofline.gemm_intensity(n, n, n, 8, read_c=True)
        )


def test_intensity_table_shape():
    table = blas.intensity_table(sizes=(16, 64), precisions=("fp64", "fp32"))
    assert len(table) == 6 and list(table.columns) == ["level", "n", "fp64", "fp32"]
    assert (table["fp32"] / table["fp64"]).round(12).eq(2).all()


@pytest.mark.parametrize("op,n", [("axpy", 512), ("gemv", 64), ("gemm", 16)])
@pytest.mark.parametrize("precision", ["fp64", "fp32"])
def test_unbounded_cache_counts_the_formula(op, n, precision):
    traffic = blas.simulate_traffic(op, n, precision)
    options = {} if op == "axpy" else {"write_allocate": True}
    formula = blas.work(op, n, precision, **options)
    assert traffic.bytes == formula.bytes
    assert traffic.bytes_written == formula.bytes_written


def test_small_cache_costs_more_and_blocking_helps():
    n = 32
    formula = blas.work("gemm", n, write_allocate=True).bytes
    naive = blas.simulate_traffic("gemm", n, cache_bytes=4096)
    blocked = blas.simulate_traffic("gemm", n, cache_bytes=4096, block=8)
    assert naive.bytes > 4 * formula
    assert formula <= blocked.bytes < naive.bytes
    big = blas.simulate_traffic("gemm", n, cache_bytes=64 * 1024)  # all three matrices fit
    assert big.bytes == formula


def test_traffic_check_table():
    table = blas.traffic_check(cases=(("axpy", 256), ("gemm", 16)), blocks=(None, 4))
    assert len(table) == 3
    assert np.allclose(table["counted/formula"], 1.0)


def test_mlp_formula_matches_flop_counter():
    for widths, batch in [((20, 30, 5), 7), ((16, 8, 8, 4), 1), (blas.REFERENCE_MLP, 32)]:
        ops = blas.mlp_operations(widths, batch)
        counted = blas.torch_training_flops(widths, batch)
        assert blas.mlp_summary(ops)["gemm"] == counted["total"]
        assert set(counted["by_operator"]) <= {"addmm", "mm"}


def test_mlp_structure():
    ops = blas.mlp_operations((10, 20, 3), batch=4)
    gemms = ops[ops["kind"] == "gemm"]
    # 2 forward, 2 weight gradients, 1 input gradient (the first layer needs none)
    assert len(gemms) == 5
    assert (gemms["flops"] == 2 * gemms["m"] * gemms["n"] * gemms["k"]).all()
    summary = blas.mlp_summary(ops)
    assert summary["total"] == summary["gemm"] + summary["elementwise"]
    assert 0 < summary["gemm_share"] < 1


def test_share_grows_with_batch_and_attainable_fraction():
    table = blas.share_by_batch(
        (784, 256, 10), batches=(1, 16, 256), peak_flops=5e12, bandwidth=300e9
    )
    assert table["gemm_share"].is_monotonic_increasing
    assert table["attainable_fraction"].is_monotonic_increasing
    assert table["attainable_fraction"].iloc[0] < 0.1
    assert table["attainable_fraction"].between(0, 1).all()


def test_time_training_step_tiny():
    result = blas.time_training_step((32, 16, 4), batch=8, repeat=3)
    assert result["step_seconds"] > 0 and result["gemm_seconds"] > 0
    assert 0 < result["gemm_share_of_time"]
    assert (
        result["gemm_share_of_flops"]
        == blas.mlp_summary(blas.mlp_operations((32, 16, 4), 8))["gemm_share"]
    )


def test_streaming_bandwidth():
    table = pd.DataFrame(
        {
            "op": ["axpy", "axpy", "gemm", "gemv"],
            "bytes": [2**20, 2**28, 2**30, 2**27],
            "gbs": [90.0, 20.0, 99.0, 25.0],
        }
    )
    assert blas.streaming_bandwidth(table) == 25e9
    with pytest.raises(ValueError, match="no AXPY"):
        blas.streaming_bandwidth(table, min_bytes=2**31)
    with pytest.raises(ValueError, match="columns"):
        blas.streaming_bandwidth(table.drop(columns="gbs"))


def test_add_roofline():
    table = pd.DataFrame(
        {"precision": ["fp64", "fp64"], "intensity": [0.1, 100.0], "gflops": [1.0, 50.0]}
    )
    out = blas.add_roofline(table, bandwidth=10e9, peaks={"fp64": 100e9})
    assert out["bound_gflops"].tolist() == pytest.approx([1.0, 100.0])
    assert out["of_bound"].tolist() == pytest.approx([1.0, 0.5])
    with pytest.raises(ValueError, match="no peak"):
        blas.add_roofline(table, bandwidth=10e9, peaks={"fp32": 1e9})


def test_measure_levels_tiny():
    table = blas.measure_levels(
        ("fp64",), {"axpy": [1024], "gemm": [32]}, repeat=3, min_sample_time=0.001
    )
    assert set(table["op"]) == {"axpy", "gemm"}
    assert (table["gflops"] > 0).all()
    row = table[table["op"] == "gemm"].iloc[0]
    assert row["intensity"] == pytest.approx(blas.intensity("gemm", 32))


def test_gemm_against_scipy_tiny():
    frame = blas.gemm_against_scipy(64, rounds=2, repeat=3)
    assert len(frame) == 2 and frame["best_ratio"].iloc[1] == 1.0
    assert frame["calls"].tolist() == [6, 6]
    assert (frame["best_gflops"] > 0).all()


@pytest.mark.parametrize(
    "call",
    [
        lambda: blas.axpy_work(0),
        lambda: blas.axpy_work(2.5),
        lambda: blas.axpy_work(True),
        lambda: blas.gemv_work(4, -1),
        lambda: blas.gemm_work(4, 4, 4, "fp8"),
        lambda: blas.work("gemm3", 4),
        lambda: blas.work("axpy", 4, beta=True),
        lambda: blas.itemsize("float64"),
        lambda: blas.simulate_traffic("gemm", 200),
        lambda: blas.simulate_traffic("axpy", 64, block=4),
        lambda: blas.simulate_traffic("gemm", 16, block=32),
        lambda: blas.simulate_traffic("gemm", 16, cache_bytes=10),
        lambda: blas.simulate_traffic("gemv", 16, line_bytes=12),
        lambda: blas.mlp_operations((784,)),
        lambda: blas.mlp_operations((784, 10), batch=0),
        lambda: blas.measure_levels(("fp8",)),
        lambda: blas.measure_levels(("fp64",), {"dot": [4]}),
        lambda: blas.intensity_table(sizes=()),
        lambda: blas.mlp_summary(pd.DataFrame()),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_audit_registered_and_verdicts():
    findings = blas.audit()
    ids = [f.claim.id for f in findings]
    assert ids == sorted(set(ids), key=ids.index)  # each once
    assert set(ids) == {c.id for c in claims.registered(chapter=4)}
    verdicts = {f.claim.id: f.verdict for f in findings}
    assert verdicts["ch4.blas12-low-blas3-high"] is Verdict.HOLDS
    assert verdicts["ch4.cublas-k40-by-precision"] is Verdict.UNCHECKABLE
    assert verdicts["ch4.training-blas3-uses-peak"] is Verdict.ROUGHLY
    assert claims.audit_table(findings).counts()["holds"] == 3


def test_audit_reacts_to_the_datasheet(monkeypatch):
    """A K40 with far more bandwidth would make GEMV compute-bound: the verdict must change."""
    from aicompute import hardware

    table = hardware.datasheet().copy()
    table.loc[table["name"].str.contains("K40"), "mem_bw_gbs"] = 1e5
    monkeypatch.setattr(hardware, "datasheet", lambda: table)
    verdicts = {f.claim.id: f.verdict for f in blas.audit()}
    assert verdicts["ch4.blas12-low-blas3-high"] is Verdict.DOES_NOT_HOLD
    assert verdicts["ch4.training-blas3-uses-peak"] is Verdict.HOLDS


def test_display_table_names_every_column_in_words() -> None:
    shown = blas.display_table(blas.traffic_check(cases=(("axpy", 64),)))
    assert shown.headers[:3] == ["BLAS level", "n", "loop order"]
    assert not any("_" in header for header in shown.headers)
