"""BLAS arithmetic intensity: why matrix-matrix work can use a processor's peak, vector work not.

The three levels of the Basic Linear Algebra Subprograms differ in how often each number read from
memory is used (Lawson et al. 1979; Dongarra et al. 1988, 1990):

======  =======================  =========  =============================================
level   routine (here)           FLOPs      bytes (``s`` per element, compulsory traffic)
======  =======================  =========  =============================================
BLAS-1  AXPY ``y <- a x + y``    ``2n``     read x, y; write y: ``3 n s``
BLAS-2  GEMV ``y <- A x``        ``2mn``    read A, x; write y: ``(mn + n + m) s``
BLAS-3  GEMM ``C <- A B``        ``2mnk``   read A, B; write C: ``(mk + kn + mn) s``
======  =======================  =========  =============================================

FLOPs follow the convention of every BLAS benchmark and of ``FlopCounterMode``: a multiply-add is
two FLOPs (so ``y <- A x`` counts ``2mn``, not ``2mn - m``). Bytes are the *compulsory* traffic:
each operand crosses memory once. Two honest corrections are options: ``beta=True`` for
``y <- A x + y`` / ``C <- A B + C`` (the output is also read), and ``write_allocate=True`` for an
ordinary cache, which reads a line before it overwrites it (so a write-only output costs a read
too). :func:`simulate_traffic` counts the bytes a cache really moves for a given loop order, which
checks the formulas (an unbounded cache reproduces them exactly) and shows what they assume: GEMM
reaches its intensity ``n / 12`` (FP64) only if the algorithm reuses cached blocks.

The module also measures each level on this machine (through :mod:`aicompute.blas_bench`, the
checked BLAS calls the labs use too), compares the GEMM rate with SciPy's own ``dgemm`` in the
same run, and counts the FLOPs of a multilayer perceptron's training step by formula and with
PyTorch's ``FlopCounterMode``, to show that matrix products are nearly all of it.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicompute import blas_bench, display, validate
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check

__all__ = [
    "HEADERS",
    "display_table",
    "OPS",
    "LEVEL",
    "ITEMSIZE",
    "Work",
    "itemsize",
    "axpy_work",
    "gemv_work",
    "gemm_work",
    "work",
    "intensity",
    "intensity_table",
    "Traffic",
    "simulate_traffic",
    "traffic_check",
    "SWEEP_SIZES",
    "measure_levels",
    "streaming_bandwidth",
    "add_roofline",
    "plot_levels",
    "gemm_against_scipy",
    "mlp_operations",
    "mlp_summary",
    "share_by_batch",
    "build_mlp",
    "torch_training_flops",
    "attainable_fraction",
    "time_training_step",
    "REFERENCE_MLP",
    "audit",
]

OPS = ("axpy", "gemv", "gemm")
LEVEL = {"axpy": "BLAS-1 (AXPY)", "gemv": "BLAS-2 (GEMV)", "gemm": "BLAS-3 (GEMM)"}

#: Bytes per stored element of each precision the chapter uses.
ITEMSIZE = {"fp64": 8, "fp32": 4, "bf16": 2, "fp16": 2}


def _count(name: str, value, minimum: int = 1) -> int:
    """A positive integer, or ``ValueError`` saying what was wrong."""
    return validate.positive_integer(name, value, minimum)


def itemsize(precision: str) -> int:
    """Bytes per element of ``precision`` (``fp64``, ``fp32``, ``bf16`` or ``fp16``)."""
    if precision not in ITEMSIZE:
        raise ValueError(f"precision must be one of {sorted(ITEMSIZE)}, got {precision!r}")
    return ITEMSIZE[precision]


# --------------------------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """FLOPs and compulsory bytes of one BLAS call."""

    op: str
    shape: tuple[int, ...]
    precision: str
    flops: int
    bytes_read: int
    bytes_written: int

    @property
    def bytes(self) -> int:
        """Bytes read plus bytes written."""
        return self.bytes_read + self.bytes_written

    @property
    def intensity(self) -> float:
        """Arithmetic intensity in FLOP/byte."""
        return self.flops / self.bytes


def axpy_work(n: int, precision: str = "fp64") -> Work:
    """``y <- a x + y`` on vectors of ``n``: ``2n`` FLOPs; reads ``x`` and ``y``, writes ``y``.

    ``y`` is read anyway, so write-allocate adds nothing.
    """
    n, s = _count("n", n), itemsize(precision)
    return Work("axpy", (n,), precision, 2 * n, 2 * n * s, n * s)


def gemv_work(
    m: int, n: int, precision: str = "fp64", *, beta: bool = False, write_allocate: bool = False
) -> Work:
    """``y <- A x`` (``A`` m x n), or ``y <- A x + y`` with ``beta``: ``2mn`` FLOPs.

    Reads ``A`` (mn) and ``x`` (n); writes ``y`` (m); reads ``y`` too if ``beta`` or if the
    cache write-allocates.
    """
    m, n, s = _count("m", m), _count("n", n), itemsize(precision)
    read = m * n + n + (m if (beta or write_allocate) else 0)
    return Work("gemv", (m, n), precision, 2 * m * n, read * s, m * s)


def gemm_work(
    m: int,
    n: int,
    k: int,
    precision: str = "fp64",
    *,
    beta: bool = False,
    write_allocate: bool = False,
) -> Work:
    """``C <- A B`` (``A`` m x k, ``B`` k x n), or ``C <- A B + C`` with ``beta``: ``2mnk`` FLOPs.

    Reads ``A`` and ``B`` once each and writes ``C`` once (the best case: perfect reuse in cache);
    ``C`` is also read if ``beta`` or if the cache write-allocates.
    """
    m, n, k, s = _count("m", m), _count("n", n), _count("k", k), itemsize(precision)
    read = m * k + k * n + (m * n if (beta or write_allocate) else 0)
    return Work("gemm", (m, n, k), precision, 2 * m * n * k, read * s, m * n * s)


def work(op: str, n: int, precision: str = "fp64", **options) -> Work:
    """The square case: AXPY of length ``n``, GEMV ``n x n``, GEMM ``n x n x n``."""
    if op == "axpy":
        if options:
            raise ValueError(f"axpy takes no options, got {sorted(options)}")
        return axpy_work(n, precision)
    if op == "gemv":
        return gemv_work(n, n, precision, **options)
    if op == "gemm":
        return gemm_work(n, n, n, precision, **options)
    raise ValueError(f"op must be one of {OPS}, got {op!r}")


def intensity(op: str, n: int, precision: str = "fp64", **options) -> float:
    """FLOP/byte of the square case of ``op`` at size ``n`` (see :func:`work`)."""
    return work(op, n, precision, **options).intensity


def intensity_table(sizes=(16, 256, 4096), precisions=("fp64", "fp32", "bf16")) -> pd.DataFrame:
    """Intensity of each level at each size and precision: one row per (op, n), one column per
    precision (FLOP/byte, compulsory traffic)."""
    if not sizes or not precisions:
        raise ValueError("give at least one size and one precision")
    rows = []
    for op in OPS:
        for n in sizes:
            row = {"level": LEVEL[op], "n": _count("n", n)}
            for p in precisions:
                row[p] = intensity(op, n, p)
            rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Counted bytes: what a cache really moves for a given loop order
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Traffic:
    """Bytes a simulated cache moved between memory and processor for one call."""

    op: str
    n: int
    precision: str
    cache_bytes: int | None
    line_bytes: int
    block: int | None
    accesses: int
    bytes_read: int
    bytes_written: int

    @property
    def bytes(self) -> int:
        return self.bytes_read + self.bytes_written


def _trace(op: str, n: int, block: int | None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Element indices (into one flat address space) and write flags of the loop nest, in order.

    Arrays are laid out one after another, row-major; returns (index, is_write, array sizes).
    """
    if op == "axpy":  # x, y
        i = np.arange(n)
        index = np.stack([i, n + i, n + i], axis=1).ravel()
        write = np.tile([False, False, True], n)
        return index, write, [n, n]
    if op == "gemv":  # A (n x n), x, y; for i: for j: A[i,j], x[j]; then write y[i]
        parts, flags = [], []
        base_x, base_y = n * n, n * n + n
        j = np.arange(n)
        for i in range(n):
            parts.append(np.stack([i * n + j, base_x + j], axis=1).ravel())
            parts.append(np.array([base_y + i]))
            flags += [np.zeros(2 * n, bool), np.ones(1, bool)]
        return np.concatenate(parts), np.concatenate(flags), [n * n, n, n]
    # gemm: A, B, C (n x n each), blocked into tiles of `block` (block = n: plain i, j, k loops)
    b = n if block is None else block
    base_b, base_c = n * n, 2 * n * n
    parts, flags = [], []
    for ii in range(0, n, b):
        for jj in range(0, n, b):
            for kk in range(0, n, b):
                ks = np.arange(kk, min(kk + b, n))
                for i in range(ii, min(ii + b, n)):
                    for j in range(jj, min(jj + b, n)):
                        if kk > 0:  # accumulate into the partial C[i, j]
                            parts.append(np.array([base_c + i * n + j]))
                            flags.append(np.zeros(1, bool))
                        parts.append(np.stack([i * n + ks, base_b + ks * n + j], axis=1).ravel())
                        flags.append(np.zeros(2 * len(ks), bool))
                        parts.append(np.array([base_c + i * n + j]))
                        flags.append(np.ones(1, bool))
    return np.concatenate(parts), np.concatenate(flags), [n * n, n * n, n * n]


