"""What processor runs this code, its estimated peaks, and a cited table of datasheet figures.

:func:`cpu_info` reads the processor model, core count, vector (SIMD) width and FMA support from
the operating system and estimates the peak FLOP/s as

    peak = cores x clock x (FLOPs per cycle per core),
    FLOPs per cycle per core = (vector bits / element bits) x 2 (an FMA counts two) x FMA units.

The estimate states its assumptions (clock and FMA units are not always readable), so treat it
as an upper bound to compare measurements with, not a datasheet figure. The clock the operating
system reports is often not the one the cores run at (a VM shows a fixed reference frequency, a
busy core turbo-boosts), so :func:`cpu_peak` puts the peak at the clock
:mod:`aicompute.cpuclock` measures, the nominal figure beside it, and reports a rate above it as
an error (:meth:`CpuPeak.judge`).
:func:`datasheet` returns the curated table ``hardware.csv`` of vendor figures (one row per
processor, each with its source), and :func:`lookup` finds the row for a detected GPU's name
(:func:`aicompute.backend.gpu_info` detects the GPU, since only the GPU libraries can).
"""

from __future__ import annotations

import math
import os
import platform
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from aicompute import data, validate

__all__ = [
    "CpuInfo",
    "cpu_info",
    "datasheet",
    "lookup",
    "flops_per_cycle",
    "estimated_cpu_peak_flops",
    "CpuPeak",
    "cpu_peak",
]

_PROC_CPUINFO = Path("/proc/cpuinfo")


@dataclass(frozen=True)
class CpuInfo:
    """The host processor as the operating system reports it."""

    model: str
    logical_cores: int
    flags: frozenset[str]
    clock_ghz: float | None
    clock_source: str
    vendor: str
    family: int | None
    model_number: int | None = None

    @property
    def vector_bits(self) -> int:
        """Widest SIMD register the instruction set offers (bits)."""
        if "avx512f" in self.flags:
            return 512
        if "avx" in self.flags or "avx2" in self.flags:
            return 256
        if "sse2" in self.flags or "asimd" in self.flags or platform.machine() in ("arm64",):
            return 128
        return 64

    @property
    def datapath_bits(self) -> int:
        """Width the FMA units actually compute per cycle (bits).

        AMD's cores before Zen 5 split wide vectors over narrower units: Zen 1 and Zen+ (family
        23, 0x17, models below 0x30) and earlier families have 128-bit FMA units; Zen 2 to Zen 4
        (the rest of family 23, and family 25) have 256-bit ones, even for AVX-512 on Zen 4.
        Elsewhere the register width is the datapath.
        """
        if self.vendor == "AuthenticAMD" and self.family is not None:
            early_zen = self.family == 23 and (self.model_number or 0) < 0x30
            if self.family < 23 or early_zen:
                return min(self.vector_bits, 128)
            if self.family <= 25:
                return min(self.vector_bits, 256)
        return self.vector_bits

    @property
    def has_fma(self) -> bool:
        """Fused multiply-add support (two FLOPs per lane per instruction)."""
        return bool({"fma", "asimd"} & self.flags)

    @property
    def simd(self) -> str:
        """A short label of the vector extensions, e.g. ``'AVX-512, FMA'``."""
        names = {512: "AVX-512", 256: "AVX2" if "avx2" in self.flags else "AVX", 128: "SSE2/NEON"}
        label = names.get(self.vector_bits, "scalar")
        return f"{label}, FMA" if self.has_fma else label


