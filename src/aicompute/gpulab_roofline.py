"""Measure a processor's roofline: memory bandwidth, an FMA intensity sweep, the tensor roof.

The roofline model says a kernel of arithmetic intensity ``I`` (FLOP per byte of memory traffic)
attains at most ``min(peak FLOP/s, bandwidth x I)``. Lab 1 measures both roofs and the bend:

* **bandwidth** from a large device-to-device copy (``2 x nbytes`` moved per copy);
* **the bend**, with a mixbench-style kernel (Konstantinidis and Cotronis, 2017): every thread
  loads elements once (read-only, coalesced), applies ``k`` *dependent* fused multiply-adds
  ``acc = acc * a + b`` to each, and stores the result only when it equals a sentinel the
  inputs can never reach. The compiler cannot prove the store dead, so it keeps the work, and
  the traffic is the read alone: ``I = 2k / itemsize``. Sweeping ``k`` from 0 to several hundred
  walks from the memory roof to the compute roof;
* **the tensor roof**, from large FP16/BF16 matrix products (see :mod:`aicompute.blas_bench`).

On a GPU the kernel is compiled by CuPy (:data:`FMA_KERNEL_SOURCE`, one template instance per
``k``). Without one, :func:`fma_chain_numpy` runs the same dependent chain in NumPy, block by
block so each block stays in cache while its ``k`` operations run; it also stores every block,
so its byte count includes the write (``stores=True``).
"""

from __future__ import annotations

import importlib
import math
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicompute import backend, timing, validate

__all__ = [
    "FMA_KERNEL_SOURCE",
    "ILP",
    "fma_kernel_source",
    "BLOCK_THREADS",
    "fma_kernel_name",
    "fma_work",
    "fma_chain_reference",
    "fma_chain_numpy",
    "fma_tolerance",
    "FmaSweep",
    "fma_sweep",
    "copy_bandwidth",
    "Roofline",
    "roofline_from_datasheet",
    "attainable",
    "sm_clock_mhz_under_load",
    "Fraction",
    "fraction",
]

#: Independent chains per thread (instruction-level parallelism hides the FMA latency).
ILP = 4
#: Threads per block of the CUDA kernel.
BLOCK_THREADS = 256

# Values of the chain: inputs in [0.5, 1.5); with 0 < a < 1 and b > 0 every iterate stays
# positive and bounded, so the sentinel -1 is never reached and no result is stored when timing.
FMA_A = 0.999
FMA_B = 0.001
FMA_SENTINEL = -1.0

FMA_KERNEL_SOURCE = r"""
// mixbench-style arithmetic-intensity kernel (aicompute.gpulab_roofline).
// Each thread loads ILP elements (coalesced: neighbouring threads read neighbouring addresses),
// applies K dependent fused multiply-adds to each, and stores only if the result equals the
// sentinel (never, for the inputs used) unless store_all is set for the correctness check.
// Traffic while timing: one read per element. FLOPs: 2 K per element.
#define ILP 4

__device__ __forceinline__ float fma_op(float x, float a, float b) { return fmaf(x, a, b); }
__device__ __forceinline__ double fma_op(double x, double a, double b) { return fma(x, a, b); }

template <typename T, int K>
__global__ void fma_chain(const T* __restrict__ x, T* __restrict__ y, const long long n,
                          const T a, const T b, const T sentinel, const int store_all) {
    const long long threads = (long long)gridDim.x * blockDim.x;
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    for (long long base = first; base < n; base += threads * ILP) {
        T acc[ILP];
#pragma unroll
        for (int e = 0; e < ILP; ++e) {
            const long long i = base + e * threads;
            acc[e] = (i < n) ? x[i] : T(1);
        }
#pragma unroll
        for (int j = 0; j < K; ++j) {
#pragma unroll
            for (int e = 0; e < ILP; ++e) {
                acc[e] = fma_op(acc[e], a, b);
            }
        }
#pragma unroll
        for (int e = 0; e < ILP; ++e) {
            const long long i = base + e * threads;
            if (i < n && (store_all || acc[e] == sentinel)) {
                y[i] = acc[e];
            }
        }
    }
}
"""

