"""The course's performance benchmark: how close our code comes to the standard tools and to the
machine's physical limit, measured in one run on the machine at hand (`make bench`).

Prints, with the machine, its measured clock and the BLAS kernel in use:
  * our NumPy STREAM kernels / the compiled C STREAM (best of each, alternating rounds);
  * our GEMM (numpy.matmul) / the BLAS's own cblas_dgemm called directly;
  * our GEMM / the FP64 peak at the clock measured with all cores busy, and a one-thread GEMM
    timed by its CPU time / the one-core peak (steadier on a machine shared with other work);
  * each chapter notebook's execution time (copies executed in a temporary folder).
Each ratio is printed beside its target. Timings on a shared machine are noisy; run it on a
quiet one before reading much into a miss.

Usage: python tools/bench.py [--gemm-n 4096] [--rounds 3] [--no-notebooks] [notebooks ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from aicompute import backend, cpublas, cpuclock, hardware, membench
from aicompute.timing import benchmark

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"stream": 0.95, "gemm_vs_blas": 0.95, "gemm_vs_peak": 0.90, "notebook_s": 60.0}


def _mark(value: float, target: float, *, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "meets" if ok else "MISSES"


def stream_ratios(n: int, rounds: int) -> list[tuple[str, float, float]]:
    """(kind, ours best, C best) in byte/s, best over ``rounds`` alternating rounds."""
    ours: dict[str, float] = {}
    theirs: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        binary = membench.compile_c_stream(folder)
        if binary is None:
            return []
        for _ in range(rounds):
            for kind in membench.STREAM_KINDS:
                rate = membench.measure_bandwidth(kind, n, repeat=10).best_rate
                ours[kind] = max(ours.get(kind, 0.0), rate)
            for kind, (best, _median) in membench.run_c_stream(binary, n).items():
                theirs[kind] = max(theirs.get(kind, 0.0), best)
    return [(kind, ours[kind], theirs[kind]) for kind in membench.STREAM_KINDS]


def gemm_rates(n: int, rounds: int) -> tuple[float, float | None]:
    """Best FLOP/s of numpy.matmul and of the BLAS's own dgemm (None if not callable)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    c = np.empty((n, n))
    direct = cpublas.direct_dgemm()
    flops = 2 * n**3
    ours = theirs = 0.0
    for _ in range(rounds):
        timing = benchmark(lambda: np.matmul(a, b, out=c), repeat=3, warmup=1, device="cpu")
        ours = max(ours, flops / timing.best)
        if direct is not None:
            timing = benchmark(lambda: direct(a, b, c), repeat=3, warmup=1, device="cpu")
            theirs = max(theirs, flops / timing.best)
    return ours, (theirs if direct is not None else None)


def one_thread_gemm_cpu_time(n: int, repeat: int = 5) -> float:
    """Best FLOP/s of a one-thread numpy.matmul timed by the thread's CPU time.

    With one thread OpenBLAS computes in the calling thread, so its CPU time excludes the time
    slices other programs took: on a shared machine this is the rate while the core was ours.
    """
    rng = np.random.default_rng(1)
    a, b = rng.random((n, n)), rng.random((n, n))
    c = np.empty((n, n))
    np.matmul(a, b, out=c)  # warm-up
    best = 0.0
    for _ in range(repeat):
        start = time.thread_time()
        np.matmul(a, b, out=c)
        elapsed = time.thread_time() - start
        if elapsed > 0:
            best = max(best, 2 * n**3 / elapsed)
    return best


