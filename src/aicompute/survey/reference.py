"""The hardware the survey is measured against: the GPUs of <표 3-2>, Nurion and today's H100.

Peaks are computed from cited cores, clocks and FLOPs per cycle
(``survey_reference_systems.csv``), not copied, so that the report's TFLOPS and PFLOPS figures
can be checked.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from aicompute import data, validate

__all__ = [
    "reference_systems",
    "reference_value",
    "gpu_fp32_tflops",
    "nurion_peak",
    "h100_equivalent",
]


@lru_cache(maxsize=1)
def _reference() -> pd.DataFrame:
    return data.load("survey_reference_systems")


def reference_systems() -> pd.DataFrame:
    """The cited hardware figures the chapter compares with (GPUs of <표 3-2>, Nurion, H100)."""
    return _reference().copy()


def reference_value(system: str, variable: str, part: str | None = None) -> float:
    """One cited value of ``survey_reference_systems.csv``, e.g. ``("Nurion", "rmax")``."""
    ref = _reference()
    rows = ref[(ref["system"] == system) & (ref["variable"] == variable)]
    if part is not None:
        rows = rows[rows["part"] == part]
    if len(rows) != 1:
        raise ValueError(f"expected one reference value for {system}/{part}/{variable}")
    return float(rows["value"].iloc[0])


def gpu_fp32_tflops(system: str, clock: str = "base") -> float:
    """FP32 peak (TFLOPS) = CUDA cores x clock x 2 (one FMA per core per cycle)."""
    if clock not in ("base", "boost"):
        raise ValueError(f"clock must be 'base' or 'boost', got {clock!r}")
    cores = reference_value(system, "cores")
    mhz = reference_value(system, f"{clock}_clock")
    return cores * mhz * 1e6 * 2 / 1e12


def nurion_peak(precision: str = "fp64") -> float:
    """Nurion's theoretical peak (PFLOPS): nodes x cores x clock x FLOPs/cycle, both partitions."""
    if precision not in ("fp64", "fp32"):
        raise ValueError(f"precision must be 'fp64' or 'fp32', got {precision!r}")
    total = 0.0
    for part in ("Xeon Phi 7250", "Xeon Gold 6148"):
        total += (
            reference_value("Nurion", "nodes", part)
            * reference_value("Nurion", "cores_per_node", part)
            * reference_value("Nurion", "clock", part)
            * 1e6
            * reference_value("Nurion", f"{precision}_flops_per_cycle", part)
        )
    return total / 1e15


def h100_equivalent(pflops: float, mode: str = "fp32") -> float:
    """How many H100 SXM GPUs give ``pflops`` of peak: FP32 cores, or dense BF16 tensor cores."""
    pflops = validate.positive_number("pflops", pflops, allow_zero=True)
    if mode == "fp32":
        per_gpu = gpu_fp32_tflops("H100 SXM", "boost")
    elif mode == "tensor":
        per_gpu = reference_value("H100 SXM", "tensor_bf16_dense")
    else:
        raise ValueError(f"mode must be 'fp32' or 'tensor', got {mode!r}")
    return pflops * 1000 / per_gpu