_CUDA_TYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in _CUDA_TYPES:
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k (FMAs per element) must be a non-negative integer, got {k!r}")
    return int(k)


def fma_kernel_name(k: int, dtype=np.float32) -> str:
    """The template instance of :data:`FMA_KERNEL_SOURCE` for ``k`` FMAs per element.

    For example ``fma_chain<float, 8>``: CuPy compiles it from ``name_expressions``.
    """
    return f"fma_chain<{_CUDA_TYPES[_check_dtype(dtype)]}, {_check_k(k)}>"


def fma_work(n: int, k: int, itemsize: int, *, stores: bool = False) -> tuple[float, float]:
    """``(FLOPs, bytes)`` of the sweep kernel over ``n`` elements with ``k`` FMAs each.

    An FMA counts two FLOPs. Bytes: one read per element, plus one write if ``stores``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    k = _check_k(k)
    if itemsize not in (2, 4, 8):
        raise ValueError(f"itemsize must be 2, 4 or 8 bytes, got {itemsize!r}")
    return 2.0 * k * n, float(n * itemsize * (2 if stores else 1))


def fma_chain_reference(x: np.ndarray, k: int, a: float = FMA_A, b: float = FMA_B) -> np.ndarray:
    """The exact chain in float64, closed form: ``a^k x + b (1 - a^k) / (1 - a)``."""
    k = _check_k(k)
    if a == 1.0:
        return np.asarray(x, dtype=np.float64) + k * b
    ak = a**k
    return ak * np.asarray(x, dtype=np.float64) + b * (1.0 - ak) / (1.0 - a)


def fma_chain_numpy(
    x: np.ndarray,
    k: int,
    a: float = FMA_A,
    b: float = FMA_B,
    *,
    out: np.ndarray | None = None,
    block: int = 65536,
) -> np.ndarray:
    """The kernel's dependent chain in NumPy: ``k`` times ``acc = acc * a + b`` per element.

    Works block by block (``block`` elements) so the block stays in cache during its ``k``
    steps: each element is loaded from memory once and stored once, as on the GPU with
    ``store_all``. NumPy rounds after the multiply and after the add (no fused FMA).
    """
    k = _check_k(k)
    x = np.asarray(x)
    if x.ndim != 1 or x.dtype not in (np.float32, np.float64):
        raise ValueError(f"x must be a 1-D float32 or float64 array, got {x.dtype} {x.shape}")
    if block < 1:
        raise ValueError(f"block must be positive, got {block}")
    if out is None:
        out = np.empty_like(x)
    elif out.shape != x.shape or out.dtype != x.dtype:
        raise ValueError("out must have the shape and dtype of x")
    a_, b_ = x.dtype.type(a), x.dtype.type(b)
    for start in range(0, x.size, block):
        acc = out[start : start + block]
        np.copyto(acc, x[start : start + block])
        for _ in range(k):
            acc *= a_
            acc += b_
    return out


def fma_tolerance(k: int, dtype) -> float:
    """Relative error bound for ``k`` chained steps: each rounds at most twice, and
    ``|a| < 1`` damps older errors, so ``2 (k + 1)`` unit roundoffs bound it."""
    return 2.0 * (_check_k(k) + 1) * float(np.finfo(_check_dtype(dtype)).eps)


@dataclass(frozen=True)
class FmaSweep:
    """A measured sweep: one row per ``k`` (``table``), and how it was run."""

    table: pd.DataFrame
    device: str
    n: int
    dtype: str
    stores: bool
    #: queues the largest-``k`` kernel once (GPU only), to hold the GPU busy while the SM
    #: clock is read (:func:`sm_clock_mhz_under_load`); ``None`` on the CPU.
    busy: Callable[[], object] | None = None
    #: independent chains per thread of the GPU kernel; ``None`` on the CPU.
    ilp: int | None = None


def fma_kernel_source(ilp: int = ILP) -> str:
    """The CUDA source of the sweep's kernel with ``ilp`` independent chains per thread."""
    if isinstance(ilp, bool) or not isinstance(ilp, (int, np.integer)) or not 1 <= ilp <= 16:
        raise ValueError(f"ilp (chains per thread) must be an integer from 1 to 16, got {ilp!r}")
    return FMA_KERNEL_SOURCE.replace(f"#define ILP {ILP}", f"#define ILP {int(ilp)}")


