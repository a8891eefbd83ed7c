"""The CPU's clock, measured under load rather than read from the operating system.

The clock the operating system reports is often not the one the cores run at: in a virtual
machine ``/proc/cpuinfo`` shows the time-stamp counter's fixed frequency, and a core under load
turbo-boosts above its base clock. A peak estimated from such a clock can sit below what a
matrix product really reaches. So we measure it.

The probe is a chain of dependent integer additions, ``x += step`` repeated, each needing the
previous result. An integer add between two registers takes exactly one cycle on every x86-64
and AArch64 core of the last fifteen years, and a dependent chain cannot overlap, so the chain
runs at one add per cycle: adds per second = cycles per second. The adds use a register, not an
immediate: recent Intel cores (Golden Cove onwards) fold ``add reg, 1`` at rename and would run
two of them per cycle. The chain is written in inline assembly (a compiler would fold it to one
add) in a small C program built with ``gcc`` like the C STREAM of :mod:`aicompute.membench`,
and timed on one core, then on every core at once (one OpenMP thread each) since a processor
often runs slower when all its cores are busy. Each thread times itself with its own CPU-time
clock, so time slices the operating system gives to other programs are not counted: the probe
measures how fast a core runs, not how much of it this program got.

Without a C compiler a NumPy fallback times a cumulative sum of integers: a dependent chain too,
but with a load and a store per add it takes one cycle *or more* per element, so it gives only a
lower bound on the clock, and says so.
"""

from __future__ import annotations

import math
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aicompute import validate

__all__ = [
    "ADDS_PER_LOOP",
    "CLOCK_C_SOURCE",
    "ClockMeasurement",
    "compile_clock_probe",
    "parse_probe_output",
    "run_clock_probe",
    "numpy_clock_lower_bound",
    "measure_clock",
]

ADDS_PER_LOOP = 128
"""Dependent adds per loop iteration of the C probe (the loop's own counter runs beside them)."""

CLOCK_C_SOURCE = r"""/* Clock probe: a chain of dependent register adds, one cycle each.
   Build: gcc -O2 -fopenmp -o clockprobe clockprobe.c
   Run:   OMP_NUM_THREADS=T ./clockprobe LOOPS REPEAT
   Output: a header line, then one line per thread: thread number, best adds per second. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#define ADD1 "add %1, %0\n\t"
#elif defined(__aarch64__)
#define ADD1 "add %0, %0, %1\n\t"
#else
#error "no dependent-add chain for this architecture"
#endif
#define ADD4 ADD1 ADD1 ADD1 ADD1
#define ADD16 ADD4 ADD4 ADD4 ADD4
#define ADD64 ADD16 ADD16 ADD16 ADD16

/* The thread's own CPU time: time slices given to other programs on a shared machine do not
   count, so the rate is cycles per second *while this core runs the chain*. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* 128 adds per iteration, each depending on the one before. */
static long chain(long loops, long x, long step) {
    for (long i = 0; i < loops; i++) {
        __asm__ volatile(ADD64 ADD64 : "+r"(x) : "r"(step));
    }
    return x;
}

int main(int argc, char **argv) {
    long loops = argc > 1 ? atol(argv[1]) : 1000000L;
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    if (loops < 1000 || repeat < 1) {
        fprintf(stderr, "need LOOPS >= 1000 and REPEAT >= 1\n");
        return 2;
    }
    int threads = omp_get_max_threads();
    double *best = calloc(threads, sizeof(double));
    if (!best) return 1;
    long sink = 0, step = argc; /* unknown to the compiler: it cannot fold the chain */
#pragma omp parallel reduction(+ : sink)
    {
        int id = omp_get_thread_num();
        sink += chain(loops / 4, id, step); /* warm up: let the core reach its load clock */
        for (int r = 0; r < repeat; r++) {
#pragma omp barrier
            double start = now();
            sink += chain(loops, id, step);
            double rate = 128.0 * loops / (now() - start);
            if (rate > best[id]) best[id] = rate;
        }
    }
    printf("threads %d adds %ld check %ld\n", threads, 128 * loops, sink);
    for (int i = 0; i < threads; i++) printf("%d %.6e\n", i, best[i]);
    free(best);
    return 0;
}
"""


def _check_count(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class ClockMeasurement:
    """A measured CPU clock: one core alone, and each core while all are busy (Hz).

    ``lower_bound`` is true for the NumPy fallback, whose figure the true clock exceeds.
    """

    single_core_hz: float
    per_core_hz: tuple[float, ...]
    method: str
    lower_bound: bool = False

    def __post_init__(self):
        values = (self.single_core_hz, *self.per_core_hz)
        if not self.per_core_hz:
            raise ValueError("per_core_hz must hold one clock per busy core")
        for value in values:
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"clock rates must be positive finite Hz, got {value!r}")

    @property
    def all_cores_hz(self) -> float:
        """Mean clock of the cores while all of them run (the clock a parallel GEMM sees)."""
        return statistics.fmean(self.per_core_hz)

    @property
    def single_core_ghz(self) -> float:
        return self.single_core_hz / 1e9

    @property
    def all_cores_ghz(self) -> float:
        return self.all_cores_hz / 1e9

    @property
    def cores(self) -> int:
        return len(self.per_core_hz)

    def describe(self) -> str:
        """One line for a reader: both clocks and how they were measured."""
        bound = "at least " if self.lower_bound else ""
        return (
            f"measured clock: {bound}{self.single_core_ghz:.2f} GHz on one core, "
            f"{bound}{self.all_cores_ghz:.2f} GHz with {self.cores} cores busy ({self.method})"
        )