def notebook_seconds(path: Path) -> tuple[float, str]:
    """Execute a copy of ``path`` in a temporary folder: (seconds, '' or the error)."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copy(path, copy)
        notebook = nbformat.read(copy, as_version=4)
        client = NotebookClient(
            notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        start = time.perf_counter()
        try:
            client.execute()
        except Exception as error:  # report and go on: one broken notebook must not hide others
            name = getattr(error, "ename", None) or type(error).__name__
            return time.perf_counter() - start, f"{name}: {getattr(error, 'evalue', error)}"[:200]
        return time.perf_counter() - start, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gemm-n", type=int, default=4096)
    parser.add_argument("--stream-n", type=int, default=2**24)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    args = parser.parse_args(argv)
    for name, minimum in (("gemm_n", 16), ("stream_n", 1024), ("rounds", 1)):
        if getattr(args, name) < minimum:
            parser.error(f"--{name.replace('_', '-')} must be at least {minimum}")

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # each line as soon as it is measured
    print(backend.describe_machine())
    cpu = hardware.cpu_info()
    clock = cpuclock.measure_clock()
    print(clock.describe())
    nominal = "unknown" if cpu.clock_ghz is None else f"{cpu.clock_ghz:.2f} GHz"
    print(f"nominal clock: {nominal} ({cpu.clock_source})")
    info = cpublas.blas_library()
    peak = hardware.cpu_peak(clock, cpu, bits=64)
    print(
        f"BLAS: {info.library} {info.version or ''}, {info.threads} threads, kernel "
        f"{info.kernel or 'unknown'} ({info.kernel_vector_bits or '?'}-bit vectors; the CPU: "
        f"{cpu.simd}, {cpu.datapath_bits}-bit datapath); {cpublas.CORETYPE_VARIABLE} "
        f"{info.coretype_text()}"
    )
    print()

    print(f"{'ratio':<44}{'measured':>10}{'target':>9}  verdict")
    for kind, ours, theirs in stream_ratios(args.stream_n, args.rounds):
        ratio = ours / theirs
        label = f"STREAM {kind}: ours {ours / 1e9:.1f} / C {theirs / 1e9:.1f} GB/s"
        print(f"{label:<44}{ratio:>10.3f}{TARGETS['stream']:>9.2f}  {_mark(ratio, 0.95)}")

    ours, theirs = gemm_rates(args.gemm_n, args.rounds)
    if theirs is not None:
        ratio = ours / theirs
        label = f"GEMM n={args.gemm_n}: matmul / cblas_dgemm"
        print(f"{label:<44}{ratio:>10.3f}{TARGETS['gemm_vs_blas']:>9.2f}  {_mark(ratio, 0.95)}")
    share = ours / peak.measured
    native = not info.is_forced
    target = TARGETS["gemm_vs_peak"]
    label = f"GEMM {ours / 1e9:.1f} / peak {peak.measured / 1e9:.1f} GFLOP/s"
    verdict = _mark(share, target) if native else "(target: native kernel only)"
    if peak.exceeded_by(ours):
        verdict = "ERROR: above the peak at the measured clock"
    print(f"{label:<44}{share:>10.3f}{target:>9.2f}  {verdict}")
    ceiling = cpublas.kernel_peak_flops(info, peak, cpu)
    if ceiling is not None and ceiling < peak.measured:
        print(
            f"  kernel {info.kernel} can reach at most {ceiling / 1e9:.1f} GFLOP/s "
            f"({ceiling / peak.measured:.0%} of the peak); GEMM is {ours / ceiling:.0%} of that"
        )
    if peak.nominal:
        print(f"  (at the nominal clock the peak would be {peak.nominal / 1e9:.1f} GFLOP/s)")
    backend.set_cpu_threads(1)
    try:
        one = one_thread_gemm_cpu_time(min(args.gemm_n, 2048))
    finally:
        backend.set_cpu_threads(info.threads or os.cpu_count() or 1)
    core = hardware.cpu_peak(clock, cpu, bits=64, cores=1)
    share = one / core.measured
    label = f"GEMM 1 thread, CPU time: {one / 1e9:.1f} / {core.measured / 1e9:.1f}"
    verdict = _mark(share, target) if native else "(target: native kernel only)"
    if core.exceeded_by(one):
        verdict = "ERROR: above the one-core peak at the measured clock"
    print(f"{label:<44}{share:>10.3f}{target:>9.2f}  {verdict}")

    if args.no_notebooks:
        return 0
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"\n{'notebook (copy executed)':<44}{'seconds':>10}{'target':>9}  verdict")
    for path in paths:
        seconds, error = notebook_seconds(path)
        mark = f"FAILED {error}" if error else _mark(seconds, 60.0, higher_is_better=False)
        print(f"{path.name:<44}{seconds:>10.1f}{TARGETS['notebook_s']:>9.0f}  {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
