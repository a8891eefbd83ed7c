"""BLAS levels 1, 2 and 3 (AXPY, GEMV, GEMM) prepared, checked and timed on any device.

The benchmark engine behind chapter 4's CPU sweep and the GPU labs: one call of each routine is
prepared through NumPy/SciPy (the CPU's BLAS), through CuPy (cuBLAS) or through PyTorch (cuBLAS
on a GPU, its CPU BLAS otherwise), in FP64, FP32, TF32, FP16 and BF16 where the device supports
them (:func:`supported` says why not), and timed by :func:`sweep`.

Work is counted as the compulsory minimum (each operand read once, each result written once):

=====  ===============  =========================================
op     FLOPs            bytes (``s`` = bytes per element)
=====  ===============  =========================================
AXPY   ``2 n``          ``3 n s``  (read x and y, write y)
GEMV   ``2 n^2``        ``(n^2 + 2 n) s``  (read A and x, write y)
GEMM   ``2 n^3``        ``3 n^2 s``  (read A and B, write C)
=====  ===============  =========================================

Every routine is checked against a float64 NumPy result on fresh random inputs (never zeros)
before it is timed: :func:`check` returns the relative error, :data:`TOLERANCE` the bound per
precision.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicompute import backend, timing, validate

__all__ = [
    "OPS",
    "PRECISIONS",
    "LIBRARIES",
    "ITEMSIZE",
    "TOLERANCE",
    "blas_work",
    "supported",
    "Operation",
    "prepare",
    "check",
    "sweep",
    "default_sizes",
]
OPS = ("axpy", "gemv", "gemm")
PRECISIONS = ("fp64", "fp32", "tf32", "fp16", "bf16")
LIBRARIES = ("numpy", "cupy", "torch")

#: Bytes per stored element (TF32 is FP32 in memory; only the tensor-core multiply is narrower).
ITEMSIZE = {"fp64": 8, "fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2}

#: Largest accepted relative error (Frobenius norm) against float64, per precision. FP16/BF16
#: results are stored in 16 bits (unit roundoff 2^-11 and 2^-8); TF32 rounds inputs to 10 bits.
TOLERANCE = {"fp64": 1e-12, "fp32": 1e-5, "tf32": 5e-3, "fp16": 1e-2, "bf16": 3e-2}

_AXPY_ALPHA = 0.5


def _validate(op: str, n: int, precision: str) -> None:
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"size n must be a positive integer, got {n!r}")


def blas_work(op: str, n: int, precision: str = "fp64") -> tuple[float, float]:
    """``(FLOPs, bytes)`` of one call of ``op`` at size ``n`` (compulsory traffic)."""
    _validate(op, n, precision)
    s = ITEMSIZE[precision]
    n = float(n)
    if op == "axpy":
        return 2 * n, 3 * n * s
    if op == "gemv":
        return 2 * n**2, (n**2 + 2 * n) * s
    return 2 * n**3, 3 * n**2 * s


def supported(library: str, precision: str, device: str) -> tuple[bool, str]:
    """Can ``library`` run ``precision`` on ``device`` (``"cpu"`` or ``"cuda"``)? And why not."""
    if library not in LIBRARIES:
        raise ValueError(f"library must be one of {LIBRARIES}, got {library!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if library == "numpy":
        if device != "cpu":
            return False, "NumPy runs on the CPU only"
        if precision in ("fp64", "fp32"):
            return True, "NumPy/SciPy BLAS"
        return False, "NumPy's BLAS has no fast FP16/BF16/TF32 routines"
    if library == "cupy":
        if device != "cuda" or not backend.cupy_status().usable:
            return False, "CuPy needs a usable CUDA GPU"
        if precision in ("fp64", "fp32", "fp16"):
            return True, "cuBLAS through CuPy"
        return False, "CuPy has no bfloat16 arrays; TF32 is a global switch (CUPY_TF32)"
    # torch
    if device == "cuda":
        status = backend.cuda_precision_support(precision)
        if not status.usable:
            return False, status.reason
        return True, "cuBLAS through PyTorch"
    if precision in ("fp64", "fp32", "bf16"):
        return True, "PyTorch's CPU BLAS"
    return False, f"{precision.upper()} is not a fast CPU precision in PyTorch"


@dataclass
class Operation:
    """One prepared BLAS call: ``run()`` does it once; ``result()`` returns it as float64 NumPy."""

    op: str
    n: int
    library: str
    precision: str
    device: str
    run: Callable[[], object]
    result: Callable[[], np.ndarray]
    reference: Callable[[], np.ndarray]
    sync: object

    @property
    def work(self) -> tuple[float, float]:
        return blas_work(self.op, self.n, self.precision)


def _torch_dtype(precision: str):
    torch = importlib.import_module("torch")
    return {
        "fp64": torch.float64,
        "fp32": torch.float32,
        "tf32": torch.float32,
        "fp16": torch.float16,
        "bf16": torch.bfloat16,
    }[precision]


@contextlib.contextmanager
def _tf32(enabled: bool):
    """Allow (or forbid) TF32 tensor cores in PyTorch's CUDA matmuls, restoring the setting."""
    torch = importlib.import_module("torch")
    before = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before


