"""The CuPy code paths of the labs, run against a NumPy-backed stand-in for CuPy.

No GPU is needed: the stand-in checks how the labs call CuPy (kernel names, argument order and
types, launch geometry, synchronisation) and emulates the FMA kernel's semantics with NumPy, so
that a slip in the GPU-only Python code fails here rather than on a Colab GPU. The CUDA source
itself is checked by reading and by the tests of its NumPy emulation.
"""

from __future__ import annotations

import re
import sys
import types

import numpy as np
import pytest

from aicompute import backend
from aicompute import blas_bench as bb
from aicompute import gpulab_conv as gc
from aicompute import gpulab_roofline as gr


class _Kernel:
    def __init__(self, dtype: np.dtype, k: int, log: list, ilp: int = gr.ILP):
        self.dtype, self.k, self.log, self.ilp = dtype, k, log, ilp

    def __call__(self, grid, block, args):
        x, y, n, a, b, sentinel, store_all = args
        assert isinstance(n, np.int64) and isinstance(store_all, np.int32)
        for scalar in (a, b, sentinel):
            assert isinstance(scalar, self.dtype.type), "scalar type must match the template T"
        assert x.dtype == y.dtype == self.dtype and x.size >= n and y.size >= n
        assert block == (gr.BLOCK_THREADS,) and len(grid) == 1
        assert grid[0] * block[0] * self.ilp >= n, "one pass of the grid must cover n"
        assert (grid[0] - 1) * block[0] * self.ilp < n, "no more blocks than one pass needs"
        acc = gr.fma_chain_numpy(np.ascontiguousarray(x[:n]), self.k, float(a), float(b))
        keep = np.ones(n, bool) if store_all else acc == sentinel
        y[:n][keep] = acc[keep]
        self.log.append((self.k, int(n), int(store_all)))


class _RawModule:
    log: list = []
    ilps: list = []

    def __init__(self, code, options=(), name_expressions=()):
        self.ilp = int(re.search(r"#define ILP (\d+)", code).group(1))
        assert code == gr.fma_kernel_source(self.ilp) and not any("std" in o for o in options)
        self.names = list(name_expressions)
        self.ilps.append(self.ilp)

    def get_function(self, name):
        assert name in self.names, f"{name} was not compiled"
        match = re.fullmatch(r"fma_chain<(float|double), (\d+)>", name)
        assert match, name
        dtype = np.dtype(np.float32 if match.group(1) == "float" else np.float64)
        return _Kernel(dtype, int(match.group(2)), self.log, self.ilp)


def _elementwise_kernel(in_params, out_params, operation, name):
    assert operation == "y = alpha * x + y"

    def run(x, alpha, y):
        assert isinstance(alpha, x.dtype.type)
        y += alpha * x
        return y

    return run


def _fake_cupy(synced: list) -> types.ModuleType:
    cupy = types.ModuleType("cupy")
    for name in (
        "asarray",
        "zeros",
        "empty",
        "empty_like",
        "copyto",
        "array_equal",
        "matmul",
        "pad",
        "float16",
        "float32",
        "float64",
    ):
        setattr(cupy, name, getattr(np, name))
    cupy.asnumpy = np.asarray
    cupy.RawModule = _RawModule
    cupy.ElementwiseKernel = _elementwise_kernel

    class Device:
        def synchronize(self):
            synced.append(1)

    cupy.cuda = types.SimpleNamespace(Device=Device)
    return cupy


@pytest.fixture
def fake_cupy(monkeypatch):
    synced: list = []
    cupy = _fake_cupy(synced)
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setattr(backend, "cupy_status", lambda: backend.GpuStatus(True, "fake CuPy"))
    _RawModule.log = []
    _RawModule.ilps = []
    yield cupy, synced


def test_fma_sweep_gpu_path(fake_cupy) -> None:
    cupy, synced = fake_cupy
    sweep = gr.fma_sweep([8, 0, 2], 5000, xp=cupy, repeat=3)
    assert sweep.device == "gpu" and not sweep.stores
    assert list(sweep.table["k"]) == [0, 2, 8]  # sorted: the largest k launches last
    assert list(sweep.table["intensity"]) == [0.0, 1.0, 4.0]  # 2k / 4 bytes, read only
    checks = [entry for entry in _RawModule.log if entry[2] == 1]
    assert [entry[0] for entry in checks] == [0, 2, 8]  # every k checked with store_all first
    timed = [entry for entry in _RawModule.log if entry[2] == 0]
    assert timed and all(entry[1] == 5000 for entry in timed)
    assert synced, "timings must synchronise the GPU"
    count = len(_RawModule.log)
    sweep.busy()
    assert _RawModule.log[count:] == [(8, 5000, 0)]


def test_fma_sweep_ilp_is_a_parameter(fake_cupy) -> None:
    cupy, _ = fake_cupy
    default = gr.fma_sweep([2], 5000, xp=cupy, repeat=3)
    one = gr.fma_sweep([2], 5000, xp=cupy, repeat=3, ilp=1)
    assert (default.ilp, one.ilp) == (gr.ILP, 1)
    assert _RawModule.ilps == [gr.ILP, 1]  # the kernel compiled with the chains asked for
    assert "#define ILP 1" in gr.fma_kernel_source(1)
    for bad in (0, 17, 2.0, True):
        with pytest.raises(ValueError, match="ilp"):
            gr.fma_sweep([2], 5000, xp=cupy, ilp=bad)


def test_fma_sweep_gpu_path_float64(fake_cupy) -> None:
    cupy, _ = fake_cupy
    sweep = gr.fma_sweep([4], 3000, xp=cupy, dtype=np.float64, repeat=3)
    assert sweep.table["intensity"].iloc[0] == 1.0  # 8 FLOP / 8 bytes


def test_copy_bandwidth_gpu_path(fake_cupy) -> None:
    cupy, synced = fake_cupy
    gbs, t = gr.copy_bandwidth(1 << 16, cupy, repeat=3)
    assert gbs > 0 and t.device == "gpu" and synced


def test_blas_cupy_path(fake_cupy, monkeypatch) -> None:
    assert bb.supported("cupy", "fp16", "cuda")[0]
    assert not bb.supported("cupy", "bf16", "cuda")[0]
    for op in bb.OPS:
        for precision in ("fp64", "fp32", "fp16"):
            operation = bb.prepare(op, 48, "cupy", precision, "cuda", seed=3)
            assert bb.check(operation) <= bb.TOLERANCE[precision]
            operation.run()
    table = bb.sweep(
        [("cupy", "fp32")], "cuda", sizes={"axpy": [64], "gemv": [16], "gemm": [8]}, repeat=3
    )
    assert list(table["device"]) == ["cuda"] * 3


def test_conv_layer_with_cupy_module(fake_cupy) -> None:
    from aicompute.im2col import ConvShape

    cupy, _ = fake_cupy
    row = gc.time_layer(
        ConvShape(4, 8, 3, padding=1, height=7, width=7), xp=cupy, device="cpu", repeat=3
    )
    assert row["xp"] == "cupy"


def test_clock_under_load_reads_while_busy(fake_cupy, monkeypatch) -> None:
    launches = []
    readings = iter([1500.0, None, 1400.0, 1450.0, 1480.0])
    monkeypatch.setattr(gr.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(gr, "_query_sm_clock_mhz", lambda: next(readings))
    clock = gr.sm_clock_mhz_under_load(lambda: launches.append(1), seconds=0.05, samples=5)
    assert clock == 1465.0  # median of the four readings that came back
    assert launches, "the GPU must be kept busy while the clock is read"