def _gpu_sweep(ks, n, dtype, repeat, ilp) -> list[dict]:
    cupy = importlib.import_module("cupy")
    names = [fma_kernel_name(k, dtype) for k in ks]
    # No -std flag: the kernel needs only templates, which NVRTC's default dialect has (C++17
    # since CUDA 11), and a named dialect can be one that a newer NVRTC has dropped.
    module = cupy.RawModule(code=fma_kernel_source(ilp), name_expressions=names)
    scalar = dtype.type
    grid = math.ceil(n / (BLOCK_THREADS * ilp))
    rng = np.random.default_rng(7)
    x = cupy.asarray(rng.uniform(0.5, 1.5, n).astype(dtype))
    y = cupy.zeros(n, dtype=dtype)
    # correctness first, on a slice, with every result stored
    small = min(n, 1 << 16)
    x_small = x[:small].copy()
    rows = []
    for k, name in zip(ks, names, strict=True):
        kernel = module.get_function(name)
        check_out = cupy.zeros(small, dtype=dtype)
        kernel(
            (math.ceil(small / (BLOCK_THREADS * ilp)),),
            (BLOCK_THREADS,),
            (
                x_small,
                check_out,
                np.int64(small),
                scalar(FMA_A),
                scalar(FMA_B),
                scalar(FMA_SENTINEL),
                np.int32(1),
            ),
        )
        want = fma_chain_reference(cupy.asnumpy(x_small), k)
        error = float(np.max(np.abs(cupy.asnumpy(check_out) - want) / np.abs(want)))
        if not error <= fma_tolerance(k, dtype):
            raise ValueError(f"FMA kernel k={k} is wrong: relative error {error:.2e}")

        def launch(kernel=kernel):
            kernel(
                (grid,),
                (BLOCK_THREADS,),
                (
                    x,
                    y,
                    np.int64(n),
                    scalar(FMA_A),
                    scalar(FMA_B),
                    scalar(FMA_SENTINEL),
                    np.int32(0),
                ),
            )

        t = timing.benchmark(launch, repeat=repeat, warmup=2, device=cupy)
        rows.append(_row(k, n, dtype, t.median, error, stores=False))
    return rows, launch


def _cpu_sweep(ks, n, dtype, repeat, block) -> list[dict]:
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 1.5, n).astype(dtype)
    out = np.empty_like(x)
    small = x[:4096]
    rows = []
    for k in ks:
        want = fma_chain_reference(small, k)
        got = fma_chain_numpy(small, k)
        error = float(np.max(np.abs(got - want) / np.abs(want)))
        if not error <= fma_tolerance(k, dtype):
            raise ValueError(f"NumPy FMA chain k={k} is wrong: relative error {error:.2e}")
        t = timing.benchmark(
            lambda k=k: fma_chain_numpy(x, k, out=out, block=block),
            repeat=repeat,
            warmup=1,
            number=1,
            device=np,
        )
        rows.append(_row(k, n, dtype, t.median, error, stores=True))
    return rows


def _row(k, n, dtype, seconds, error, *, stores) -> dict:
    flops, nbytes = fma_work(n, k, dtype.itemsize, stores=stores)
    return {
        "k": k,
        "flops": flops,
        "bytes": nbytes,
        "intensity": flops / nbytes,
        "seconds": seconds,
        "gflops": flops / seconds / 1e9,
        "gbs": nbytes / seconds / 1e9,
        "rel_error": error,
    }


