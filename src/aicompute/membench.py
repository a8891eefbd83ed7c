"""Measure the two numbers of a roofline on the machine running this code.

* Memory bandwidth: STREAM-style kernels (McCalpin, 1995) written with NumPy. Each thread works
  on its own contiguous slice, since NumPy releases the interpreter lock inside its loops. Bytes
  are counted the way STREAM counts them (each array read or written once: copy and scale 16
  byte per element, add and triad 24), and also with the *write-allocate* read that an ordinary
  store costs: before a cache line is overwritten the processor first reads it from memory, so a
  write moves its bytes twice unless the store bypasses the cache (non-temporal stores, which
  large ``memcpy`` calls use). STREAM's convention ignores that extra read, so its figure is a
  lower bound on the traffic the memory really carried.
* NumPy evaluates ``b + s * c`` in two passes with a temporary array, which would move 40 byte per
  element instead of 24. The triad here is therefore blocked: ``s * c`` goes into a small
  temporary that stays in the L2 cache, then ``b + tmp`` into ``a``, block after block.
* Peak: a large matrix product through NumPy (OpenBLAS), ``2 n^3`` FLOPs.
* Kernels of chosen intensity: Horner evaluation of a degree-``d`` polynomial on cache-sized
  blocks (``d / 8`` FLOP/byte), and a rank-``k`` product ``C = A B`` (``A`` m x k, ``B`` k x m).
  Its intensity grows with ``k`` from an outer product (k = 1, memory-bound) to a full GEMM
  (compute-bound), so one routine sweeps the whole roofline.

Every function returns the :class:`~aicompute.timing.Timing` with the rate, and sizes so that
the deterministic part (bytes, FLOPs, intensities) can be checked without a clock.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicompute import hardware, validate
from aicompute.roofline import gemm_intensity
from aicompute.timing import Timing, benchmark

__all__ = [
    "STREAM_KINDS",
    "stream_bytes",
    "stream_flops",
    "BandwidthResult",
    "measure_bandwidth",
    "GemmResult",
    "measure_gemm_flops",
    "measure_gemm_flops_scipy",
    "rank_k_bytes",
    "rank_k_sweep",
    "polynomial_coefficients",
    "polynomial_sweep",
    "MachineRoofline",
    "measure_machine",
    "STREAM_C_SOURCE",
    "compile_c_stream",
    "run_c_stream",
]

# kind: (arrays read, arrays written, FLOPs per element)
STREAM_KINDS: dict[str, tuple[int, int, int]] = {
    "copy": (1, 1, 0),  # a = b
    "scale": (1, 1, 1),  # a = s * b
    "add": (2, 1, 1),  # a = b + c
    "triad": (2, 1, 2),  # a = b + s * c
}

_DTYPES = {"float64": np.float64, "float32": np.float32}


def _check_kind(kind: str) -> tuple[int, int, int]:
    if kind not in STREAM_KINDS:
        raise ValueError(f"kind must be one of {sorted(STREAM_KINDS)}, got {kind!r}")
    return STREAM_KINDS[kind]


def _check_count(name: str, value, minimum: int = 1) -> int:
    validate.finite_number(name, value)
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _dtype(dtype) -> np.dtype:
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, got {dtype!r}")
    return np.dtype(_DTYPES[name])


def stream_bytes(kind: str, n: int, itemsize: int = 8, *, write_allocate: bool = False) -> int:
    """Bytes one STREAM ``kind`` call moves for ``n`` elements.

    STREAM's convention (``write_allocate=False``) counts each array once; with write-allocate
    the written array is also read first, one more array of traffic.
    """
    reads, writes, _ = _check_kind(kind)
    n = _check_count("n", n)
    itemsize = _check_count("itemsize", itemsize)
    arrays = reads + writes + (writes if write_allocate else 0)
    return arrays * n * itemsize


def stream_flops(kind: str, n: int) -> int:
    """FLOPs one STREAM ``kind`` call performs on ``n`` elements."""
    return _check_kind(kind)[2] * _check_count("n", n)


@dataclass(frozen=True)
class BandwidthResult:
    """A STREAM-style measurement: what moved, how long it took, at which rate."""

    kind: str
    n: int
    itemsize: int
    threads: int
    timing: Timing

    @property
    def bytes(self) -> int:
        """Bytes per call by STREAM's convention (no write-allocate)."""
        return stream_bytes(self.kind, self.n, self.itemsize)

    @property
    def bytes_with_write_allocate(self) -> int:
        """Bytes per call if every written line is first read (ordinary cached stores)."""
        return stream_bytes(self.kind, self.n, self.itemsize, write_allocate=True)

    @property
    def flops(self) -> int:
        return stream_flops(self.kind, self.n)

    @property
    def rate(self) -> float:
        """Bytes/s at the median time, STREAM convention."""
        return self.timing.rate(self.bytes)

    @property
    def best_rate(self) -> float:
        """Bytes/s at the best time (what STREAM itself reports), STREAM convention."""
        return self.bytes / self.timing.best

    @property
    def rate_with_write_allocate(self) -> float:
        """Bytes/s at the median time counting the write-allocate reads."""
        return self.timing.rate(self.bytes_with_write_allocate)

    @property
    def intensity(self) -> float:
        """FLOP per byte, STREAM convention (0 for copy)."""
        return self.flops / self.bytes