def _read_cpuinfo(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break  # the first processor's block is enough
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def _max_clock_ghz() -> tuple[float | None, str]:
    max_freq = Path("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    try:
        return int(max_freq.read_text().strip()) / 1e6, "cpufreq maximum"
    except (OSError, ValueError):
        return None, ""


def cpu_info(cpuinfo_text: str | None = None) -> CpuInfo:
    """The host CPU; ``cpuinfo_text`` lets tests pass a ``/proc/cpuinfo`` of another machine."""
    if cpuinfo_text is None and _PROC_CPUINFO.exists():
        cpuinfo_text = _PROC_CPUINFO.read_text()
    fields = _read_cpuinfo(cpuinfo_text or "")
    model = fields.get("model name") or platform.processor() or platform.machine() or "unknown"
    flags = frozenset((fields.get("flags") or fields.get("Features") or "").split())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    clock, source = _max_clock_ghz()
    if clock is None and fields.get("cpu MHz"):
        clock, source = float(fields["cpu MHz"]) / 1e3, "/proc/cpuinfo current clock"
    if clock is None:
        match = re.search(r"@\s*([\d.]+)\s*GHz", model)
        if match:
            clock, source = float(match.group(1)), "model name"
    family = fields.get("cpu family")
    model_field = fields.get("model")
    return CpuInfo(
        model=re.sub(r"\s+", " ", model).strip(),
        logical_cores=int(cores or 1),
        flags=flags,
        clock_ghz=clock,
        clock_source=source or "unknown",
        vendor=fields.get("vendor_id", ""),
        family=int(family) if family and family.isdigit() else None,
        model_number=int(model_field) if model_field and model_field.isdigit() else None,
    )


def flops_per_cycle(
    cpu: CpuInfo, *, bits: int = 64, fma_units: int = 2, vector_bits: int | None = None
) -> int:
    """FLOPs one core can finish per cycle: lanes x 2 (FMA) x ``fma_units``.

    ``vector_bits`` caps the vector width a program uses (a BLAS kernel written for 256-bit AVX2
    uses half of a 512-bit datapath); by default the full datapath.
    """
    validate.instance("cpu", cpu, CpuInfo)
    if bits not in (16, 32, 64):
        raise ValueError(f"bits must be 16, 32 or 64, got {bits}")
    if isinstance(fma_units, bool) or not isinstance(fma_units, int) or fma_units < 1:
        raise ValueError(f"fma_units must be at least 1 and an integer, got {fma_units!r}")
    width = cpu.datapath_bits
    if vector_bits is not None:
        if vector_bits not in (64, 128, 256, 512):
            raise ValueError(f"vector_bits must be 64, 128, 256 or 512, got {vector_bits!r}")
        width = min(width, vector_bits)
    lanes = max(width // bits, 1)
    return lanes * (2 if cpu.has_fma else 1) * fma_units


def estimated_cpu_peak_flops(
    cpu: CpuInfo | None = None,
    *,
    bits: int = 64,
    fma_units: int = 2,
    clock_ghz: float | None = None,
    cores: int | None = None,
    vector_bits: int | None = None,
) -> float | None:
    """Upper-bound FLOP/s of the host CPU at ``bits``-bit floats; ``None`` if the clock is unknown.

    ``clock_ghz`` replaces the operating system's clock (pass the measured one, see
    :mod:`aicompute.cpuclock`; the nominal clock of a VM is often below the real one), ``cores``
    the core count (1 for a one-thread peak), ``vector_bits`` caps the vector width (see
    :func:`flops_per_cycle`). Assumes ``fma_units`` vector FMA pipes per core (two on current
    x86 server and desktop cores) and that every logical core is a physical one (true on cloud
    VMs that pin vCPUs; with SMT the estimate counts the shared pipes twice, an upper bound).
    """
    cpu = cpu or cpu_info()
    per_cycle = flops_per_cycle(cpu, bits=bits, fma_units=fma_units, vector_bits=vector_bits)
    if clock_ghz is not None:
        if isinstance(clock_ghz, bool) or not isinstance(clock_ghz, (int, float)):
            raise ValueError(f"clock_ghz must be a number, got {clock_ghz!r}")
        if not (math.isfinite(clock_ghz) and clock_ghz > 0):
            raise ValueError(f"clock_ghz must be positive and finite, got {clock_ghz}")
    if cores is not None and (isinstance(cores, bool) or not isinstance(cores, int) or cores < 1):
        raise ValueError(f"cores must be an integer >= 1, got {cores!r}")
    clock = cpu.clock_ghz if clock_ghz is None else clock_ghz
    if clock is None:
        return None
    return (cpu.logical_cores if cores is None else cores) * clock * 1e9 * per_cycle


def datasheet() -> pd.DataFrame:
    """The curated table of datasheet figures (``hardware.csv``), one row per processor."""
    return data.load("hardware")


def _normalise(name: str) -> str:
    name = name.lower()
    for noise in ("nvidia", "tesla", "geforce", "intel(r)", "(r)", "(tm)", "cpu"):
        name = name.replace(noise, " ")
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


# Words that make a different product of the same number ("GTX 1070 Ti" is not a "GTX 1070",
# "H100 NVL" not an "H100 PCIe"): a detected name carrying one only matches a row that has it.
_VARIANT_WORDS = frozenset({"ti", "super", "xp", "max", "q", "mobile", "laptop", "notebook", "nvl"})


def lookup(name: str) -> pd.Series | None:
    """The datasheet row whose name or alias best matches a detected device name, or ``None``.

    Matching is on normalised words: every word of a row's name (or of one of its ``aliases``,
    separated by ``|``) must appear in the detected name; the longest such match wins, so
    ``"NVIDIA H100 80GB HBM3"`` finds the ``H100 SXM`` row through its alias ``h100 hbm3``.
    A variant word of the detected name (``Ti``, ``Super``, ``NVL``, ...) must also be in the
    row's name, so ``"GeForce GTX 1070 Ti"`` does not read as a GTX 1070.
    """
    name = validate.text("device name", name)
    table = datasheet()
    detected = set(_normalise(name).split())
    best, best_score = None, 0
    for _, row in table.iterrows():
        candidates = [row["name"]] + [
            a for a in str(row.get("aliases", "") or "").split("|") if a.strip()
        ]
        for candidate in candidates:
            words = _normalise(candidate).split()
            if words and set(words) <= detected and (detected & _VARIANT_WORDS) <= set(words):
                score = sum(len(w) for w in words)
                if score > best_score:
                    best, best_score = row, score
    return best


@dataclass(frozen=True)
class CpuPeak:
    """The estimated peak at the nominal clock and at the measured one, side by side (FLOP/s).

    ``measured_clock_ghz`` is the clock measured with every core busy for a peak over all cores
    (one core alone for ``cores=1``); ``nominal_*`` is ``None`` when the system reports no clock.
    """

    bits: int
    cores: int
    flops_per_cycle: int
    nominal_clock_ghz: float | None
    nominal_source: str
    measured_clock_ghz: float
    measured_method: str
    clock_is_lower_bound: bool

    @property
    def nominal(self) -> float | None:
        if self.nominal_clock_ghz is None:
            return None
        return self.cores * self.nominal_clock_ghz * 1e9 * self.flops_per_cycle

    @property
    def measured(self) -> float:
        """The peak at the measured clock: the ceiling a measured rate is compared with."""
        return self.cores * self.measured_clock_ghz * 1e9 * self.flops_per_cycle

    def share(self, rate: float) -> float:
        """``rate`` (FLOP/s) as a fraction of the peak at the measured clock."""
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise ValueError(f"rate must be a number of FLOP/s, got {rate!r}")
        if not (math.isfinite(rate) and rate >= 0):
            raise ValueError(f"rate must be non-negative and finite, got {rate}")
        return rate / self.measured

    def exceeded_by(self, rate: float, tolerance: float = 0.02) -> bool:
        """Whether ``rate`` is above the peak at the measured clock by more than ``tolerance``."""
        if not (math.isfinite(tolerance) and 0 <= tolerance < 1):
            raise ValueError(f"tolerance must be in [0, 1), got {tolerance}")
        return self.share(rate) > 1 + tolerance

    def judge(self, rate: float, label: str = "GEMM", tolerance: float = 0.02) -> str:
        """One sentence: ``rate`` as a share of the peak at the measured clock, or, when it is
        above that peak, an error with the clock the rate would need, never a share over 100 %.
        Wrapped at 79 columns, the width of the book's column.
        """
        return textwrap.fill(self._judgement(rate, label, tolerance), 79, subsequent_indent="  ")

    def _judgement(self, rate: float, label: str, tolerance: float) -> str:
        share = self.share(rate)
        nominal = ""
        if self.nominal is not None:
            nominal = f"; at the nominal {self.nominal_clock_ghz:.2f} GHz the peak would be "
            nominal += f"{self.nominal / 1e9:,.1f} GFLOP/s"
        head = f"{label}: {rate / 1e9:,.1f} GFLOP/s"
        peak = (
            f"the peak at the measured {self.measured_clock_ghz:.2f} GHz "
            f"({self.measured / 1e9:,.1f} GFLOP/s, {self.cores} core(s) x "
            f"{self.flops_per_cycle} FLOP/cycle)"
        )
        if not self.exceeded_by(rate, tolerance):
            return f"{head} = {share:.0%} of {peak}{nominal}."
        needed = rate / (self.cores * self.flops_per_cycle * 1e9)
        cause = (
            "the clock probe gave only a lower bound (no C compiler), so the true clock is higher"
            if self.clock_is_lower_bound
            else "the clock changed between the probe and the product, or the FLOP count or "
            "the FLOP/cycle assumed is wrong"
        )
        return (
            f"error: {head} is above {peak}. No processor beats its peak; this rate needs a "
            f"clock of at least {needed:.2f} GHz, so {cause}{nominal}."
        )


def cpu_peak(
    clock, cpu: CpuInfo | None = None, *, bits: int = 64, cores: int | None = None, fma_units=2
) -> CpuPeak:
    """The peak at the measured ``clock`` (a :class:`aicompute.cpuclock.ClockMeasurement`).

    With ``cores=1`` the one-core clock is used, else the clock measured with all cores busy.
    """
    cpu = cpu or cpu_info()
    cores = cpu.logical_cores if cores is None else cores
    if isinstance(cores, bool) or not isinstance(cores, int) or cores < 1:
        raise ValueError(f"cores must be an integer >= 1, got {cores!r}")
    if not hasattr(clock, "single_core_ghz") or not hasattr(clock, "all_cores_ghz"):
        raise TypeError(f"clock must be a ClockMeasurement, got {type(clock).__name__}")
    return CpuPeak(
        bits=bits,
        cores=cores,
        flops_per_cycle=flops_per_cycle(cpu, bits=bits, fma_units=fma_units),
        nominal_clock_ghz=cpu.clock_ghz,
        nominal_source=cpu.clock_source,
        measured_clock_ghz=clock.single_core_ghz if cores == 1 else clock.all_cores_ghz,
        measured_method=clock.method,
        clock_is_lower_bound=bool(clock.lower_bound),
    )
