"""Check the chapter-3 measurements against standard tools, in one run on one machine.

Usage: python tools/bandwidth_check.py [--rounds 3] [--n 16777216] [--gemm-n 2048]

1. Builds ``aicompute.membench.STREAM_C_SOURCE`` (a STREAM-style benchmark in C) with
   ``gcc -O3 -fopenmp -march=native`` in a temporary folder.
2. Alternates, ``rounds`` times: the compiled STREAM (all cores, OpenMP) and
   ``aicompute.membench.measure_bandwidth`` (NumPy, same array size, same thread count) for copy
   and triad (also scale and add); then ``numpy.matmul`` and SciPy's own ``dgemm`` on the same
   matrix size.
   Alternating spreads the noise of a shared machine over both sides.
3. Prints, for each pair, the best rate of each side over all rounds (STREAM reports the best
   time) and the ratio. The two roofs of the chapter's roofline are the best of the four
   STREAM kernels and the GEMM rate, as ``membench.measure_machine`` computes them; the tool
   exits non-zero if either of those two ratios falls outside 0.9-1.1.
   Per-kernel ratios are printed for the discussion (NumPy's triad makes two passes, its copy
   goes through memcpy).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from aicompute import backend, membench  # noqa: E402

ROOF_KINDS = ("copy", "scale", "add", "triad")  # as in aicompute.membench.measure_machine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=2**24)
    parser.add_argument("--gemm-n", type=int, default=2048)
    args = parser.parse_args()
    threads = len(os.sched_getaffinity(0))
    print(backend.describe_machine())
    best: dict[str, float] = {}

    def keep(key: str, value: float) -> None:
        best[key] = max(best.get(key, 0.0), value)

    with tempfile.TemporaryDirectory() as folder:
        binary = membench.compile_c_stream(Path(folder))
        if binary is None:
            raise SystemExit("no gcc: cannot build the C reference")
        for round_ in range(args.rounds):
            c_rates = {
                kind: best
                for kind, (best, _median) in membench.run_c_stream(binary, args.n, threads).items()
            }
            for kind in membench.STREAM_KINDS:
                result = membench.measure_bandwidth(kind, args.n, threads=threads, repeat=10)
                keep(f"C STREAM {kind}", c_rates[kind])
                keep(f"NumPy {kind}", result.best_rate)
                if kind in ROOF_KINDS:  # the kinds the chapter's roof is the best of
                    keep("C STREAM roof", c_rates[kind])
                    keep("NumPy roof", result.best_rate)
            numpy_gemm = membench.measure_gemm_flops(args.gemm_n, repeat=5)
            scipy_gemm = membench.measure_gemm_flops_scipy(args.gemm_n, repeat=5)
            keep("numpy.matmul", numpy_gemm.best_rate)
            keep("scipy dgemm", scipy_gemm.best_rate)
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)

    print(
        f"\nbest over {args.rounds} rounds, {threads} threads, n = {args.n}, GEMM n = {args.gemm_n}"
    )
    failures = 0
    pairs = [(f"NumPy {k}", f"C STREAM {k}", "GB/s", False) for k in membench.STREAM_KINDS]
    pairs += [
        ("NumPy roof", "C STREAM roof", "GB/s", True),
        ("numpy.matmul", "scipy dgemm", "GFLOP/s", True),
    ]
    for ours, reference, unit, roof in pairs:
        ratio = best[ours] / best[reference]
        ok = 0.9 <= ratio <= 1.1
        failures += roof and not ok
        print(
            f"{ours:>17}: {best[ours] / 1e9:6.1f} {unit}  {reference:>20}: "
            f"{best[reference] / 1e9:6.1f} {unit}  ratio {ratio:.3f} "
            f"{'within 10 %' if ok else 'outside 10 %'}{'  (roof)' if roof else ''}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