def _slices(n: int, parts: int) -> list[slice]:
    edges = np.linspace(0, n, parts + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _stream_worker(kind: str, a, b, c, scalar: float, tmp, block: int):
    if kind == "copy":
        return lambda s: np.copyto(a[s], b[s])
    if kind == "scale":
        return lambda s: np.multiply(b[s], scalar, out=a[s])
    if kind == "add":
        return lambda s: np.add(b[s], c[s], out=a[s])

    def triad(s: slice, index: int) -> None:
        scratch = tmp[index]
        for start in range(s.start, s.stop, block):
            stop = min(start + block, s.stop)
            t = scratch[: stop - start]
            np.multiply(c[start:stop], scalar, out=t)
            np.add(b[start:stop], t, out=a[start:stop])

    return triad


def measure_bandwidth(
    kind: str = "triad",
    n: int = 2**24,
    *,
    threads: int | None = None,
    dtype="float64",
    repeat: int = 10,
    block: int = 2**16,
) -> BandwidthResult:
    """Run a STREAM-style ``kind`` on arrays of ``n`` elements with ``threads`` threads.

    ``n`` should make each array several times larger than the last-level cache (the default,
    16 Mi doubles = 128 MiB, suits caches up to about 32 MiB). ``threads=None`` uses every core
    this process may run on. The triad works in blocks of ``block`` elements (see module doc).
    Each of the ``repeat`` samples times one call, as STREAM times each of its iterations.
    """
    _check_kind(kind)
    n = _check_count("n", n, 1024)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = _check_count("threads", (cores or 1) if threads is None else threads)
    block = _check_count("block", block, 64)
    repeat = _check_count("repeat", repeat, 3)
    dt = _dtype(dtype)
    a = np.zeros(n, dtype=dt)  # zeros then fill: every page is touched before timing
    b = np.full(n, 1.0, dtype=dt)
    c = np.full(n, 2.0, dtype=dt)
    a.fill(0.5)
    scalar = 3.0
    tmp = [np.empty(block, dtype=dt) for _ in range(threads)]
    work = _stream_worker(kind, a, b, c, scalar, tmp, block)
    parts = _slices(n, threads)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        if kind == "triad":

            def run() -> None:
                list(pool.map(work, parts, range(threads)))
        else:

            def run() -> None:
                list(pool.map(work, parts))

        # One call per sample, like STREAM's NTIMES iterations: the best sample is then the
        # best single pass, comparable with STREAM's best time.
        timing = benchmark(run, repeat=repeat, warmup=1, number=1, device="cpu")
    expected = {"copy": 1.0, "scale": scalar, "add": 3.0, "triad": 1.0 + scalar * 2.0}[kind]
    if not (a[0] == expected and a[-1] == expected):
        raise RuntimeError(f"{kind}: wrong result {a[0]}, expected {expected}")
    return BandwidthResult(kind=kind, n=n, itemsize=dt.itemsize, threads=threads, timing=timing)


@dataclass(frozen=True)
class GemmResult:
    """A matrix product ``C = A B`` (A m x k, B k x n) timed: FLOPs, bytes, rate."""

    m: int
    n: int
    k: int
    dtype: str
    timing: Timing
    library: str = "numpy.matmul"

    @property
    def flops(self) -> int:
        """``2 m n k``: one multiply and one add per term of each dot product."""
        return 2 * self.m * self.n * self.k

    @property
    def itemsize(self) -> int:
        return np.dtype(self.dtype).itemsize

    @property
    def intensity(self) -> float:
        """FLOP/byte if each matrix crosses memory once (the best case)."""
        return gemm_intensity(self.m, self.n, self.k, self.itemsize)

    @property
    def rate(self) -> float:
        """FLOP/s at the median time."""
        return self.timing.rate(self.flops)

    @property
    def best_rate(self) -> float:
        """FLOP/s at the best time."""
        return self.flops / self.timing.best


def _random_matrices(m: int, n: int, k: int, dt: np.dtype, order: str = "C"):
    rng = np.random.default_rng(0)
    a = np.asarray(rng.standard_normal((m, k)), dtype=dt, order=order)
    b = np.asarray(rng.standard_normal((k, n)), dtype=dt, order=order)
    return a, b


def measure_gemm_flops(n: int = 2048, dtype="float64", *, repeat: int = 5) -> GemmResult:
    """Time ``numpy.matmul`` of two ``n x n`` matrices (BLAS ``gemm`` underneath)."""
    n = _check_count("n", n, 16)
    dt = _dtype(dtype)
    a, b = _random_matrices(n, n, n, dt)
    c = np.empty((n, n), dtype=dt)
    timing = benchmark(
        lambda: np.matmul(a, b, out=c),
        repeat=_check_count("repeat", repeat, 3),
        warmup=1,
        device="cpu",
    )
    if not np.allclose(c[0, :4], a[0] @ b[:, :4], rtol=1e-3 if dt == np.float32 else 1e-10):
        raise RuntimeError("matmul gave a wrong product")
    return GemmResult(m=n, n=n, k=n, dtype=dt.name, timing=timing)


def measure_gemm_flops_scipy(n: int = 2048, dtype="float64", *, repeat: int = 5) -> GemmResult:
    """The same product through SciPy's own BLAS wrapper (``dgemm``/``sgemm``), for comparison.

    SciPy links its own OpenBLAS build, so this is an independent reading of the BLAS rate.
    """
    from scipy.linalg import blas

    n = _check_count("n", n, 16)
    dt = _dtype(dtype)
    routine = "dgemm" if dt == np.float64 else "sgemm"
    gemm = getattr(blas, routine)
    a, b = _random_matrices(n, n, n, dt, order="F")
    timing = benchmark(
        lambda: gemm(1.0, a, b), repeat=_check_count("repeat", repeat, 3), warmup=1, device="cpu"
    )
    return GemmResult(
        m=n, n=n, k=n, dtype=dt.name, timing=timing, library=f"scipy.linalg.blas.{routine}"
    )


def rank_k_bytes(m: int, k: int, itemsize: int = 8, *, write_allocate: bool = False) -> int:
    """Bytes of ``C = A B`` with A m x k, B k x m, C m x m, each crossing memory once."""
    m = _check_count("m", m)
    k = _check_count("k", k)
    itemsize = _check_count("itemsize", itemsize)
    return itemsize * (2 * m * k + m * m * (2 if write_allocate else 1))


def rank_k_sweep(
    ks=(1, 2, 4, 8, 16, 32, 64, 128, 256), m: int = 2048, dtype="float64", *, repeat: int = 3
) -> pd.DataFrame:
    """Time ``C = A B`` (A m x k, B k x m) for each ``k``: a kernel whose intensity ``k`` sets.

    Returns one row per ``k`` with FLOPs, bytes (STREAM-like convention and with
    write-allocate), intensities, median seconds and GFLOP/s.
    """
    m = _check_count("m", m, 16)
    repeat = _check_count("repeat", repeat, 3)
    ks = [_check_count("k", k) for k in ks]
    if not ks:
        raise ValueError("ks must not be empty")
    dt = _dtype(dtype)
    rng = np.random.default_rng(1)
    c = np.empty((m, m), dtype=dt)
    rows = []
    for k in ks:
        a = np.asarray(rng.standard_normal((m, k)), dtype=dt)
        b = np.asarray(rng.standard_normal((k, m)), dtype=dt)
        timing = benchmark(
            lambda a=a, b=b: np.matmul(a, b, out=c), repeat=repeat, warmup=1, device="cpu"
        )
        flops = 2 * m * m * k
        moved = rank_k_bytes(m, k, dt.itemsize)
        rows.append(
            {
                "k": k,
                "flops": flops,
                "bytes": moved,
                "bytes_write_allocate": rank_k_bytes(m, k, dt.itemsize, write_allocate=True),
                "intensity": flops / moved,
                "seconds": timing.median,
                "gflops": timing.rate(flops) / 1e9,
                "gflops_best": flops / timing.best / 1e9,
            }
        )
    return pd.DataFrame(rows)


def polynomial_coefficients(degree: int) -> np.ndarray:
    """Coefficients (highest power first) of the test polynomial: 1, 1/2, ..., 1/(degree + 1)."""
    degree = _check_count("degree", degree)
    return 1.0 / np.arange(1, degree + 2)


def _horner_blocks(
    x: np.ndarray, y: np.ndarray, coef: np.ndarray, s: slice, tmp: np.ndarray, block: int
) -> None:
    for start in range(s.start, s.stop, block):
        stop = min(start + block, s.stop)
        xb, t = x[start:stop], tmp[: stop - start]
        np.multiply(xb, coef[0], out=t)  # x is read from memory once, then stays in cache
        for c in coef[1:-1]:
            np.add(t, c, out=t)
            np.multiply(t, xb, out=t)
        np.add(t, coef[-1], out=y[start:stop])  # y is written once


def polynomial_sweep(
    degrees=(1, 2, 4, 8, 16, 32, 64),
    n: int = 2**23,
    *,
    threads: int | None = None,
    block: int = 2**15,
    repeat: int = 3,
) -> pd.DataFrame:
    """Evaluate a degree-``d`` polynomial at ``n`` points by Horner's rule, for each ``d``.

    Each point is read once and its value written once (16 byte, STREAM convention) while the
    ``2 d`` FLOPs happen on a cache-sized block, so the intensity is ``2 d / 16 = d / 8``
    FLOP/byte: a dial from memory-bound to compute-bound. NumPy runs each Horner step as its own
    pass over the block, so these kernels also meet a ceiling far below the FMA peak.
    """
    n = _check_count("n", n, 1024)
    degrees = [_check_count("degree", d) for d in degrees]
    if not degrees:
        raise ValueError("degrees must not be empty")
    block = _check_count("block", block, 64)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = _check_count("threads", (cores or 1) if threads is None else threads)
    x = np.random.default_rng(2).random(n)
    y = np.zeros(n)
    tmp = [np.empty(block) for _ in range(threads)]
    parts = _slices(n, threads)
    rows = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for degree in degrees:
            coef = polynomial_coefficients(degree)

            def run(coef=coef) -> None:
                list(
                    pool.map(
                        lambda s, i: _horner_blocks(x, y, coef, s, tmp[i], block),
                        parts,
                        range(threads),
                    )
                )

            timing = benchmark(
                run, repeat=_check_count("repeat", repeat, 3), warmup=1, device="cpu"
            )
            check = slice(0, min(n, 1000))
            if not np.allclose(y[check], np.polyval(coef, x[check])):
                raise RuntimeError(f"Horner evaluation of degree {degree} is wrong")
            flops, moved = 2 * degree * n, 16 * n
            rows.append(
                {
                    "degree": degree,
                    "flops": flops,
                    "bytes": moved,
                    "intensity": flops / moved,
                    "seconds": timing.median,
                    "gflops": timing.rate(flops) / 1e9,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class MachineRoofline:
    """The empirical roofline of this machine and the kernels measured on it.

    ``bandwidth`` is the best STREAM-convention rate over the measured kinds (byte/s), ``peak``
    the best rate of the matrix products (FLOP/s): roofs are capabilities, so like STREAM we take
    the fastest sample (the median is printed beside it). ``estimated_peak`` is the estimated
    FP64 peak at the clock measured with all cores busy (``peak_estimate``, an
    :class:`aicompute.hardware.CpuPeak` that also holds the nominal-clock figure), or, without a
    clock measurement, :func:`aicompute.hardware.estimated_cpu_peak_flops` at the operating
    system's clock (``None`` if unknown).
    ``kernels`` has one row per measured kernel: name, intensity (FLOP/byte), achieved GFLOP/s
    and GB/s, the roofline bound at that intensity, and the fractions of roof, of the estimated
    peak and of the measured bandwidth.
    """

    streams: tuple[BandwidthResult, ...]
    gemm: GemmResult
    sweep: pd.DataFrame
    polynomials: pd.DataFrame
    estimated_peak: float | None
    machine: str
    rounds: int = 1
    reference_streams: dict[str, float] | None = None
    reference_gemm: GemmResult | None = None
    peak_estimate: hardware.CpuPeak | None = None

    @property
    def checks(self) -> pd.DataFrame:
        """Our roofs and kernels beside the standard tools measured in the same run.

        One row per quantity: ours (NumPy), the standard tool's (compiled C STREAM, SciPy's own
        ``dgemm``), both best over ``rounds`` alternating rounds, and the ratio. Empty if the
        references were not measured (``reference=False`` or no C compiler).
        """
        rows = []
        if self.reference_streams:
            for result in self.streams:
                rows.append(
                    (
                        f"STREAM {result.kind} (GB/s)",
                        result.best_rate / 1e9,
                        self.reference_streams[result.kind] / 1e9,
                        "C STREAM, gcc -O3",
                    )
                )
            best_c = max(self.reference_streams[r.kind] for r in self.streams)
            rows.append(
                ("bandwidth roof (GB/s)", self.bandwidth / 1e9, best_c / 1e9, "C STREAM, gcc -O3")
            )
        if self.reference_gemm is not None:
            rows.append(
                (
                    f"GEMM n={self.gemm.n} (GFLOP/s)",
                    self.gemm.best_rate / 1e9,
                    self.reference_gemm.best_rate / 1e9,
                    self.reference_gemm.library,
                )
            )
        frame = pd.DataFrame(rows, columns=["quantity", "ours", "standard tool", "tool"])
        frame["ratio"] = frame["ours"] / frame["standard tool"]
        return frame

    @property
    def bandwidth(self) -> float:
        """The slanted roof: the best rate over the STREAM kinds (byte/s), as STREAM reports."""
        return max(result.best_rate for result in self.streams)

    @property
    def peak(self) -> float:
        """The flat roof: the best FLOP/s any matrix product reached (the GEMM or a rank-k one).

        On a quiet machine this is the large GEMM; on a shared one a later product may catch a
        quieter moment, and a roof below a measured point would be no roof.
        """
        return max(self.gemm.best_rate, 1e9 * float(self.sweep["gflops_best"].max()))

    @property
    def ridge(self) -> float:
        return self.peak / self.bandwidth

    @property
    def kernels(self) -> pd.DataFrame:
        from aicompute.roofline import attainable_flops

        rows = []
        for result in self.streams:
            if result.flops:
                rows.append(
                    (f"STREAM {result.kind}", result.intensity, result.timing.rate(result.flops))
                )
        for row in self.polynomials.itertuples():
            rows.append((f"Horner degree {row.degree}", row.intensity, row.gflops * 1e9))
        for row in self.sweep.itertuples():
            rows.append((f"rank-{row.k} product", row.intensity, row.gflops * 1e9))
        rows.append((f"GEMM n={self.gemm.n}", self.gemm.intensity, self.gemm.rate))
        frame = pd.DataFrame(rows, columns=["kernel", "intensity", "flops"])
        frame["gflops"] = frame["flops"] / 1e9
        frame["gbs"] = frame["flops"] / frame["intensity"] / 1e9
        frame["bound_gflops"] = (
            attainable_flops(frame["intensity"].to_numpy(), self.peak, self.bandwidth) / 1e9
        )
        frame["of_roof"] = frame["gflops"] / frame["bound_gflops"]
        frame["of_bandwidth"] = frame["gbs"] * 1e9 / self.bandwidth
        if self.estimated_peak:
            frame["of_estimated_peak"] = frame["flops"] / self.estimated_peak
        return frame.drop(columns="flops")


def measure_machine(
    n: int = 2**24,
    gemm_n: int = 2048,
    ks=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    m: int = 4096,
    *,
    degrees=(1, 2, 4, 8, 16, 32, 64),
    kinds=("copy", "scale", "add", "triad"),
    repeat: int = 5,
    rounds: int = 2,
    reference: bool = True,
    clock: bool = True,
) -> MachineRoofline:
    """Measure this machine's roofline: STREAM ``kinds``, a GEMM, and two kernel sweeps.

    The bandwidth roof is the best of the STREAM ``kinds`` (as the best of STREAM's four
    kernels is the usual sustainable-bandwidth figure). The roofs are measured in ``rounds``
    rounds and the best of each kept; with ``reference`` every round also runs the standard
    tools right after ours (a compiled C STREAM, when a C compiler is installed, and SciPy's
    own ``dgemm``), so that :attr:`MachineRoofline.checks` compares figures of one run, with the
    noise of a shared machine spread over both sides. The sweeps are :func:`polynomial_sweep`
    (``degrees``, on ``n // 2`` points) and
    :func:`rank_k_sweep` (``ks``, ``m``). With ``clock`` the CPU's clock is measured first
    (:func:`aicompute.cpuclock.measure_clock`) and the estimated peak is at that clock.
    """
    import tempfile

    from aicompute import backend, cpuclock

    rounds = _check_count("rounds", rounds)
    n = _check_count("n", n, 1024)
    gemm_n = _check_count("gemm_n", gemm_n, 16)
    m = _check_count("m", m, 16)
    repeat = _check_count("repeat", repeat, 3)
    peak_estimate = hardware.cpu_peak(cpuclock.measure_clock(), bits=64) if clock else None
    best_streams: dict[str, BandwidthResult] = {}
    best_gemm: GemmResult | None = None
    c_best: dict[str, float] = {}
    scipy_best: GemmResult | None = None
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_c_stream(folder) if reference else None
        for _ in range(rounds):
            for kind in kinds:
                result = measure_bandwidth(kind, n, repeat=2 * repeat)
                if kind not in best_streams or result.best_rate > best_streams[kind].best_rate:
                    best_streams[kind] = result
            if binary is not None:
                for kind, (best, _median) in run_c_stream(binary, n).items():
                    c_best[kind] = max(c_best.get(kind, 0.0), best)
            gemm = measure_gemm_flops(gemm_n, repeat=3)
            if best_gemm is None or gemm.best_rate > best_gemm.best_rate:
                best_gemm = gemm
            if reference:
                other = measure_gemm_flops_scipy(gemm_n, repeat=3)
                if scipy_best is None or other.best_rate > scipy_best.best_rate:
                    scipy_best = other
    sweep = rank_k_sweep(ks, m, repeat=3)
    polynomials = polynomial_sweep(degrees, max(n // 2, 1024), repeat=3)
    return MachineRoofline(
        streams=tuple(best_streams[kind] for kind in kinds),
        gemm=best_gemm,
        sweep=sweep,
        polynomials=polynomials,
        estimated_peak=peak_estimate.measured
        if peak_estimate
        else hardware.estimated_cpu_peak_flops(bits=64),
        machine=backend.describe_machine(),
        rounds=rounds,
        reference_streams=c_best or None,
        reference_gemm=scipy_best,
        peak_estimate=peak_estimate,
    )


# --------------------------------------------------------------------------------------------
# A standard tool to check against: a STREAM-style benchmark in C
# --------------------------------------------------------------------------------------------

STREAM_C_SOURCE = r"""/* A small STREAM-style benchmark (copy, scale, add, triad), written for
   this course.

   Same conventions as McCalpin's STREAM: each kernel runs NTIMES times over arrays of N doubles,
   the first run is discarded, and the rate counts each array read or written once (copy and
   scale 16 byte per element, add and triad 24), so write-allocate traffic is not counted.
   Build: gcc -O3 -fopenmp -march=native -o stream stream.c
   (aicompute.membench.compile_c_stream writes this file and builds it.)
   Run:   ./stream [N] [NTIMES]      (defaults: 2^24 elements, 10 repetitions)
   Output: one line per kernel: name, best MB/s, median MB/s, best seconds (1 MB = 1e6 byte). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Arrays aligned to 2 MiB and marked for transparent huge pages, as NumPy marks its large
   arrays on Linux: with 4 KiB pages a 128 MiB stream crosses 32768 pages, and the address
   translation (TLB) misses slow it down where the kernel gives huge pages only on request. */
static double *huge_alloc(long n) {
    void *p = NULL;
    size_t bytes = (size_t)n * sizeof(double);
    if (posix_memalign(&p, (size_t)1 << 21, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1L << 24;
    int ntimes = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1024 || ntimes < 3) {
        fprintf(stderr, "need N >= 1024 and NTIMES >= 3\n");
        return 2;
    }
    double *a = huge_alloc(n), *b = huge_alloc(n), *c = huge_alloc(n);
    double *times = malloc(ntimes * sizeof(double));
    if (!a || !b || !c || !times) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    const double s = 3.0;
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) { a[j] = 1.0; b[j] = 2.0; c[j] = 0.0; } /* first touch */

    const char *names[4] = {"copy", "scale", "add", "triad"};
    const double words[4] = {2, 2, 3, 3};
    printf("threads %d n %ld ntimes %d\n", omp_get_max_threads(), n, ntimes);
    for (int kernel = 0; kernel < 4; kernel++) {
        for (int t = 0; t < ntimes; t++) {
            double start = omp_get_wtime();
            switch (kernel) {
            case 0:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) c[j] = a[j];
                break;
            case 1:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) b[j] = s * c[j];
                break;
            case 2:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) c[j] = a[j] + b[j];
                break;
            default:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) a[j] = b[j] + s * c[j];
            }
            times[t] = omp_get_wtime() - start;
        }
        qsort(times + 1, ntimes - 1, sizeof(double), compare); /* drop the first run */
        double best = times[1], median = times[1 + (ntimes - 1) / 2];
        double bytes = words[kernel] * sizeof(double) * n;
        printf("%s %.1f %.1f %.6f\n", names[kernel], 1e-6 * bytes / best, 1e-6 * bytes / median,
               best);
    }
    /* check the values as STREAM does: a, b, c follow from the kernel sequence */
    double ea = 1.0, eb = 2.0, ec = 0.0;
    ec = ea; eb = s * ec; ec = ea + eb; ea = eb + s * ec; /* each kernel's result is idempotent */
    if (a[n / 2] != ea || b[n / 2] != eb || c[n / 2] != ec) {
        fprintf(stderr, "wrong results\n");
        return 1;
    }
    free(a); free(b); free(c); free(times);
    return 0;
}
"""


def compile_c_stream(folder, compiler: str = "gcc"):
    """Write :data:`STREAM_C_SOURCE` into ``folder`` and build it with ``-O3 -fopenmp
    -march=native``; returns the executable's path, or ``None`` if no ``compiler`` is installed
    or the build fails (a compiler without OpenMP, say).
    """
    import shutil
    import subprocess
    from pathlib import Path

    validate.instance("folder", folder, (str, os.PathLike), "a folder's path")
    if shutil.which(compiler) is None:
        return None
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder {folder} does not exist")
    source, binary = folder / "stream.c", folder / "stream"
    source.write_text(STREAM_C_SOURCE)
    build = subprocess.run(
        [compiler, "-O3", "-fopenmp", "-march=native", "-o", str(binary), str(source)],
        capture_output=True,
    )
    if build.returncode != 0:  # e.g. a compiler without OpenMP: no reference, not a crash
        return None
    return binary


def run_c_stream(
    binary, n: int = 2**24, threads: int | None = None, ntimes: int = 10
) -> dict[str, tuple[float, float]]:
    """Run the compiled C STREAM: ``{kind: (best, median)}`` in byte/s, STREAM's convention."""
    import subprocess

    validate.instance("binary", binary, (str, os.PathLike), "the path of the compiled C STREAM")
    if not os.path.isfile(binary):
        raise ValueError(f"binary must be the compiled C STREAM, but there is no file {binary!r}")
    n = _check_count("n", n, 1024)
    ntimes = _check_count("ntimes", ntimes, 3)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = _check_count("threads", (cores or 1) if threads is None else threads)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(
        [str(binary), str(n), str(ntimes)], check=True, capture_output=True, text=True, env=env
    ).stdout
    rates = {}
    for line in out.strip().splitlines()[1:]:
        kind, best, median, _seconds = line.split()
        rates[kind] = (float(best) * 1e6, float(median) * 1e6)
    if set(rates) != set(STREAM_KINDS):
        raise RuntimeError(f"unexpected output of the C STREAM: {out!r}")
    return rates