def fma_sweep(
    ks: Sequence[int],
    n: int,
    *,
    dtype=np.float32,
    xp=None,
    repeat: int = 5,
    block: int = 65536,
    ilp: int = ILP,
) -> FmaSweep:
    """Run the intensity sweep for each ``k`` on ``xp`` (CuPy kernel or NumPy emulation).

    Every ``k`` is first checked against the float64 closed form (:func:`fma_chain_reference`).
    ``ilp`` sets the GPU kernel's independent chains per thread (the grid grows to match, so
    one pass still covers ``n``); the NumPy emulation has no such choice and records ``None``.
    """
    dtype = _check_dtype(dtype)
    fma_kernel_source(ilp)  # validates ilp on every device
    ks = [_check_k(k) for k in validate.sequence("ks", ks, "a list of chain lengths")]
    if not ks:
        raise ValueError("give at least one k")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    xp = xp if xp is not None else backend.array_module()
    if backend.on_gpu(xp):
        order = sorted(ks)  # the last kernel launched (largest k) keeps the GPU busy later
        rows, busy = _gpu_sweep(order, n, dtype, repeat, ilp)
        return FmaSweep(pd.DataFrame(rows), "gpu", n, dtype.name, False, busy, ilp)
    rows = _cpu_sweep(ks, n, dtype, repeat, block)
    return FmaSweep(pd.DataFrame(rows), "cpu", n, dtype.name, True)


