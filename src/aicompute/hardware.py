"""What processor runs this code, its estimated peaks, and a cited table of datasheet figures.

:func:`cpu_info` reads the processor model, core count, vector (SIMD) width and FMA support from
the operating system and estimates the peak FLOP/s as

    peak = cores x clock x (FLOPs per cycle per core),
    FLOPs per cycle per core = (vector bits / element bits) x 2 (an FMA counts two) x FMA units.

The estimate states its assumptions (clock and FMA units are not always readable), so treat it
as an upper bound to compare measurements with, not a datasheet figure.
:func:`datasheet` returns the curated table ``hardware.csv`` of vendor figures (one row per
processor, each with its source), and :func:`lookup` finds the row for a detected GPU's name
(:func:`aicompute.backend.gpu_info` detects the GPU, since only the GPU libraries can).
"""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from aicompute import data, validate

__all__ = [
    "CpuInfo",
    "cpu_info",
    "datasheet",
    "lookup",
    "estimated_cpu_peak_flops",
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


def estimated_cpu_peak_flops(
    cpu: CpuInfo | None = None, *, bits: int = 64, fma_units: int = 2
) -> float | None:
    """Upper-bound FLOP/s of the host CPU at ``bits``-bit floats; ``None`` if the clock is unknown.

    Assumes ``fma_units`` vector FMA pipes per core (two on current x86 server and desktop
    cores) and that every logical core is a physical one (true on cloud VMs that pin vCPUs; with
    SMT the estimate doubles counts the shared pipes, so it is an upper bound).
    """
    if bits not in (16, 32, 64):
        raise ValueError(f"bits must be 16, 32 or 64, got {bits}")
    if validate.integer("fma_units", fma_units) < 1:
        raise ValueError(f"fma_units must be at least 1, got {fma_units}")
    cpu = cpu or cpu_info()
    if cpu.clock_ghz is None:
        return None
    lanes = max(cpu.datapath_bits // bits, 1)
    flops_per_cycle = lanes * (2 if cpu.has_fma else 1) * fma_units
    return cpu.logical_cores * cpu.clock_ghz * 1e9 * flops_per_cycle


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
