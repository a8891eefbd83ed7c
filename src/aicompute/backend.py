"""Which array module and torch device to compute with, which GPU that is, and a label for results.

The book runs everywhere: on a laptop, on CI without a GPU and on Colab with one. Code asks
:func:`array_module` for NumPy or CuPy and :func:`torch_device` for ``cpu`` or ``cuda``. A GPU
is used only when it really works: CuPy can be installed on a machine whose driver or device is
missing, and then importing it succeeds but the first kernel fails. So each check runs a tiny
computation and falls back to the CPU on any error, remembering why.

Set the environment variable ``AICOMPUTE_DEVICE=cpu`` to force the CPU path (for a comparison,
or to reproduce CI on a GPU machine).
"""

from __future__ import annotations

import ctypes
import functools
import importlib
import os
import types
from dataclasses import dataclass

import numpy as np

from aicompute import hardware

__all__ = [
    "GpuStatus",
    "cupy_status",
    "torch_cuda_status",
    "array_module",
    "torch_device",
    "on_gpu",
    "synchronize",
    "to_numpy",
    "GpuInfo",
    "gpu_info",
    "describe_machine",
    "cuda_precision_support",
    "set_cpu_threads",
    "clear_cache",
]

FORCE_CPU_VARIABLE = "AICOMPUTE_DEVICE"


@dataclass(frozen=True)
class GpuStatus:
    """Whether a GPU library is usable here, and if not, why not."""

    usable: bool
    reason: str


def _cpu_forced() -> bool:
    value = os.environ.get(FORCE_CPU_VARIABLE, "").strip().lower()
    if value not in ("", "cpu", "auto"):
        raise ValueError(f"{FORCE_CPU_VARIABLE} must be 'cpu' or 'auto', got {value!r}")
    return value == "cpu"


@functools.cache
def cupy_status() -> GpuStatus:
    """Can CuPy run a kernel here? Never raises: a broken install reads as unusable."""
    if _cpu_forced():
        return GpuStatus(False, f"{FORCE_CPU_VARIABLE}=cpu")
    try:
        cupy = importlib.import_module("cupy")
    except Exception as error:  # ImportError, or a broken install failing at import
        return GpuStatus(False, f"CuPy not importable ({type(error).__name__})")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        if count < 1:
            return GpuStatus(False, "CuPy found no CUDA device")
        probe = cupy.arange(8, dtype=cupy.float32)
        total = float((probe * 2).sum())
        if total != 56.0:
            return GpuStatus(False, f"CuPy test kernel gave {total}, expected 56.0")
    except Exception as error:  # CUDARuntimeError, CompileException, missing libraries...
        return GpuStatus(False, f"CuPy installed but unusable: {type(error).__name__}: {error}")
    return GpuStatus(True, "CuPy ran a test kernel")


@functools.cache
def torch_cuda_status() -> GpuStatus:
    """Can PyTorch run a CUDA kernel here? Never raises."""
    if _cpu_forced():
        return GpuStatus(False, f"{FORCE_CPU_VARIABLE}=cpu")
    try:
        torch = importlib.import_module("torch")
    except Exception as error:
        return GpuStatus(False, f"PyTorch not importable ({type(error).__name__})")
    try:
        if not torch.cuda.is_available():
            return GpuStatus(False, "torch.cuda.is_available() is False")
        probe = torch.arange(8, dtype=torch.float32, device="cuda")
        total = float((probe * 2).sum().item())
        if total != 56.0:
            return GpuStatus(False, f"torch test kernel gave {total}, expected 56.0")
    except Exception as error:
        return GpuStatus(False, f"CUDA present but unusable: {type(error).__name__}: {error}")
    return GpuStatus(True, "PyTorch ran a CUDA test kernel")


def cuda_precision_support(precision: str) -> GpuStatus:
    """Can this CUDA GPU run ``precision`` (fp64, fp32, tf32, fp16, bf16) fast through PyTorch?

    TF32 and BF16 tensor cores arrived with compute capability 8.0 (Ampere). Older GPUs such as
    the T4 (7.5) get ``usable=False`` for them, even though ``torch.cuda.is_bf16_supported()``
    says yes there: it counts BF16 that is only emulated, which is slow.
    """
    if precision not in ("fp64", "fp32", "tf32", "fp16", "bf16"):
        raise ValueError(f"precision must be fp64, fp32, tf32, fp16 or bf16, got {precision!r}")
    status = torch_cuda_status()
    if not status.usable:
        return GpuStatus(False, f"no usable CUDA GPU ({status.reason})")
    if precision in ("tf32", "bf16"):
        major, _minor = importlib.import_module("torch").cuda.get_device_capability(0)
        if major < 8:
            return GpuStatus(
                False,
                f"{precision.upper()} tensor cores need compute capability 8.0 (Ampere) or newer",
            )
    return GpuStatus(True, f"{precision.upper()} on CUDA")


def clear_cache() -> None:
    """Forget the cached GPU checks (after changing ``AICOMPUTE_DEVICE``, or in tests)."""
    cupy_status.cache_clear()
    torch_cuda_status.cache_clear()