def copy_bandwidth(nbytes: int, xp=None, *, repeat: int = 7) -> tuple[float, timing.Timing]:
    """Bandwidth (GB/s) of copying one ``nbytes`` array into another on ``xp``'s device.

    A copy reads and writes every byte, so it moves ``2 x nbytes``. Choose ``nbytes`` well above
    the last-level cache. The copy is checked (the destination equals the source) before timing.
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)) or nbytes < 1024:
        raise ValueError(f"nbytes must be an integer of at least 1024, got {nbytes!r}")
    xp = xp if xp is not None else backend.array_module()
    count = int(nbytes) // 4
    rng = np.random.default_rng(3)
    src = xp.asarray(rng.random(count, dtype=np.float32) + np.float32(0.5))  # never zero
    dst = xp.empty_like(src)
    xp.copyto(dst, src)
    if not bool(xp.array_equal(dst, src)):
        raise ValueError("device copy produced a different array")
    t = timing.benchmark(lambda: xp.copyto(dst, src), repeat=repeat, warmup=2, device=xp)
    return 2 * count * 4 / t.median / 1e9, t


@dataclass(frozen=True)
class Roofline:
    """Roofs of one processor: bandwidth (GB/s) and peaks (GFLOP/s) by precision."""

    name: str
    bandwidth_gbs: float
    peaks_gflops: dict[str, float]
    basis: str

    def __post_init__(self) -> None:
        if not (self.bandwidth_gbs > 0 and math.isfinite(self.bandwidth_gbs)):
            raise ValueError(f"bandwidth must be positive, got {self.bandwidth_gbs}")
        for key, value in self.peaks_gflops.items():
            if not (value > 0 and math.isfinite(value)):
                raise ValueError(f"peak {key} must be positive, got {value}")

    def ridge(self, precision: str = "fp32") -> float:
        """Intensity (FLOP/byte) where the memory roof meets the ``precision`` roof."""
        return self.peak(precision) / self.bandwidth_gbs

    def peak(self, precision: str) -> float:
        try:
            return self.peaks_gflops[precision]
        except KeyError:
            raise ValueError(
                f"no {precision!r} roof for {self.name}; have {sorted(self.peaks_gflops)}"
            ) from None


def _number(row, column: str) -> float | None:
    value = row.get(column) if hasattr(row, "get") else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def roofline_from_datasheet(row, clock_mhz: float | None = None) -> Roofline:
    """The datasheet roofline of a ``hardware.lookup`` row.

    FP32 peak: ``2 x fp32_lanes x clock`` at ``clock_mhz`` when both are known (the measured
    clock: a GPU under load rarely holds its boost clock), else the datasheet ``fp32_tflops``.
    Tensor roofs (dense) from ``fp16_tensor_tflops`` and ``bf16_tensor_tflops``; FP64 from
    ``fp64_tflops``; bandwidth from ``mem_bw_gbs``.
    """
    if row is None:
        raise ValueError("no datasheet row: this device is not in the hardware table")
    validate.instance("row", row, (pd.Series, Mapping), "a datasheet row (hardware.lookup)")
    bandwidth = _number(row, "mem_bw_gbs")
    if bandwidth is None:
        raise ValueError(f"datasheet row {row.get('name')!r} has no mem_bw_gbs")
    peaks: dict[str, float] = {}
    lanes = _number(row, "fp32_lanes")
    if clock_mhz is not None and not (clock_mhz > 0 and math.isfinite(clock_mhz)):
        raise ValueError(f"clock_mhz must be positive, got {clock_mhz}")
    if clock_mhz is not None and lanes is not None:
        peaks["fp32"] = 2 * lanes * clock_mhz * 1e6 / 1e9
        basis = f"FP32 = 2 x {lanes:.0f} lanes x {clock_mhz:.0f} MHz"
    else:
        fp32 = _number(row, "fp32_tflops")
        if fp32 is not None:
            peaks["fp32"] = fp32 * 1e3
        basis = "datasheet FP32 (boost clock)"
    for precision, column in (
        ("fp64", "fp64_tflops"),
        ("fp16_tensor", "fp16_tensor_tflops"),
        ("bf16_tensor", "bf16_tensor_tflops"),
    ):
        value = _number(row, column)
        if value is not None:
            peaks[precision] = value * 1e3
    return Roofline(str(row.get("name")), bandwidth, peaks, basis)


def attainable(intensity, peak_gflops: float, bandwidth_gbs: float) -> np.ndarray:
    """Roofline bound ``min(peak, bandwidth x intensity)`` in GFLOP/s."""
    peak_gflops = validate.positive_number("peak_gflops", peak_gflops)
    bandwidth_gbs = validate.positive_number("bandwidth_gbs", bandwidth_gbs)
    intensity = validate.finite_array("intensity", intensity, allow_negative=False)
    return np.minimum(peak_gflops, bandwidth_gbs * intensity)


def _query_sm_clock_mhz() -> float | None:
    if shutil.which("nvidia-smi") is None:
        return None
    result = subprocess.run(
        ["nvidia-smi", "--id=0", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    try:
        return float(result.stdout.strip().splitlines()[0])
    except (ValueError, IndexError):
        return None


def sm_clock_mhz_under_load(
    launch: Callable[[], object], *, seconds: float = 1.0, samples: int = 5
) -> float | None:
    """Median SM clock (MHz) that ``nvidia-smi`` reports while ``launch`` keeps the GPU busy.

    ``launch`` queues GPU work (asynchronously); it is called repeatedly, in this thread, while a
    second thread reads the clock for about ``seconds``. (The GPU work stays in the calling
    thread: a thread that never used CUDA has no current CUDA context for cuBLAS.) Returns
    ``None`` without a GPU or ``nvidia-smi``.
    """
    validate.function("launch", launch)
    seconds = validate.positive_number("seconds", seconds)
    samples = validate.positive_integer("samples", samples)
    if not (backend.cupy_status().usable or backend.torch_cuda_status().usable):
        return None
    if shutil.which("nvidia-smi") is None:
        return None
    stop = threading.Event()
    readings: list[float] = []

    def read_clock() -> None:
        stop.wait(0.2)  # let the clock settle under load
        for _ in range(samples):
            if stop.is_set():
                return
            value = _query_sm_clock_mhz()
            if value is not None:
                readings.append(value)
            stop.wait(seconds / samples)

    reader = threading.Thread(target=read_clock, daemon=True)
    reader.start()
    try:
        while reader.is_alive():
            launch()
            backend.synchronize()
    finally:
        stop.set()
        reader.join()
    return statistics.median(readings) if readings else None


@dataclass(frozen=True)
class Fraction:
    """A measured rate as a fraction of its datasheet roof, against the issue's target."""

    quantity: str
    measured: float | None
    roof: float | None
    unit: str
    target: float
    missing: str = "not measured: no GPU"

    @property
    def value(self) -> float | None:
        if self.measured is None or self.roof is None:
            return None
        return self.measured / self.roof

    @property
    def meets_target(self) -> bool | None:
        return None if self.value is None else self.value >= self.target

    def __str__(self) -> str:
        if self.measured is None:
            return f"{self.quantity}: {self.missing}"
        if self.roof is None:
            return f"{self.quantity}: {self.measured:,.0f} {self.unit} (no datasheet roof)"
        verdict = "meets" if self.meets_target else "misses"
        return (
            f"{self.quantity}: {self.measured:,.0f} / {self.roof:,.0f} {self.unit} = "
            f"{self.value:.0%} ({verdict} the {self.target:.0%} target)"
        )


