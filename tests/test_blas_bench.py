"""The BLAS benchmark engine: work counts, support matrix, correctness checks, the CPU sweep."""

from __future__ import annotations

import numpy as np
import pytest

from aicompute import blas_bench as bb


def test_work_counts() -> None:
    assert bb.blas_work("axpy", 100, "fp64") == (200.0, 2400.0)
    assert bb.blas_work("gemv", 10, "fp32") == (200.0, 480.0)
    assert bb.blas_work("gemm", 10, "fp16") == (2000.0, 600.0)
    # intensity: BLAS-1 and -2 stay below 1 FLOP/byte, BLAS-3 grows with n
    for n in (64, 1024, 8192):
        assert np.divide(*bb.blas_work("axpy", n, "fp32")) == pytest.approx(1 / 6)
        assert np.divide(*bb.blas_work("gemv", n, "fp32")) < 0.5
    assert np.divide(*bb.blas_work("gemm", 4096, "fp32")) == pytest.approx(4096 / 6)


@pytest.mark.parametrize("args", [("dot", 10), ("gemm", 0), ("gemm", 2.5), ("axpy", True)])
def test_work_rejects_bad_input(args) -> None:
    with pytest.raises(ValueError):
        bb.blas_work(*args)
    with pytest.raises(ValueError):
        bb.blas_work("gemm", 10, "fp8")


def test_support_matrix_on_the_cpu(monkeypatch) -> None:
    monkeypatch.setenv("AICOMPUTE_DEVICE", "cpu")
    from aicompute import backend

    backend.clear_cache()
    try:
        assert bb.supported("numpy", "fp64", "cpu")[0]
        assert not bb.supported("numpy", "fp16", "cpu")[0]
        assert bb.supported("torch", "bf16", "cpu")[0]
        assert not bb.supported("torch", "tf32", "cpu")[0]
        ok, why = bb.supported("cupy", "fp32", "cuda")
        assert not ok and "GPU" in why
        assert not bb.supported("torch", "fp16", "cuda")[0]
        with pytest.raises(ValueError):
            bb.supported("mkl", "fp32", "cpu")
        with pytest.raises(ValueError):
            bb.supported("torch", "fp32", "tpu")
        with pytest.raises(ValueError):
            bb.prepare("gemm", 8, "numpy", "bf16", "cpu")
    finally:
        backend.clear_cache()


@pytest.mark.parametrize(
    "library, precision",
    [
        ("numpy", "fp64"),
        ("numpy", "fp32"),
        ("torch", "fp64"),
        ("torch", "fp32"),
        ("torch", "bf16"),
    ],
)
@pytest.mark.parametrize("op", bb.OPS)
def test_every_cpu_routine_passes_its_check(op, library, precision) -> None:
    operation = bb.prepare(op, 40, library, precision, "cpu", seed=5)
    error = bb.check(operation)
    assert 0 <= error <= bb.TOLERANCE[precision]
    if precision != "fp64":
        assert error > 0  # rounded: a check that cannot see rounding could not see a bug
    operation.run()  # timed path runs too


def test_check_catches_a_wrong_result() -> None:
    operation = bb.prepare("gemm", 16, "numpy", "fp64", "cpu")
    operation.result = lambda: np.zeros((16, 16))
    assert bb.check(operation) == pytest.approx(1.0)


def test_operands_are_never_zero() -> None:
    a, b = bb._operands("gemm", 50, np.random.default_rng(0))
    assert np.min(np.abs(a)) >= 0.5 and np.min(np.abs(b)) >= 0.5


def test_axpy_is_in_place_and_repeatable() -> None:
    operation = bb.prepare("axpy", 1000, "numpy", "fp64", "cpu")
    first = operation.result()
    second = operation.result()
    np.testing.assert_array_equal(first, second)  # result() restarts from fresh y


def test_small_cpu_sweep() -> None:
    table = bb.sweep(
        [("numpy", "fp32")], "cpu", sizes={"axpy": [256], "gemv": [32], "gemm": [16]}, repeat=3
    )
    assert list(table["op"]) == ["axpy", "gemv", "gemm"]
    assert (table["gflops"] > 0).all()
    assert table.loc[table["op"] == "gemm", "intensity"].iloc[0] == pytest.approx(16 / 6)
    with pytest.raises(ValueError):
        bb.sweep([("numpy", "fp32")], "cpu", check_size=1)


def test_default_sizes() -> None:
    assert bb.default_sizes("gemm", "cpu")[-1] < bb.default_sizes("gemm", "cuda")[-1]
    with pytest.raises(ValueError):
        bb.default_sizes("gemm", "gpu")
    with pytest.raises(ValueError):
        bb.default_sizes("trsm", "cpu")
