"""Backend choice: a GPU library is used only when it really runs a kernel."""

from __future__ import annotations

import functools
import sys
import types

import numpy as np
import pytest

from aicompute import backend


@pytest.fixture(autouse=True)
def fresh_backend(monkeypatch):
    monkeypatch.delenv(backend.FORCE_CPU_VARIABLE, raising=False)
    backend.clear_cache()
    yield
    backend.clear_cache()


def _broken_cupy() -> types.ModuleType:
    """A CuPy that imports fine but fails at its first CUDA call, as on a machine with no GPU."""

    class CUDARuntimeError(RuntimeError):
        pass

    def no_device() -> int:
        raise CUDARuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")

    cupy = types.ModuleType("cupy")
    cupy.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=no_device))
    cupy.arange = lambda *args, **kwargs: pytest.fail("must not compute after a failed probe")
    return cupy


def _cupy_that_fails_to_compile() -> types.ModuleType:
    """A CuPy that sees a device but cannot build a kernel (driver/toolkit mismatch)."""
    cupy = types.ModuleType("cupy")
    cupy.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 1))
    cupy.float32 = np.float32

    def arange(*args, **kwargs):
        raise OSError("libnvrtc.so.12: cannot open shared object file")

    cupy.arange = arange
    return cupy


def test_missing_cupy_falls_back_to_numpy(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` raise ImportError
    status = backend.cupy_status()
    assert not status.usable and "not importable" in status.reason
    assert backend.array_module() is np
    assert not backend.on_gpu(backend.array_module())


@pytest.mark.parametrize("fake", [_broken_cupy, _cupy_that_fails_to_compile])
def test_broken_cupy_falls_back_to_numpy(monkeypatch, fake) -> None:
    monkeypatch.setitem(sys.modules, "cupy", fake())
    status = backend.cupy_status()
    assert not status.usable
    assert "unusable" in status.reason
    assert backend.array_module() is np


def test_working_cupy_is_chosen(monkeypatch) -> None:
    """A CuPy whose test kernel works is used (NumPy stands in for the device arrays)."""
    cupy = types.ModuleType("cupy")
    cupy.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 1))
    cupy.float32 = np.float32
    cupy.arange = np.arange
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    assert backend.cupy_status().usable
    assert backend.array_module() is cupy
    monkeypatch.setenv(backend.FORCE_CPU_VARIABLE, "cpu")
    backend.clear_cache()
    assert backend.array_module() is np


def test_wrong_force_value_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv(backend.FORCE_CPU_VARIABLE, "tpu")
    with pytest.raises(ValueError, match="AICOMPUTE_DEVICE"):
        backend.cupy_status()


def test_torch_device_is_cpu_without_cuda(monkeypatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert backend.torch_device().type == "cpu"
    assert "is_available" in backend.torch_cuda_status().reason


def test_broken_cuda_in_torch_falls_back(monkeypatch) -> None:
    import torch

    real_arange = torch.arange

    def arange(*args, device=None, **kwargs):
        if device == "cuda":
            raise RuntimeError("CUDA error: no kernel image is available for execution")
        return real_arange(*args, **kwargs)

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch, "arange", arange)
    assert backend.torch_device().type == "cpu"
    assert "unusable" in backend.torch_cuda_status().reason


def test_synchronize_and_to_numpy_on_cpu() -> None:
    import torch

    backend.synchronize(np)
    backend.synchronize("cpu")
    backend.synchronize(torch.device("cpu"))
    with pytest.raises(ValueError, match="synchronise"):
        backend.synchronize("tpu")
    assert backend.to_numpy(torch.ones(3)).tolist() == [1.0, 1.0, 1.0]
    assert backend.to_numpy([1, 2]).tolist() == [1, 2]


def test_describe_machine_names_the_cpu() -> None:
    line = backend.describe_machine()
    assert line.startswith("CPU: ") and "\n" not in line


@pytest.mark.parametrize(
    ("capability", "precision", "usable"),
    [
        ((7, 5), "bf16", False),
        ((7, 5), "tf32", False),
        ((7, 5), "fp16", True),
        ((8, 0), "bf16", True),
        ((9, 0), "tf32", True),
    ],
)
def test_cuda_precision_support_by_compute_capability(
    monkeypatch, capability, precision, usable
) -> None:
    """TF32/BF16 tensor cores need Ampere (8.0); a T4 (7.5) only emulates BF16."""
    import torch

    stand_in = functools.cache(lambda: backend.GpuStatus(True, "stand-in GPU"))
    monkeypatch.setattr(backend, "torch_cuda_status", stand_in)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=0: capability)
    status = backend.cuda_precision_support(precision)
    assert status.usable is usable
    if not usable:
        assert "8.0" in status.reason


def test_cuda_precision_support_without_gpu_and_bad_input(monkeypatch) -> None:
    monkeypatch.setenv(backend.FORCE_CPU_VARIABLE, "cpu")
    backend.clear_cache()
    assert not backend.cuda_precision_support("fp32").usable
    with pytest.raises(ValueError, match="precision"):
        backend.cuda_precision_support("fp8")


def test_set_cpu_threads_sets_every_library() -> None:
    import torch

    before = torch.get_num_threads()
    try:
        counts = backend.set_cpu_threads(1)
        assert counts["torch"] == 1 and torch.get_num_threads() == 1
        assert all(value == 1 for value in counts.values())
    finally:
        backend.set_cpu_threads(before)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            backend.set_cpu_threads(bad)
