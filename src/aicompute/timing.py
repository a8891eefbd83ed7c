"""Benchmarking done right: warm up, repeat, synchronise the GPU, report the median and spread.

A single clock reading lies: the first call pays for compilation, caches and page faults, the
operating system interrupts, and a GPU call returns before its kernel has run. :func:`benchmark`
runs the function a few times to warm up, then times ``repeat`` samples, each of ``number``
calls (chosen so a sample lasts long enough for the clock to resolve it), synchronising the GPU
before and after every sample. It reports the median time per call, which resists outliers,
and the interquartile range as the spread.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from aicompute import backend, validate

__all__ = ["Timing", "benchmark"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call over repeated samples."""

    samples: tuple[float, ...]
    number: int
    device: str

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """Interquartile range of seconds per call (0 with fewer than 4 samples)."""
        if len(self.samples) < 4:
            return 0.0
        quartiles = statistics.quantiles(self.samples, n=4)
        return quartiles[2] - quartiles[0]

    @property
    def best(self) -> float:
        """Fastest sample, seconds per call."""
        return min(self.samples)

    def rate(self, work: float) -> float:
        """Work per second at the median time, e.g. FLOP/s for ``work`` FLOPs per call."""
        if work < 0:
            raise ValueError(f"work must be non-negative, got {work}")
        return work / self.median

    def __str__(self) -> str:
        return (
            f"{self.median * 1e3:.3g} ms per call (IQR {self.spread * 1e3:.2g} ms, "
            f"{len(self.samples)} samples x {self.number}, {self.device})"
        )


def benchmark(
    fn: Callable[[], object],
    *,
    repeat: int = 7,
    warmup: int = 2,
    number: int | None = None,
    min_sample_time: float = 0.02,
    gpu_warmup_seconds: float = 0.0,
    device=None,
) -> Timing:
    """Time ``fn()``: median and spread of seconds per call.

    Args:
        fn: the work, a function of no arguments (wrap arguments with a lambda).
        repeat: number of timed samples (at least 3, for a median that means something).
        warmup: untimed calls first (compilation, caches, allocator).
        number: calls per sample; ``None`` chooses it so a sample takes ``min_sample_time``.
        gpu_warmup_seconds: when ``device`` is a GPU, keep warming up until this much time has
            passed, too. A GPU that sat idle (while the host prepared data or checked a result)
            drops to a low clock and needs to be kept busy for a while before it runs at its
            working clock again. Ignored on the CPU.
        device: what to synchronise: an array module, a ``torch.device``, ``"cpu"``/``"cuda"``,
            or ``None`` for every usable GPU library.
    """
    validate.function("fn", fn)
    if repeat < 3:
        raise ValueError(f"repeat must be at least 3 for a meaningful median, got {repeat}")
    if warmup < 0:
        raise ValueError(f"warmup must be non-negative, got {warmup}")
    if number is not None and number < 1:
        raise ValueError(f"number must be at least 1, got {number}")
    if min_sample_time <= 0:
        raise ValueError(f"min_sample_time must be positive, got {min_sample_time}")
    if not gpu_warmup_seconds >= 0:
        raise ValueError(f"gpu_warmup_seconds must be non-negative, got {gpu_warmup_seconds}")
    warmup_seconds = gpu_warmup_seconds if _device_name(device) != "cpu" else 0.0

    def timed(calls: int) -> float:
        backend.synchronize(device)
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        backend.synchronize(device)
        return time.perf_counter() - start

    calls, warm_start = 0, time.perf_counter()
    while calls < warmup or time.perf_counter() - warm_start < warmup_seconds:
        timed(1)
        calls += 1
    if number is None:
        number = 1
        while True:
            elapsed = timed(number)
            if elapsed >= min_sample_time or number >= 1_000_000:
                break
            number *= 10 if elapsed < min_sample_time / 10 else 2
    samples = tuple(timed(number) / number for _ in range(repeat))
    return Timing(samples=samples, number=number, device=_device_name(device))


def _device_name(device) -> str:
    if device is None:
        gpu = backend.torch_cuda_status().usable or backend.cupy_status().usable
        return "gpu" if gpu else "cpu"
    name = getattr(device, "__name__", None)
    if name is not None:  # an array module
        return "gpu" if backend.on_gpu(device) else "cpu"
    return str(getattr(device, "type", device))