def _operands(op: str, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Fresh float64 operands, uniform in [0.5, 1.5) times a random sign: never zero."""
    shapes = {"axpy": [(n,), (n,)], "gemv": [(n, n), (n,)], "gemm": [(n, n), (n, n)]}[op]
    arrays = []
    for shape in shapes:
        values = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        arrays.append(values)
    return arrays


def prepare(
    op: str,
    n: int,
    library: str,
    precision: str,
    device: str = "cpu",
    *,
    seed: int = 0,
) -> Operation:
    """Allocate operands for ``op`` at size ``n`` and return the call, ready to check and time."""
    _validate(op, n, precision)
    ok, why = supported(library, precision, device)
    if not ok:
        raise ValueError(f"{library} cannot run {precision} on {device}: {why}")
    rng = np.random.default_rng(seed)
    a64, b64 = _operands(op, n, rng)
    if library == "numpy":
        return _prepare_numpy(op, n, precision, a64, b64)
    if library == "cupy":
        return _prepare_cupy(op, n, precision, a64, b64)
    return _prepare_torch(op, n, precision, device, a64, b64)


def _reference(op: str, a64: np.ndarray, b64: np.ndarray) -> np.ndarray:
    if op == "axpy":
        return _AXPY_ALPHA * a64 + b64
    return a64 @ b64


def _prepare_numpy(op, n, precision, a64, b64) -> Operation:
    from scipy.linalg import blas

    dtype = np.float64 if precision == "fp64" else np.float32
    a, b = a64.astype(dtype), b64.astype(dtype)
    rounded = (a.astype(np.float64), b.astype(np.float64))
    if op == "axpy":
        axpy = blas.daxpy if dtype == np.float64 else blas.saxpy
        y = b.copy()

        def run():  # BLAS-1 in place: y <- alpha x + y
            return axpy(a, y, a=_AXPY_ALPHA)

        def fresh_result():
            y[...] = b
            run()
            return y.astype(np.float64)

        return Operation(
            op,
            n,
            "numpy",
            precision,
            "cpu",
            run,
            fresh_result,
            lambda: _reference(op, *rounded),
            np,
        )
    out = np.empty((n,) if op == "gemv" else (n, n), dtype=dtype)

    def run():
        return np.matmul(a, b, out=out)

    def result():
        run()
        return out.astype(np.float64)

    return Operation(
        op, n, "numpy", precision, "cpu", run, result, lambda: _reference(op, *rounded), np
    )


def _prepare_cupy(op, n, precision, a64, b64) -> Operation:
    cupy = importlib.import_module("cupy")
    dtype = {"fp64": np.float64, "fp32": np.float32, "fp16": np.float16}[precision]
    a = cupy.asarray(a64.astype(dtype))
    b = cupy.asarray(b64.astype(dtype))

    def rounded():  # the operands as the GPU holds them, in float64 (only when checking)
        return cupy.asnumpy(a).astype(np.float64), cupy.asnumpy(b).astype(np.float64)

    if op == "axpy":
        kernel = cupy.ElementwiseKernel(
            "T x, T alpha", "T y", "y = alpha * x + y", "aicompute_axpy"
        )
        alpha = dtype(_AXPY_ALPHA)
        y = b.copy()

        def run():  # one pass over memory: read x and y, write y
            return kernel(a, alpha, y)

        def result():
            y[...] = b
            run()
            return cupy.asnumpy(y).astype(np.float64)

        return Operation(
            op, n, "cupy", precision, "cuda", run, result, lambda: _reference(op, *rounded()), cupy
        )
    out = cupy.empty((n,) if op == "gemv" else (n, n), dtype=dtype)

    def run():  # cuBLAS gemv / gemm
        return cupy.matmul(a, b, out=out)

    def result():
        run()
        return cupy.asnumpy(out).astype(np.float64)

    return Operation(
        op, n, "cupy", precision, "cuda", run, result, lambda: _reference(op, *rounded()), cupy
    )


def _prepare_torch(op, n, precision, device, a64, b64) -> Operation:
    torch = importlib.import_module("torch")
    dtype = _torch_dtype(precision)
    dev = torch.device(device)
    a = torch.from_numpy(a64).to(device=dev, dtype=dtype)
    b = torch.from_numpy(b64).to(device=dev, dtype=dtype)

    def rounded():  # the operands as the device holds them, in float64 (only when checking)
        return a.cpu().double().numpy(), b.cpu().double().numpy()

    allow_tf32 = precision == "tf32"
    if op == "axpy":
        y = b.clone()

        def run():
            return y.add_(a, alpha=_AXPY_ALPHA)

        def result():
            y.copy_(b)
            run()
            return y.double().cpu().numpy()

        return Operation(
            op, n, "torch", precision, device, run, result, lambda: _reference(op, *rounded()), dev
        )
    out = torch.empty((n,) if op == "gemv" else (n, n), dtype=dtype, device=dev)
    call = torch.mv if op == "gemv" else torch.mm

    def run():
        if dev.type == "cuda":
            with _tf32(allow_tf32):
                return call(a, b, out=out)
        return call(a, b, out=out)

    def result():
        run()
        return out.double().cpu().numpy()

    return Operation(
        op, n, "torch", precision, device, run, result, lambda: _reference(op, *rounded()), dev
    )


def check(operation: Operation) -> float:
    """Relative error (Frobenius norm) of one call against float64 NumPy on the same inputs."""
    validate.instance("operation", operation, Operation, "an Operation from prepare()")
    got = operation.result()
    want = operation.reference()
    if got.shape != want.shape:
        raise ValueError(f"result shape {got.shape} differs from reference {want.shape}")
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def default_sizes(op: str, device: str) -> list[int]:
    """Sizes to sweep: up to memory-filling on a GPU, modest on a shared CPU."""
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device == "cuda":
        return {
            "axpy": [2**p for p in range(12, 27, 2)],  # up to 64 Mi elements (512 MiB in FP64)
            "gemv": [2**p for p in range(7, 14)],
            "gemm": [2**p for p in range(7, 13)],
        }[op]
    return {
        "axpy": [2**p for p in range(10, 26, 2)],
        "gemv": [2**p for p in range(6, 13)],
        "gemm": [2**p for p in range(5, 11)],
    }[op]


def sweep(
    combos: Iterable[tuple[str, str]],
    device: str,
    *,
    ops: Iterable[str] = OPS,
    sizes: dict[str, list[int]] | None = None,
    check_size: int = 96,
    repeat: int = 5,
    min_sample_time: float = 0.01,
    gpu_warmup_seconds: float = 0.1,
) -> pd.DataFrame:
    """Time every op at every size for each ``(library, precision)``; check each one first.

    On a GPU each call runs for ``gpu_warmup_seconds`` before it is timed, so the GPU is back
    at its working clock after the host prepared the operands.

    Returns one row per measurement: op, library, precision, device, n, flops, bytes,
    intensity (FLOP/byte), seconds (median), gflops, gbs, rel_error (from the check at
    ``check_size``). Raises ``ValueError`` if a routine's error exceeds :data:`TOLERANCE`.
    """
    combos = validate.sequence("combos", combos, "a list of (library, precision) pairs")
    if not all(isinstance(c, tuple | list) and len(c) == 2 for c in combos):
        raise ValueError(f"combos must be (library, precision) pairs, got {combos!r}")
    if check_size < 2:
        raise ValueError(f"check_size must be at least 2, got {check_size}")
    rows = []
    for library, precision in combos:
        for op in ops:
            probe = prepare(op, check_size, library, precision, device, seed=1)
            error = check(probe)
            if not error <= TOLERANCE[precision]:
                raise ValueError(
                    f"{library} {op} in {precision} is wrong: relative error {error:.2e} "
                    f"exceeds {TOLERANCE[precision]:.0e}"
                )
            del probe
            for n in (sizes or {}).get(op, default_sizes(op, device)):
                operation = prepare(op, n, library, precision, device, seed=2)
                t = timing.benchmark(
                    operation.run,
                    repeat=repeat,
                    warmup=1,
                    min_sample_time=min_sample_time,
                    gpu_warmup_seconds=gpu_warmup_seconds,
                    device=operation.sync,
                )
                flops, nbytes = operation.work
                rows.append(
                    {
                        "op": op,
                        "library": library,
                        "precision": precision,
                        "device": device,
                        "n": n,
                        "flops": flops,
                        "bytes": nbytes,
                        "intensity": flops / nbytes,
                        "seconds": t.median,
                        "gflops": flops / t.median / 1e9,
                        "gbs": nbytes / t.median / 1e9,
                        "rel_error": error,
                    }
                )
                del operation
    return pd.DataFrame(rows)