def simulate_traffic(
    op: str,
    n: int,
    precision: str = "fp64",
    *,
    cache_bytes: int | None = None,
    line_bytes: int = 64,
    block: int | None = None,
) -> Traffic:
    """Count the bytes a write-allocate, write-back LRU cache moves for one call of ``op``.

    The loop nest is the textbook one (AXPY element by element; GEMV row by row; GEMM ``i, j, k``,
    or in ``block x block`` tiles if ``block`` is given). Every array starts on a cache line;
    a read or write miss fetches a line, a dirty line is written back when evicted or at the end.
    ``cache_bytes=None`` is an unbounded cache: only compulsory misses, which gives the formulas
    of :func:`work` with ``write_allocate=True`` when ``n`` fills whole lines.
    Python-speed: keep ``n`` small (GEMM ``n <= 64``).
    """
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")
    n = _count("n", n, 2)
    s = itemsize(precision)
    line_bytes = _count("line_bytes", line_bytes, 1)
    if line_bytes % s:
        raise ValueError(f"line_bytes ({line_bytes}) must be a multiple of the element size {s}")
    if op == "gemm" and n > 96:
        raise ValueError(f"GEMM trace of n={n} is too long to simulate in Python; use n <= 96")
    if block is not None:
        if op != "gemm":
            raise ValueError("block applies to gemm only")
        block = _count("block", block)
        if block > n:
            raise ValueError(f"block ({block}) must not exceed n ({n})")
    capacity = None
    if cache_bytes is not None:
        cache_bytes = _count("cache_bytes", cache_bytes, line_bytes)
        capacity = cache_bytes // line_bytes
    index, write, sizes = _trace(op, n, block)
    # lay arrays out on line boundaries
    per_line = line_bytes // s
    starts, offset = [], 0
    for size in sizes:
        starts.append(offset)
        offset += -(-size // per_line) * per_line
    bounds = np.cumsum([0] + sizes)
    which = np.searchsorted(bounds, index, side="right") - 1
    address = (np.asarray(starts)[which] + index - bounds[which]) * s
    lines = address // line_bytes
    # merge runs of the same line (same LRU outcome; dirty if any access writes)
    keep = np.ones(len(lines), bool)
    keep[1:] = lines[1:] != lines[:-1]
    run_id = np.cumsum(keep) - 1
    run_write = np.zeros(int(run_id[-1]) + 1, bool)
    np.logical_or.at(run_write, run_id, write)
    run_lines = lines[keep]
    cache: OrderedDict[int, bool] = OrderedDict()
    fetched = written = 0
    for line, dirty in zip(run_lines.tolist(), run_write.tolist(), strict=True):
        if line in cache:
            cache.move_to_end(line)
            if dirty:
                cache[line] = True
            continue
        fetched += 1
        cache[line] = dirty
        if capacity is not None and len(cache) > capacity:
            _, evicted_dirty = cache.popitem(last=False)
            written += evicted_dirty
    written += sum(cache.values())  # flush at the end
    return Traffic(
        op,
        n,
        precision,
        cache_bytes,
        line_bytes,
        block,
        int(len(index)),
        fetched * line_bytes,
        written * line_bytes,
    )


def traffic_check(
    cases=(("axpy", 4096), ("gemv", 256), ("gemm", 32)),
    precision: str = "fp64",
    *,
    cache_bytes: int | None = None,
    blocks=(None,),
) -> pd.DataFrame:
    """Simulated bytes beside the formula (compulsory, with write-allocate) for each case.

    One row per (op, n, block): formula bytes, counted bytes, their ratio, and both intensities.
    """
    rows = []
    for op, n in cases:
        formula = work(op, n, precision, **({} if op == "axpy" else {"write_allocate": True}))
        for block in blocks if op == "gemm" else (None,):
            t = simulate_traffic(op, n, precision, cache_bytes=cache_bytes, block=block)
            rows.append(
                {
                    "level": LEVEL[op],
                    "n": n,
                    "loops": "i, j, k"
                    if op == "gemm" and block is None
                    else (f"tiles of {block}" if block else "one pass"),
                    "cache_kib": None if cache_bytes is None else cache_bytes / 1024,
                    "formula_bytes": formula.bytes,
                    "counted_bytes": t.bytes,
                    "counted/formula": t.bytes / formula.bytes,
                    "formula_intensity": formula.intensity,
                    "counted_intensity": formula.flops / t.bytes,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Measurements on this machine
# --------------------------------------------------------------------------------------------

#: Sizes of the CPU sweep: vectors from cache-sized to several times the last-level cache,
#: matrices up to where the chapter's time budget allows on a shared 2-core machine.
SWEEP_SIZES = {
    "axpy": [2**p for p in (10, 12, 14, 16, 18, 20, 22, 24)],
    "gemv": [2**p for p in (6, 7, 8, 9, 10, 11, 12)],
    "gemm": [2**p for p in (5, 6, 7, 8, 9, 10)],
}

_LIBRARY = {"fp64": "numpy", "fp32": "numpy", "bf16": "torch"}


def measure_levels(
    precisions=("fp64", "fp32", "bf16"),
    sizes: dict[str, list[int]] | None = None,
    *,
    repeat: int = 5,
    min_sample_time: float = 0.01,
) -> pd.DataFrame:
    """GFLOP/s of AXPY, GEMV and GEMM against size on the CPU, one series per precision.

    FP64 and FP32 go through NumPy/SciPy (OpenBLAS); BF16 through PyTorch's CPU kernels (NumPy
    has no bfloat16). Each routine is first checked against float64 (see
    :func:`aicompute.blas_bench.sweep`). Bytes and intensity are this module's formulas.
    """
    repeat = _count("repeat", repeat, 3)
    min_sample_time = validate.positive_number("min_sample_time", min_sample_time)
    for p in precisions:
        if p not in _LIBRARY:
            raise ValueError(f"precision must be one of {sorted(_LIBRARY)}, got {p!r}")
    sizes = SWEEP_SIZES if sizes is None else sizes
    unknown = set(sizes) - set(OPS)
    if unknown:
        raise ValueError(f"sizes has unknown ops {sorted(unknown)}")
    table = blas_bench.sweep(
        [(_LIBRARY[p], p) for p in precisions],
        "cpu",
        ops=list(sizes),
        sizes=sizes,
        repeat=repeat,
        min_sample_time=min_sample_time,
    )
    table = table.drop(columns=["gbs"])
    table["bytes"] = [
        work(o, int(n), p).bytes
        for o, n, p in zip(table["op"], table["n"], table["precision"], strict=True)
    ]
    table["flops"] = [
        work(o, int(n), p).flops
        for o, n, p in zip(table["op"], table["n"], table["precision"], strict=True)
    ]
    table["intensity"] = table["flops"] / table["bytes"]
    table["gbs"] = table["bytes"] / table["seconds"] / 1e9
    return table


def streaming_bandwidth(table: pd.DataFrame, min_bytes: int = 2**27) -> float:
    """The best main-memory bandwidth (byte/s) the sweep's AXPY and GEMV calls drew.

    Only calls that move at least ``min_bytes`` (default 128 MiB, four times a 32 MiB last-level
    cache) count, so the data came from main memory. On one core the bandwidth a loop draws
    depends on how many cache misses it keeps in flight, so a well-prefetched BLAS-1 loop can
    beat STREAM; a roof must lie above every measured point, hence this candidate.
    """
    validate.frame("table", table, ["op", "bytes", "gbs"])
    min_bytes = validate.positive_number("min_bytes", min_bytes, allow_zero=True)
    rows = table[table["op"].isin(["axpy", "gemv"]) & (table["bytes"] >= min_bytes)]
    if rows.empty:
        raise ValueError(f"no AXPY or GEMV call moved at least {min_bytes} bytes")
    return float(rows["gbs"].max()) * 1e9


def add_roofline(table: pd.DataFrame, bandwidth: float, peaks: dict[str, float]) -> pd.DataFrame:
    """Add the roofline bound at each row's intensity (``bound_gflops``) and ``of_bound``.

    ``bandwidth`` in byte/s (main memory), ``peaks`` FLOP/s per precision. Points above the bound
    ran from cache, whose bandwidth is higher than main memory's.
    """
    from aicompute.roofline import attainable_flops

    validate.frame("table", table, ["precision", "intensity"])
    bandwidth = validate.positive_number("bandwidth", bandwidth)
    validate.instance("peaks", peaks, dict, "a dict of precision -> FLOP/s")
    missing = set(table["precision"]) - set(peaks)
    if missing:
        raise ValueError(f"no peak given for {sorted(missing)}")
    out = table.copy()
    out["bound_gflops"] = [
        attainable_flops(i, peaks[p], bandwidth) / 1e9
        for i, p in zip(out["intensity"], out["precision"], strict=True)
    ]
    out["of_bound"] = out["gflops"] / out["bound_gflops"]
    return out


def plot_levels(table: pd.DataFrame, *, title: str = ""):
    """GFLOP/s against size, one panel per level; dotted lines: the roofline bound if present."""
    from matplotlib.ticker import NullFormatter

    from aicompute import plotting

    if validate.frame("table", table, ["op", "precision", "n", "gflops"]).empty:
        raise ValueError("nothing to plot: the table is empty")
    ops = [op for op in OPS if op in set(table["op"])]
    fig, axes = plotting.new_figure(
        "size n (vector length or matrix side)",
        "performance (GFLOP/s)",
        logx=True,
        logy=True,
        nrows=len(ops),
        title=title,
        figsize=(7.0, 1.0 + 2.6 * len(ops)),
    )
    axes = np.atleast_1d(axes)
    precisions = list(dict.fromkeys(table["precision"]))
    for ax, op in zip(axes, ops, strict=True):
        for index, p in enumerate(precisions):
            rows = table[(table["op"] == op) & (table["precision"] == p)].sort_values("n")
            if rows.empty:
                continue
            color = plotting.color_for(index)
            ax.plot(
                rows["n"],
                rows["gflops"],
                marker=plotting.MARKERS[index],
                color=color,
                label=f"{p} measured",
            )
            if "bound_gflops" in rows:
                ax.plot(
                    rows["n"],
                    rows["bound_gflops"],
                    linestyle=":",
                    color=color,
                    label=f"{p} roofline bound",
                )
        ax.set_title(LEVEL[op])
        ax.xaxis.set_minor_formatter(NullFormatter())
    values = table["gflops"]
    if "bound_gflops" in table:
        values = pd.concat([values, table["bound_gflops"]])
    for ax in axes:
        ax.set_ylim(float(values.min()) / 2, float(values.max()) * 2)
    # One legend under the panels, never over the data.
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig, axes


def gemm_against_scipy(n: int = 1024, *, rounds: int = 6, repeat: int = 3) -> pd.DataFrame:
    """The sweep's FP64 GEMM (NumPy ``matmul``) against SciPy's own ``dgemm``, interleaved.

    Both multiply the same ``n x n`` matrices (SciPy's in Fortran order, as BLAS wants them);
    ``rounds`` times, ``repeat`` calls of ours then ``repeat`` of SciPy's, so that a shared
    machine's noise falls on both alike. Returns one row per side with GFLOP/s at the best and
    at the median call, and the ratios ours / SciPy.
    """
    from scipy.linalg import blas as scipy_blas

    from aicompute.timing import benchmark

    n = _count("n", n, 16)
    rounds = _count("rounds", rounds)
    repeat = _count("repeat", repeat, 3)
    operation = blas_bench.prepare("gemm", n, "numpy", "fp64", "cpu", seed=2)
    rng = np.random.default_rng(3)
    a = np.asfortranarray(rng.standard_normal((n, n)))
    b = np.asfortranarray(rng.standard_normal((n, n)))
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(rounds):
        warm = 1 if index == 0 else 0
        ours += benchmark(operation.run, repeat=repeat, warmup=warm, number=1, device="cpu").samples
        theirs += benchmark(
            lambda: scipy_blas.dgemm(1.0, a, b), repeat=repeat, warmup=warm, number=1, device="cpu"
        ).samples
    flops = 2 * n**3
    frame = pd.DataFrame(
        [
            {
                "routine": "numpy.matmul (this chapter's sweep)",
                "n": n,
                "calls": len(ours),
                "best_gflops": flops / min(ours) / 1e9,
                "median_gflops": flops / float(np.median(ours)) / 1e9,
            },
            {
                "routine": "scipy.linalg.blas.dgemm (OpenBLAS)",
                "n": n,
                "calls": len(theirs),
                "best_gflops": flops / min(theirs) / 1e9,
                "median_gflops": flops / float(np.median(theirs)) / 1e9,
            },
        ]
    )
    frame["best_ratio"] = frame["best_gflops"] / frame["best_gflops"].iloc[1]
    frame["median_ratio"] = frame["median_gflops"] / frame["median_gflops"].iloc[1]
    return frame


# --------------------------------------------------------------------------------------------
# A multilayer perceptron's training step: how much of it is GEMM?
# --------------------------------------------------------------------------------------------

#: The chapter's reference network: MNIST-sized input, two hidden layers, ten classes.
REFERENCE_MLP = (784, 1024, 1024, 10)

# Elementwise FLOPs per element, a stated convention (PyTorch's counter ignores them):
# bias add 1, ReLU 1 (a comparison), ReLU backward 1, bias gradient 1 (a sum over the batch),
# softmax + cross-entropy 5 per logit forward (max, subtract, exp, sum, log/divide) and 2
# backward (softmax minus one-hot, divide by batch), SGD update 2 per parameter (w - lr g).
_LOSS_FORWARD, _LOSS_BACKWARD, _SGD = 5, 2, 2


def _widths(widths) -> tuple[int, ...]:
    widths = tuple(_count("width", w) for w in widths)
    if len(widths) < 2:
        raise ValueError(f"an MLP needs at least an input and an output width, got {widths}")
    return widths


def mlp_operations(widths=REFERENCE_MLP, batch: int = 128) -> pd.DataFrame:
    """Every operation of one SGD training step of a ReLU MLP, with its FLOPs by formula.

    Layers are ``Linear(widths[i], widths[i+1])``, ReLU between them, softmax cross-entropy at the
    end. Matrix products (``kind == "gemm"``) carry their shape ``m x k`` times ``k x n`` and their
    FP32 intensity; the first layer computes no input gradient (the data needs none), as autograd
    does. Elementwise FLOPs follow the convention stated in this module.
    """
    widths = _widths(widths)
    batch = _count("batch", batch)
    rows = []

    def gemm(layer, phase, name, m, n, k):
        w = gemm_work(m, n, k, "fp32")
        rows.append(
            {
                "layer": layer,
                "phase": phase,
                "operation": name,
                "kind": "gemm",
                "m": m,
                "n": n,
                "k": k,
                "flops": w.flops,
                "intensity_fp32": w.intensity,
            }
        )

    def elementwise(layer, phase, name, flops):
        rows.append(
            {
                "layer": layer,
                "phase": phase,
                "operation": name,
                "kind": "elementwise",
                "m": None,
                "n": None,
                "k": None,
                "flops": flops,
                "intensity_fp32": None,
            }
        )

    layers = list(zip(widths[:-1], widths[1:], strict=True))
    last = len(layers)
    for index, (n_in, n_out) in enumerate(layers, start=1):
        gemm(index, "forward", "X W^T", batch, n_out, n_in)
        elementwise(index, "forward", "+ bias", batch * n_out)
        if index < last:
            elementwise(index, "forward", "ReLU", batch * n_out)
    elementwise(last, "forward", "softmax cross-entropy", _LOSS_FORWARD * batch * widths[-1])
    elementwise(last, "backward", "softmax cross-entropy", _LOSS_BACKWARD * batch * widths[-1])
    for index in range(last, 0, -1):
        n_in, n_out = layers[index - 1]
        if index < last:
            elementwise(index, "backward", "ReLU", batch * n_out)
        gemm(index, "backward", "dW = dY^T X", n_out, n_in, batch)
        elementwise(index, "backward", "db = sum dY", batch * n_out)
        if index > 1:
            gemm(index, "backward", "dX = dY W", batch, n_in, n_out)
    for index, (n_in, n_out) in enumerate(layers, start=1):
        elementwise(index, "update", "SGD w -= lr g", _SGD * (n_in * n_out + n_out))
    return pd.DataFrame(rows)


def mlp_summary(operations: pd.DataFrame) -> dict[str, float]:
    """GEMM FLOPs, elementwise FLOPs, total and GEMM share of a :func:`mlp_operations` table."""
    validate.frame("operations", operations)
    if operations.empty or not {"kind", "flops"} <= set(operations.columns):
        raise ValueError("give a non-empty table from mlp_operations")
    by_kind = operations.groupby("kind")["flops"].sum()
    gemm_flops = float(by_kind.get("gemm", 0.0))
    other = float(by_kind.get("elementwise", 0.0))
    return {
        "gemm": gemm_flops,
        "elementwise": other,
        "total": gemm_flops + other,
        "gemm_share": gemm_flops / (gemm_flops + other),
    }


def attainable_fraction(
    operations: pd.DataFrame, peak_flops: float, bandwidth: float, precision: str = "fp32"
) -> float:
    """Fraction of ``peak_flops`` the step's GEMMs could reach together, by the roofline.

    Each product takes at least ``flops / min(peak, I x bandwidth)`` seconds at its compulsory
    intensity ``I`` in ``precision``; the fraction is the total GEMM FLOPs over that total time,
    divided by the peak. An upper bound: real kernels also lose to shapes and overheads.
    """
    from aicompute.roofline import attainable_flops

    validate.frame("operations", operations, ["kind", "m", "n", "k"])
    gemms = operations[operations["kind"] == "gemm"]
    if gemms.empty:
        raise ValueError("the table has no matrix products")
    seconds = 0.0
    for row in gemms.itertuples():
        w = gemm_work(int(row.m), int(row.n), int(row.k), precision)
        seconds += w.flops / attainable_flops(w.intensity, peak_flops, bandwidth)
    return float(gemms["flops"].sum()) / seconds / peak_flops


def share_by_batch(
    widths=REFERENCE_MLP,
    batches=(1, 8, 32, 128, 512),
    *,
    peak_flops: float | None = None,
    bandwidth: float | None = None,
) -> pd.DataFrame:
    """GEMM share of the training step's FLOPs at each batch size (and, given a roofline, the
    fraction of peak its GEMMs could reach)."""
    rows = []
    for batch in batches:
        ops = mlp_operations(widths, batch)
        summary = mlp_summary(ops)
        row = {
            "batch": batch,
            "gemm_gflop": summary["gemm"] / 1e9,
            "elementwise_mflop": summary["elementwise"] / 1e6,
            "gemm_share": summary["gemm_share"],
            "smallest_gemm_intensity_fp32": float(ops["intensity_fp32"].dropna().min()),
        }
        if peak_flops is not None and bandwidth is not None:
            row["attainable_fraction"] = attainable_fraction(ops, peak_flops, bandwidth)
        rows.append(row)
    return pd.DataFrame(rows)


def build_mlp(widths=REFERENCE_MLP, seed: int = 0):
    """``torch.nn.Sequential`` of ``Linear`` layers with ReLU between them, seeded."""
    import torch

    widths = _widths(widths)
    torch.manual_seed(validate.integer("seed", seed))
    layers: list = []
    for index, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        if index:
            layers.append(torch.nn.ReLU())
        layers.append(torch.nn.Linear(n_in, n_out))
    return torch.nn.Sequential(*layers)


def torch_training_flops(widths=REFERENCE_MLP, batch: int = 128, seed: int = 0) -> dict:
    """FLOPs of one training step as ``torch.utils.flop_counter.FlopCounterMode`` counts them.

    Runs forward, cross-entropy loss and backward on seeded random data under the counter.
    Returns ``{"total": ..., "by_operator": {name: flops}}``; the counter counts matrix products
    (``addmm``, ``mm``) only, so ``total`` checks the GEMM part of :func:`mlp_operations`.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    widths = _widths(widths)
    batch = _count("batch", batch)
    seed = validate.integer("seed", seed)
    model = build_mlp(widths, seed)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, widths[0], generator=generator)
    labels = torch.randint(0, widths[-1], (batch,), generator=generator)
    counter = FlopCounterMode(display=False)
    with counter:
        loss = torch.nn.functional.cross_entropy(model(x), labels)
        loss.backward()
    by_operator = {
        str(op).removeprefix("aten.").split(".")[0]: int(v)
        for op, v in counter.get_flop_counts()["Global"].items()
    }
    return {"total": int(counter.get_total_flops()), "by_operator": by_operator}


def time_training_step(
    widths=REFERENCE_MLP, batch: int = 128, *, seed: int = 0, repeat: int = 5
) -> dict[str, float]:
    """Time one SGD training step of the MLP, and the same step's matrix products alone.

    The products are replayed with ``torch.mm`` on tensors of the step's shapes (forward, weight
    and input gradients), so ``gemm_share_of_time`` is the share of the step's time that GEMM
    alone would take. Returns seconds (median), GFLOP/s of each and the shares of FLOPs and time.
    Set the thread count first (``backend.set_cpu_threads``) on a shared machine.
    """
    import torch

    from aicompute.timing import benchmark

    widths = _widths(widths)
    batch = _count("batch", batch)
    repeat = _count("repeat", repeat, 3)
    seed = validate.integer("seed", seed)
    model = build_mlp(widths, seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, widths[0], generator=generator)
    labels = torch.randint(0, widths[-1], (batch,), generator=generator)

    def step() -> None:
        optimizer.zero_grad(set_to_none=False)
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        optimizer.step()

    ops = mlp_operations(widths, batch)
    gemms = ops[ops["kind"] == "gemm"]
    pairs = [
        (
            torch.randn(int(r.m), int(r.k), generator=generator),
            torch.randn(int(r.k), int(r.n), generator=generator),
        )
        for r in gemms.itertuples()
    ]

    def products() -> None:
        for a, b in pairs:
            torch.mm(a, b)

    t_step = benchmark(step, repeat=repeat, warmup=2, device="cpu")
    t_gemm = benchmark(products, repeat=repeat, warmup=2, device="cpu")
    summary = mlp_summary(ops)
    return {
        "step_seconds": t_step.median,
        "gemm_seconds": t_gemm.median,
        "step_gflops": summary["total"] / t_step.median / 1e9,
        "gemm_gflops": summary["gemm"] / t_gemm.median / 1e9,
        "gemm_share_of_flops": summary["gemm_share"],
        "gemm_share_of_time": t_gemm.median / t_step.median,
    }


# --------------------------------------------------------------------------------------------
# The report's claims (제2장 제3절; 제3장 제2절 box), one audit each; their words live in the
# claims table ``data/claims/ch4.csv``.
# --------------------------------------------------------------------------------------------

#: Sizes at which the audit reads "low" and "high" intensity: a large vector or matrix.
_AUDIT_N = 4096
_REFERENCE_LABEL = "-".join(map(str, REFERENCE_MLP))


def _k40() -> dict[str, tuple[float, float]]:
    """K40 ``(peak FLOP/s, byte/s)`` per precision from the datasheet table (boost clock)."""
    from aicompute import hardware
    from aicompute.roofline import find_processor, processor_roofline

    table = hardware.datasheet()
    name = find_processor(table, "K40")
    return {p: processor_roofline(name, p, table) for p in ("fp64", "fp32")}


@functools.cache
def _reference_gemm_share() -> float:
    """Share of GEMM in the FLOPs of the reference MLP's training step at batch 128."""
    return mlp_summary(mlp_operations(REFERENCE_MLP, 128))["gemm_share"]


def _audit_intensity(op: str, precision: str) -> float:
    """FLOP/byte of ``op`` at the audit's size ``_AUDIT_N``."""
    return intensity(op, _AUDIT_N, precision)


@audits("ch4.backprop-is-blas")
def _backprop_finding(claim: Claim) -> Finding:
    share = _reference_gemm_share()
    return check(
        claim,
        100 * share,
        verdict=Verdict.HOLDS if share >= 0.9 else Verdict.ROUGHLY,
        ours_text=f"MLP {_REFERENCE_LABEL}, batch 128: GEMM "
        f"{100 * share:.2f} % of the training step's FLOPs",
        note="forward X·Wᵀ, backward dY·W and dYᵀ·X are GEMMs (BLAS-3); the rest (bias, ReLU, "
        "loss, SGD update) is elementwise, not BLAS; counts by formula, GEMMs checked with "
        "torch FlopCounterMode in the chapter",
    )


@audits("ch4.blas12-low-blas3-high")
def _intensity_finding(claim: Claim) -> Finding:
    """BLAS-1/2 low, BLAS-3 high: against the K40's ridge points (the report's GPU)."""
    from aicompute.roofline import ridge_point

    k40 = _k40()
    ridges = {p: ridge_point(*k40[p]) for p in k40}
    i = {op: {p: _audit_intensity(op, p) for p in k40} for op in OPS}
    holds = all(i["axpy"][p] < ridges[p] and i["gemv"][p] < ridges[p] < i["gemm"][p] for p in k40)
    return check(
        claim,
        i["gemm"]["fp64"],
        verdict=Verdict.HOLDS if holds else Verdict.DOES_NOT_HOLD,
        ours_text=f"FP64, n={_AUDIT_N}: AXPY {i['axpy']['fp64']:.3f}, "
        f"GEMV {i['gemv']['fp64']:.3f}, GEMM {i['gemm']['fp64']:.0f} FLOP/byte; "
        f"K40 ridge {ridges['fp64']:.1f} (FP64), {ridges['fp32']:.1f} (FP32)",
        note="AXPY 1/12 and GEMV about 1/4 FLOP/byte whatever the size; GEMM n/12 grows with n, "
        "if the algorithm reuses cached blocks",
    )


@audits("ch4.training-blas3-uses-peak")
def _training_peak_finding(claim: Claim) -> Finding:
    """Roofline bound of the step's GEMMs on a K40 in FP32, at batch 128 and batch 1."""
    peak, bw = _k40()["fp32"]
    at_128 = attainable_fraction(mlp_operations(REFERENCE_MLP, 128), peak, bw)
    at_1 = attainable_fraction(mlp_operations(REFERENCE_MLP, 1), peak, bw)
    if at_128 >= 0.9 and at_1 >= 0.9:
        verdict = Verdict.HOLDS
    elif at_128 >= 0.9:
        verdict = Verdict.ROUGHLY
    else:
        verdict = Verdict.DOES_NOT_HOLD
    return check(
        claim,
        100 * at_128,
        verdict=verdict,
        ours_text=f"K40 FP32 roofline, MLP {_REFERENCE_LABEL}: GEMMs can reach "
        f"{100 * at_128:.0f} % of peak at batch 128, {100 * at_1:.1f} % at batch 1",
        note="only with batches: at batch 1 every product is a matrix-vector one (BLAS-2), "
        "memory-bound; a roofline bound, not a measurement",
    )


@audits("ch4.cublas-k40-by-precision")
def _cublas_figure_finding(claim: Claim) -> Finding:
    """Figure 2-6's numbers are lost; the K40's bounds by precision are what it shows."""
    k40 = _k40()
    peak, bw = k40["fp32"]
    ratio = peak / k40["fp64"][0]
    gemv_share = 100 * _audit_intensity("gemv", "fp32") * bw / peak
    return check(
        claim,
        None,
        verdict=Verdict.UNCHECKABLE,
        ours_text=f"K40 datasheet (boost): FP32 {peak / 1e12:.2f}, FP64 "
        f"{k40['fp64'][0] / 1e12:.2f} TFLOP/s ({ratio:.0f}:1); GEMM n={_AUDIT_N} is "
        f"compute-bound in both, GEMV and AXPY reach ≤ {gemv_share:.0f} % of FP32 peak",
        note="the figure's values are not in the report's text (only its caption and NVIDIA's "
        "page as source); lab 2 measures cuBLAS by precision on a GPU",
    )


@audits("ch4.matmul-most-of-deep-learning")
def _matmul_share_finding(claim: Claim) -> Finding:
    """The count of the backpropagation claim, read as 'most'."""
    share = _reference_gemm_share()
    return check(
        claim,
        100 * share,
        verdict=Verdict.HOLDS if share > 0.5 else Verdict.DOES_NOT_HOLD,
        ours_text=f"{100 * share:.2f} % of an MLP step's FLOPs (batch 128); chapter 5: "
        "convolutions become GEMMs too",
        note="FLOPs, not time: elementwise work is memory-bound, so its share of time is larger "
        "than of FLOPs (measured in the chapter)",
    )


def audit() -> list[Finding]:
    """Every chapter-4 claim, recomputed from formulas and the datasheet table (no timings)."""
    return audit_chapter(4)


HEADERS: dict[str, str] = {
    "level": "BLAS level",
    "op": "operation",
    "precision": "precision",
    "fp64": "FP64 [FLOP/byte]",
    "fp32": "FP32 [FLOP/byte]",
    "bf16": "BF16 [FLOP/byte]",
    "loops": "loop order",
    "cache_kib": "cache [KiB]",
    "formula_bytes": "formula [bytes]",
    "counted_bytes": "counted [bytes]",
    "counted/formula": "counted / formula",
    "formula_intensity": "formula [FLOP/byte]",
    "counted_intensity": "counted [FLOP/byte]",
    "intensity": "intensity [FLOP/byte]",
    "gflops": "measured [GFLOP/s]",
    "gbs": "measured [GB/s]",
    "bound_gflops": "roof [GFLOP/s]",
    "of_bound": "share of the roof",
    "of_peak": "share of peak",
    "of_estimated_peak": "share of estimated peak",
    "routine": "routine",
    "calls": "calls",
    "best_gflops": "best [GFLOP/s]",
    "median_gflops": "median [GFLOP/s]",
    "best_ratio": "best / SciPy",
    "median_ratio": "median / SciPy",
    "gemm_gflop": "GEMM [GFLOP]",
    "elementwise_mflop": "elementwise [MFLOP]",
    "gemm_share": "GEMM share of FLOPs",
    "smallest_gemm_intensity_fp32": "smallest GEMM, FP32 [FLOP/byte]",
    "attainable_fraction": "attainable share of peak",
    "step_seconds": "step [s]",
    "gemm_seconds": "GEMM [s]",
    "step_gflops": "step [GFLOP/s]",
    "gemm_gflops": "GEMM [GFLOP/s]",
    "gemm_share_of_flops": "GEMM share of FLOPs",
    "gemm_share_of_time": "GEMM share of time",
}
"""Words, with units, for the columns of this module's tables."""


def display_table(
    frame: pd.DataFrame, headers: dict[str, str] | None = None, **options
) -> display.Table:
    """Any of this module's frames for people, with :data:`HEADERS` (``headers`` overrides)."""
    return display.labelled(frame, HEADERS, headers, **options)
