"""STREAM-style bandwidth, GEMM rate and the rank-k sweep: byte and FLOP accounting, validation.

Rates depend on the machine, so these tests check what is deterministic (bytes, FLOPs,
intensities, results of the kernels) and only that rates are positive and finite.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import numpy as np
import pytest

from aicompute import membench


@pytest.mark.parametrize(
    ("kind", "stream", "with_allocate", "flops"),
    [("copy", 16, 24, 0), ("scale", 16, 24, 1), ("add", 24, 32, 1), ("triad", 24, 32, 2)],
)
def test_stream_bytes_follow_streams_convention(kind, stream, with_allocate, flops) -> None:
    n = 1000
    assert membench.stream_bytes(kind, n) == stream * n
    assert membench.stream_bytes(kind, n, write_allocate=True) == with_allocate * n
    assert membench.stream_bytes(kind, n, itemsize=4) == stream * n // 2
    assert membench.stream_flops(kind, n) == flops * n


def test_stream_accounting_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="kind"):
        membench.stream_bytes("daxpy", 10)
    with pytest.raises(ValueError, match="n"):
        membench.stream_bytes("copy", 0)
    with pytest.raises(ValueError, match="itemsize"):
        membench.stream_bytes("copy", 10, itemsize=2.5)


@pytest.mark.parametrize("kind", sorted(membench.STREAM_KINDS))
def test_measure_bandwidth_small(kind) -> None:
    # n not a multiple of the block or of the thread count: exercises the ragged edges
    result = membench.measure_bandwidth(kind, n=100_003, threads=2, repeat=3, block=4096)
    assert result.bytes == membench.stream_bytes(kind, 100_003)
    assert result.bytes_with_write_allocate > result.bytes
    assert result.threads == 2 and result.timing.device == "cpu"
    for rate in (result.rate, result.best_rate, result.rate_with_write_allocate):
        assert math.isfinite(rate) and rate > 0
    assert result.best_rate >= result.rate
    assert result.intensity == pytest.approx(
        membench.stream_flops(kind, 1) / membench.stream_bytes(kind, 1)
    )


def test_measure_bandwidth_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="kind"):
        membench.measure_bandwidth("daxpy", n=4096)
    with pytest.raises(ValueError, match="threads"):
        membench.measure_bandwidth("copy", n=4096, threads=0)
    with pytest.raises(ValueError, match="n"):
        membench.measure_bandwidth("copy", n=10)
    with pytest.raises(ValueError, match="dtype"):
        membench.measure_bandwidth("copy", n=4096, dtype="int8")
    with pytest.raises(ValueError, match="repeat"):
        membench.measure_bandwidth("copy", n=4096, repeat=1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_measure_gemm_counts_flops_and_intensity(dtype) -> None:
    result = membench.measure_gemm_flops(96, dtype, repeat=3)
    assert result.flops == 2 * 96**3
    itemsize = np.dtype(dtype).itemsize
    assert result.intensity == pytest.approx(2 * 96**3 / (3 * 96**2 * itemsize))
    assert result.rate > 0 and result.best_rate >= result.rate
    scipy_result = membench.measure_gemm_flops_scipy(96, dtype, repeat=3)
    assert scipy_result.flops == result.flops and scipy_result.library.startswith("scipy")
    with pytest.raises(ValueError, match="dtype"):
        membench.measure_gemm_flops(64, "complex128")
    with pytest.raises(ValueError, match="n"):
        membench.measure_gemm_flops(4)


def test_rank_k_bytes_and_sweep() -> None:
    assert membench.rank_k_bytes(100, 1) == 8 * (200 + 10_000)
    assert membench.rank_k_bytes(100, 1, write_allocate=True) == 8 * (200 + 20_000)
    frame = membench.rank_k_sweep(ks=(1, 4, 16), m=128, repeat=3)
    assert list(frame["k"]) == [1, 4, 16]
    assert frame["intensity"].is_monotonic_increasing
    assert list(frame["flops"]) == [2 * 128 * 128 * k for k in (1, 4, 16)]
    assert (frame["gflops"] > 0).all()
    with pytest.raises(ValueError, match="k"):
        membench.rank_k_sweep(ks=(0,), m=64)
    with pytest.raises(ValueError, match="empty"):
        membench.rank_k_sweep(ks=(), m=64)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build the C reference")
def test_c_stream_builds_runs_and_checks_itself(tmp_path) -> None:
    """The compiled reference (STREAM_C_SOURCE) runs and reports four positive rates."""
    binary = membench.compile_c_stream(tmp_path)
    assert binary is not None and binary.exists()
    rates = membench.run_c_stream(binary, n=65536, threads=2, ntimes=3)
    assert set(rates) == set(membench.STREAM_KINDS)
    assert all(best >= median > 0 for best, median in rates.values())
    bad = subprocess.run([str(binary), "10", "3"], capture_output=True, text=True)
    assert bad.returncode == 2 and re.search("N >= 1024", bad.stderr)
    with pytest.raises(ValueError, match="ntimes"):
        membench.run_c_stream(binary, n=65536, ntimes=1)
    with pytest.raises(ValueError, match="does not exist"):
        membench.compile_c_stream(tmp_path / "missing")
    assert membench.compile_c_stream(tmp_path, compiler="no-such-compiler-here") is None
    if shutil.which("false"):  # a "compiler" that always fails
        assert membench.compile_c_stream(tmp_path, compiler="false") is None


def test_measure_machine_small() -> None:
    has_gcc = shutil.which("gcc") is not None
    machine = membench.measure_machine(
        n=2**16,
        gemm_n=64,
        ks=(1, 8),
        m=64,
        degrees=(1, 4),
        kinds=("copy", "triad"),
        repeat=3,
        rounds=2,
        reference=has_gcc,
    )
    assert machine.bandwidth == max(r.best_rate for r in machine.streams)
    best_product = 1e9 * machine.sweep["gflops_best"].max()
    assert machine.peak == max(machine.gemm.best_rate, best_product)
    assert machine.ridge == pytest.approx(machine.peak / machine.bandwidth)
    table = machine.kernels
    assert list(table["kernel"]) == [
        "STREAM triad",
        "Horner degree 1",
        "Horner degree 4",
        "rank-1 product",
        "rank-8 product",
        "GEMM n=64",
    ]
    assert (table["bound_gflops"] <= machine.peak / 1e9 * (1 + 1e-12)).all()
    np.testing.assert_allclose(table["gbs"] * table["intensity"], table["gflops"])
    assert "CPU" in machine.machine
    checks = machine.checks
    assert machine.reference_gemm is not None
    assert checks["quantity"].iloc[-1] == "GEMM n=64 (GFLOP/s)"
    np.testing.assert_allclose(checks["ratio"], checks["ours"] / checks["standard tool"])
    if shutil.which("gcc"):
        assert list(checks["quantity"][:3]) == [
            "STREAM copy (GB/s)",
            "STREAM triad (GB/s)",
            "bandwidth roof (GB/s)",
        ]
    quick = membench.measure_machine(
        n=2**16, gemm_n=32, ks=(1,), m=32, degrees=(1,), repeat=3, rounds=1, reference=False
    )
    assert quick.checks.empty and quick.reference_streams is None
    # the estimated peak is at the measured clock, the nominal one kept beside it
    assert machine.peak_estimate is not None
    assert machine.estimated_peak == machine.peak_estimate.measured
    unmeasured = membench.measure_machine(
        n=2**16,
        gemm_n=32,
        ks=(1,),
        m=32,
        degrees=(1,),
        repeat=3,
        rounds=1,
        reference=False,
        clock=False,
    )
    assert unmeasured.peak_estimate is None
    with pytest.raises(ValueError, match="rounds"):
        membench.measure_machine(n=2**16, rounds=0)


def test_polynomial_sweep_intensity_and_validation() -> None:
    np.testing.assert_allclose(membench.polynomial_coefficients(2), [1, 1 / 2, 1 / 3])
    # odd n, a block that does not divide it, one and two threads: every point is evaluated
    for threads in (1, 2):
        frame = membench.polynomial_sweep((1, 3, 8), n=10_007, threads=threads, block=1000)
        assert list(frame["intensity"]) == [1 / 8, 3 / 8, 1.0]
        assert list(frame["flops"]) == [2 * d * 10_007 for d in (1, 3, 8)]
        assert (frame["bytes"] == 16 * 10_007).all() and (frame["gflops"] > 0).all()
    with pytest.raises(ValueError, match="degree"):
        membench.polynomial_sweep((0,), n=4096)
    with pytest.raises(ValueError, match="empty"):
        membench.polynomial_sweep((), n=4096)
    with pytest.raises(ValueError, match="block"):
        membench.polynomial_sweep((1,), n=4096, block=8)


def test_horner_blocks_match_polyval() -> None:
    x = np.random.default_rng(5).random(5000)
    y = np.zeros_like(x)
    coef = membench.polynomial_coefficients(6)
    membench._horner_blocks(x, y, coef, slice(0, 5000), np.empty(700), 700)
    np.testing.assert_allclose(y, np.polyval(coef, x))