def array_module() -> types.ModuleType:
    """CuPy when it can run a kernel here, otherwise NumPy."""
    if cupy_status().usable:
        return importlib.import_module("cupy")
    return np


def on_gpu(xp: types.ModuleType) -> bool:
    """Is ``xp`` (from :func:`array_module`) a GPU array module?"""
    if not isinstance(xp, types.ModuleType):
        raise TypeError(f"xp must be an array module (numpy or cupy), got {type(xp).__name__}")
    return xp is not np


def torch_device():
    """``torch.device('cuda')`` when PyTorch can run a CUDA kernel here, else ``'cpu'``."""
    import torch

    return torch.device("cuda" if torch_cuda_status().usable else "cpu")


def synchronize(target=None) -> None:
    """Wait for queued GPU work so a clock reading is honest; a no-op on the CPU.

    ``target`` is an array module (NumPy/CuPy), a ``torch.device`` or its name, or ``None``
    (synchronise every usable GPU library).
    """
    if target is None:
        if cupy_status().usable:
            importlib.import_module("cupy").cuda.Device().synchronize()
        if torch_cuda_status().usable:
            importlib.import_module("torch").cuda.synchronize()
        return
    if isinstance(target, types.ModuleType):
        if on_gpu(target):
            target.cuda.Device().synchronize()
        return
    device_type = getattr(target, "type", target)
    if device_type not in ("cpu", "cuda"):
        raise ValueError(f"cannot synchronise {target!r}: expected an array module or a device")
    if device_type == "cuda":
        importlib.import_module("torch").cuda.synchronize()


def to_numpy(array) -> np.ndarray:
    """A NumPy copy of a NumPy, CuPy or torch array of numbers (for checking results on the
    host); NaN and infinities in it are data and are copied as they are."""
    if isinstance(array, np.ndarray):
        result = array
    elif hasattr(array, "detach"):  # torch.Tensor
        result = array.detach().cpu().numpy()
    elif hasattr(array, "get"):  # cupy.ndarray
        result = array.get()
    else:
        result = np.asarray(array)
    if result.dtype.kind not in "biufc":
        raise TypeError(f"array must hold numbers, got {type(array).__name__} of {result.dtype}")
    return result


@dataclass(frozen=True)
class GpuInfo:
    """A usable CUDA GPU as the driver reports it."""

    name: str
    memory_gib: float
    multiprocessors: int
    compute_capability: str


def gpu_info() -> GpuInfo | None:
    """The first usable CUDA GPU (via PyTorch, else CuPy), or ``None`` on a CPU-only machine."""
    if torch_cuda_status().usable:
        import torch

        props = torch.cuda.get_device_properties(0)
        return GpuInfo(
            name=props.name,
            memory_gib=props.total_memory / 2**30,
            multiprocessors=props.multi_processor_count,
            compute_capability=f"{props.major}.{props.minor}",
        )
    if cupy_status().usable:
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
        return GpuInfo(
            name=name,
            memory_gib=props["totalGlobalMem"] / 2**30,
            multiprocessors=props["multiProcessorCount"],
            compute_capability=f"{props['major']}.{props['minor']}",
        )
    return None


def describe_machine() -> str:
    """One line naming the processor(s) that produced a result, for labelling timings."""
    cpu = hardware.cpu_info()
    text = f"CPU: {cpu.model} ({cpu.logical_cores} logical cores, {cpu.simd})"
    gpu = gpu_info()
    if gpu is None:
        return f"{text}; no usable GPU"
    return f"{text}; GPU: {gpu.name} ({gpu.memory_gib:.0f} GiB)"


_OPENBLAS_SETTERS = (
    "openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "scipy_openblas_set_num_threads64_",
)
_OPENBLAS_GETTERS = tuple(name.replace("_set_", "_get_") for name in _OPENBLAS_SETTERS)


def set_cpu_threads(threads: int) -> dict[str, int]:
    """Run CPU linear algebra (NumPy, SciPy, PyTorch) on ``threads`` threads.

    Returns each library's thread count afterwards.

    Sets every OpenBLAS loaded in this process (NumPy's and SciPy's each bundle one; found in
    ``/proc/self/maps`` on Linux, as ``threadpoolctl`` does) and PyTorch's intra-op pool. On a
    shared machine, multi-threaded BLAS can stall for whole scheduler time slices when another
    process holds a core, so one thread gives a steadier, comparable baseline.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    import torch

    importlib.import_module("scipy.linalg")  # loads SciPy's own OpenBLAS, so it is set too
    torch.set_num_threads(threads)
    counts = {"torch": torch.get_num_threads()}
    maps = "/proc/self/maps"
    if not os.path.exists(maps):
        return counts
    with open(maps, encoding="utf-8", errors="replace") as handle:
        paths = sorted(
            {line.split()[-1] for line in handle if "openblas" in line.lower() and ".so" in line}
        )
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for setter, getter in zip(_OPENBLAS_SETTERS, _OPENBLAS_GETTERS, strict=True):
            if hasattr(library, setter):
                getattr(library, setter)(ctypes.c_int(threads))
                count = getattr(library, getter)() if hasattr(library, getter) else threads
                counts[os.path.basename(path).split("-")[0]] = int(count)
                break
    return counts