def compile_clock_probe(folder, compiler: str = "gcc") -> Path | None:
    """Write :data:`CLOCK_C_SOURCE` into ``folder`` and build it; the executable's path.

    ``None`` when ``compiler`` is not installed, the processor is neither x86 nor AArch64, or
    the build fails (a compiler without OpenMP, say): the caller then falls back to NumPy.
    """
    validate.instance("folder", folder, (str, os.PathLike), "a folder's path")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder {folder} does not exist")
    if shutil.which(compiler) is None:
        return None
    if platform.machine().lower() not in ("x86_64", "amd64", "i686", "i386", "aarch64", "arm64"):
        return None
    source, binary = folder / "clockprobe.c", folder / "clockprobe"
    source.write_text(CLOCK_C_SOURCE)
    build = subprocess.run(
        [compiler, "-O2", "-fopenmp", "-o", str(binary), str(source)],
        capture_output=True,
        timeout=120,
    )
    return binary if build.returncode == 0 else None


def parse_probe_output(text: str) -> tuple[float, ...]:
    """Adds per second of each thread from the probe's output (validated, in thread order)."""
    lines = [line.split() for line in str(text).strip().splitlines()]
    if not lines or len(lines[0]) < 2 or lines[0][0] != "threads":
        raise ValueError(f"not the clock probe's output: {text!r}")
    threads = int(lines[0][1])
    rows = lines[1:]
    if threads < 1 or len(rows) != threads:
        raise ValueError(f"expected {threads} thread lines, got {len(rows)}: {text!r}")
    rates = []
    for expected, row in enumerate(rows):
        if len(row) != 2 or int(row[0]) != expected:
            raise ValueError(f"malformed thread line {' '.join(row)!r}")
        rate = float(row[1])
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"thread {expected} reports a rate of {rate}")
        rates.append(rate)
    return tuple(rates)


def run_clock_probe(
    binary, threads: int = 1, *, loops: int = 400_000, repeat: int = 7, timeout: float = 60
) -> tuple[float, ...]:
    """Run the built probe on ``threads`` threads: each thread's best adds (= cycles) per second.

    ``loops`` x 128 adds per timing (400,000 loops: about 20 ms at 2.5 GHz), best of ``repeat``.
    """
    validate.instance("binary", binary, (str, os.PathLike), "the path of the built probe")
    threads = _check_count("threads", threads)
    loops = _check_count("loops", loops, 1000)
    repeat = _check_count("repeat", repeat)
    if not os.path.isfile(binary):
        raise ValueError(f"binary must be the built probe, but there is no file {binary!r}")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="spread")
    out = subprocess.run(
        [str(binary), str(loops), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    ).stdout
    rates = parse_probe_output(out)
    if len(rates) != threads:
        raise RuntimeError(f"asked for {threads} threads, the probe ran {len(rates)}")
    return rates


def numpy_clock_lower_bound(*, size: int = 8192, repeat: int = 50) -> float:
    """A lower bound on one core's clock (Hz) from a NumPy cumulative sum of integers.

    Each element's sum depends on the previous one, so elements per second cannot exceed cycles
    per second; the load and store around each add make it slower, often several times, so this
    is a rough bound, used only when no C compiler is available.
    """
    size = _check_count("size", size, 256)
    repeat = _check_count("repeat", repeat)
    values = np.ones(size, dtype=np.int64)
    out = np.empty_like(values)
    best = 0.0
    for _ in range(repeat):
        start = time.thread_time()  # CPU time, like the C probe
        for _ in range(10):
            np.add.accumulate(values, out=out)
        elapsed = time.thread_time() - start
        if elapsed > 0:  # a coarse CPU-time clock can read zero for a short run
            best = max(best, 10 * size / elapsed)
    if best == 0.0:
        raise RuntimeError("the CPU-time clock is too coarse to time the cumulative sum")
    return best


def measure_clock(
    *, threads: int | None = None, loops: int = 400_000, repeat: int = 7, compiler: str = "gcc"
) -> ClockMeasurement:
    """Measure the clock on one core and on ``threads`` cores at once (default: all usable).

    Uses the C probe when ``compiler`` builds it, else the NumPy lower bound (one figure for
    every core, ``lower_bound=True``). About a second in all with the defaults.
    """
    threads = _usable_cores() if threads is None else _check_count("threads", threads)
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_clock_probe(folder, compiler)
        if binary is not None:
            single = run_clock_probe(binary, 1, loops=loops, repeat=repeat)[0]
            busy = run_clock_probe(binary, threads, loops=loops, repeat=repeat)
            return ClockMeasurement(single, busy, "dependent-add chain in C")
    bound = numpy_clock_lower_bound()
    return ClockMeasurement(
        bound, (bound,) * threads, "NumPy cumulative sum, rough lower bound", lower_bound=True
    )