def fraction(
    quantity: str,
    measured: float | None,
    roof: float | None,
    unit: str,
    target: float,
    *,
    missing: str = "not measured: no GPU",
) -> Fraction:
    """Build a :class:`Fraction`, rejecting non-positive numbers; ``missing`` says why
    ``measured`` is ``None``."""
    for label, value in (("measured", measured), ("roof", roof)):
        if value is not None:
            validate.positive_number(label, value)
    if not 0 < validate.finite_number("target", target) <= 1:
        raise ValueError(f"target must be in (0, 1], got {target}")
    return Fraction(quantity, measured, roof, unit, target, missing)


def plot_measured_roofline(
    sweep: FmaSweep,
    copy_gbs: float,
    gemm_points: dict[str, tuple[float, float]],
    *,
    roofline: Roofline | None = None,
    compute_roof: tuple[str, float] | None = None,
    title: str = "",
):
    """Measured points over the roofs; returns ``(fig, ax)``.

    ``gemm_points`` maps a label to ``(intensity, GFLOP/s)``. ``roofline`` (a datasheet
    roofline) draws the vendor's roofs; ``compute_roof`` = ``(label, GFLOP/s)`` adds another flat
    roof (e.g. the CPU's estimated FP32 peak). The measured copy bandwidth is always drawn as the
    measured memory roof.
    """
    from aicompute import plotting

    if not (copy_gbs > 0):
        raise ValueError(f"copy bandwidth must be positive, got {copy_gbs}")
    fig, ax = plotting.new_figure(
        "arithmetic intensity (FLOP/byte)",
        "performance (GFLOP/s)",
        logx=True,
        logy=True,
        title=title,
    )
    table = sweep.table[sweep.table["k"] > 0]
    intensities = [float(v) for v in table["intensity"]]
    intensities += [i for i, _ in gemm_points.values()]
    lo, hi = min(intensities) / 4, max(intensities) * 4
    grid = np.geomspace(lo, hi, 200)
    ax.plot(
        grid,
        copy_gbs * grid,
        color=plotting.OKABE_ITO["sky"],
        linestyle="--",
        label=f"measured copy bandwidth ({copy_gbs:,.0f} GB/s)",
    )
    if roofline is not None:
        ax.plot(
            grid,
            attainable(grid, roofline.peak("fp32"), roofline.bandwidth_gbs),
            color=plotting.OKABE_ITO["black"],
            label=f"datasheet FP32 roofline ({roofline.name})",
        )
        for index, key in enumerate(("fp16_tensor", "bf16_tensor")):
            if key in roofline.peaks_gflops:
                ax.plot(
                    grid,
                    attainable(grid, roofline.peak(key), roofline.bandwidth_gbs),
                    color=plotting.OKABE_ITO["black"],
                    linestyle=(":", "-.")[index],
                    label=f"datasheet {key.replace('_', ' ')} roof",
                )
    if compute_roof is not None:
        label, value = compute_roof
        ax.plot(
            grid,
            attainable(grid, value, copy_gbs),
            color=plotting.OKABE_ITO["black"],
            label=f"{label} over measured bandwidth",
        )
    label = "FMA sweep, k = " + ", ".join(str(int(k)) for k in table["k"])
    ax.plot(
        table["intensity"],
        table["gflops"],
        marker=plotting.MARKERS[0],
        linestyle="-",
        color=plotting.color_for(0),
        label=label if len(label) < 60 else "FMA sweep (k > 0)",
    )
    for index, (name, (intensity, rate)) in enumerate(gemm_points.items()):
        ax.plot(
            [intensity],
            [rate],
            marker=plotting.MARKERS[index + 1],
            linestyle="none",
            markersize=9,
            color=plotting.color_for(index + 1),
            label=name,
        )
    ax.set_xlim(lo, hi)
    fig.legend(loc="outside lower center", ncols=2, fontsize=9)  # off the roofs
    return fig, ax
