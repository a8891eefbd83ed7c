"""The machine a notebook runs on: what it is, what it could do in theory, and a quick check.

Chapter 0 ("Your machine") reports the processor the reader's notebook runs on (a laptop, a
Colab VM with or without a GPU) before any other chapter times anything on it:

* :func:`peak_terms` spells the CPU's theoretical peak out term by term,
  ``peak = cores x clock x (vector lanes x 2 for an FMA x FMA units)``, the formula
  :func:`aicompute.hardware.estimated_cpu_peak_flops` evaluates;
* :func:`cpu_summary` and :func:`gpu_summary` list what the operating system and the GPU
  libraries report (and why a GPU is not usable when it is not);
* :func:`quick_check` runs a short matrix product and a memory copy and compares them with the
  estimated peak;
* :func:`datasheet_table` and :func:`plot_peak_vs_bandwidth` show the cited table
  ``hardware.csv`` (report-era and today's processors) that the detected GPU is looked up in.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aicompute import backend, display, hardware, membench, plotting, validate
from aicompute.hardware import CpuInfo

__all__ = [
    "REPORT_YEAR",
    "DATASHEET_COLUMNS",
    "era",
    "peak_terms",
    "cpu_summary",
    "gpu_summary",
    "gpu_peak_at_clock",
    "fraction_of_peak",
    "quick_check",
    "quick_gpu_check",
    "datasheet_table",
    "plot_peak_vs_bandwidth",
]

REPORT_YEAR = 2018
"""The report's publication year: processors launched before it are 'report era'."""

DATASHEET_COLUMNS = [
    "name",
    "kind",
    "year",
    "fp64_tflops",
    "fp32_tflops",
    "fp16_tensor_tflops",
    "mem_bw_gbs",
    "memory_gb",
    "tdp_w",
    "source",
]


def era(year: int) -> str:
    """``'report era'`` for processors launched before 2018, else ``'today'``."""
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ValueError(f"year must be an integer, got {year!r}")
    if not 1940 <= year <= 2100:
        raise ValueError(f"year {year} is not a plausible launch year")
    return "report era" if year < REPORT_YEAR else "today"


def peak_terms(
    cpu: CpuInfo | None = None, *, bits: int = 64, fma_units: int = 2, clock=None
) -> pd.DataFrame:
    """The factors of the estimated CPU peak, one row each, ending with the product.

    Columns: ``term``, ``value``, ``meaning``. The last row (``peak GFLOP/s``) equals
    :func:`aicompute.hardware.estimated_cpu_peak_flops` / 1e9 rounded to 0.1 (NaN when the
    clock is unknown). ``clock`` (a :class:`aicompute.cpuclock.ClockMeasurement`) replaces the
    operating system's clock by the one measured with all cores busy.
    """
    cpu = cpu or hardware.cpu_info()
    measured = None if clock is None else clock.all_cores_ghz
    peak = hardware.estimated_cpu_peak_flops(
        cpu, bits=bits, fma_units=fma_units, clock_ghz=measured
    )  # validates
    lanes = max(cpu.datapath_bits // bits, 1)
    fma = 2 if cpu.has_fma else 1
    per_cycle = lanes * fma * fma_units
    if clock is not None:
        ghz, source = clock.all_cores_ghz, f"measured, all cores busy: {clock.method}"
    else:
        ghz = math.nan if cpu.clock_ghz is None else cpu.clock_ghz
        source = cpu.clock_source
    rows: list[tuple[str, object, str]] = [
        ("cores", cpu.logical_cores, "logical cores this process may use"),
        ("clock GHz", round(ghz, 3), f"cycles per ns ({source})"),
        ("datapath bits", cpu.datapath_bits, f"width of one SIMD operation ({cpu.simd})"),
        ("lanes", lanes, f"{bits}-bit numbers per SIMD operation"),
        ("FLOP per lane", fma, "2 with fused multiply-add (a*b+c), else 1"),
        ("FMA units", fma_units, "SIMD FMA pipes per core (assumed)"),
        ("FLOP/cycle/core", per_cycle, "lanes x FLOP per lane x FMA units"),
        (
            "peak GFLOP/s",
            math.nan if peak is None else round(peak / 1e9, 1),
            "cores x clock x FLOP/cycle/core",
        ),
    ]
    frame = pd.DataFrame(rows, columns=["term", "value", "meaning"])
    frame["value"] = pd.Series([r[1] for r in rows], dtype=object)  # keep integers integral
    return frame


def cpu_summary(cpu: CpuInfo | None = None, clock=None) -> pd.DataFrame:
    """What the operating system says about the CPU, and its estimated FP64 and FP32 peaks.

    With ``clock`` (a :class:`aicompute.cpuclock.ClockMeasurement`) the measured clocks are
    listed too and the peaks are at the clock measured with all cores busy, the nominal-clock
    peak beside them.
    """
    cpu = cpu or hardware.cpu_info()
    nominal = "unknown" if cpu.clock_ghz is None else f"{cpu.clock_ghz:.2f} GHz"
    rows = [
        ("model", cpu.model),
        ("logical cores", str(cpu.logical_cores)),
        ("vector (SIMD) extensions", cpu.simd),
        ("SIMD datapath", f"{cpu.datapath_bits} bit"),
        ("fused multiply-add", "yes" if cpu.has_fma else "no"),
        ("clock", f"{nominal} (read from: {cpu.clock_source})"),
    ]
    if clock is not None:
        bound = "at least " if clock.lower_bound else ""
        rows += [
            ("measured clock, one core", f"{bound}{clock.single_core_ghz:.2f} GHz"),
            (
                "measured clock, all cores busy",
                f"{bound}{clock.all_cores_ghz:.2f} GHz ({clock.method})",
            ),
        ]
    for bits in (64, 32):
        peak = hardware.estimated_cpu_peak_flops(cpu, bits=bits)
        text = "unknown (no clock)" if peak is None else f"{peak / 1e9:,.0f} GFLOP/s"
        if clock is not None:
            at_measured = hardware.cpu_peak(clock, cpu, bits=bits).measured
            text = f"{at_measured / 1e9:,.0f} GFLOP/s at the measured clock ({text} at the nominal)"
        rows.append((f"estimated FP{bits} peak", text))
    return pd.DataFrame(rows, columns=["item", "value"])


def gpu_summary() -> pd.DataFrame:
    """Whether PyTorch and CuPy can run a GPU kernel here (and why not), and the GPU if any."""
    rows = [
        ("PyTorch CUDA", backend.torch_cuda_status().reason),
        ("CuPy", backend.cupy_status().reason),
    ]
    gpu = backend.gpu_info()
    if gpu is None:
        rows.append(("GPU", "none usable: the book's GPU code falls back to NumPy on the CPU"))
        return pd.DataFrame(rows, columns=["item", "value"])
    row = hardware.lookup(gpu.name)
    rows += [
        ("GPU", gpu.name),
        ("memory", f"{gpu.memory_gib:.1f} GiB"),
        ("streaming multiprocessors", str(gpu.multiprocessors)),
        ("compute capability", gpu.compute_capability),
        ("datasheet row", "not in hardware.csv" if row is None else str(row["name"])),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def gpu_peak_at_clock(row: pd.Series, clock_mhz: float) -> float:
    """FP32 FLOP/s of a datasheet GPU at ``clock_mhz``: 2 (FMA) x FP32 lanes x clock."""
    validate.instance("row", row, pd.Series, "a datasheet row (hardware.lookup)")
    clock_mhz = validate.positive_number("clock_mhz", clock_mhz)
    lanes = row.get("fp32_lanes")
    if lanes is None or pd.isna(lanes) or lanes <= 0:
        raise ValueError(f"{row.get('name', 'this row')} has no fp32_lanes in the datasheet")
    return 2.0 * float(lanes) * clock_mhz * 1e6


def fraction_of_peak(measured: float, peak: float | None) -> float:
    """``measured / peak``; NaN when the peak is unknown. Both in the same unit."""
    measured = validate.positive_number("measured rate", measured, allow_zero=True)
    if peak is None or (isinstance(peak, float) and math.isnan(peak)):
        return math.nan
    return measured / validate.positive_number("peak", peak)


def quick_check(
    *,
    gemm_n: int = 1024,
    copy_n: int = 2**23,
    repeat: int = 5,
    cpu: CpuInfo | None = None,
    clock=None,
) -> pd.DataFrame:
    """A short FP64 matrix product and a STREAM copy, next to the estimated CPU peak.

    Returns one row per measurement: ``measurement``, ``measured`` (GFLOP/s or GB/s),
    ``unit``, ``estimated peak`` (GFLOP/s; NaN for the copy, whose peak is the memory's, not
    in any table for this machine) and ``fraction of peak``. ``gemm_n`` = 1024 does 2.1 GFLOP
    per call; ``copy_n`` = 2**23 doubles moves 128 MiB per call (two 64 MiB arrays). With
    ``clock`` (a :class:`aicompute.cpuclock.ClockMeasurement`) the peak is at the clock
    measured with all cores busy, else at the operating system's clock.
    """
    gemm_n = validate.positive_integer("gemm_n", gemm_n, 64)
    copy_n = validate.positive_integer("copy_n", copy_n, 2**16)
    repeat = validate.positive_integer("repeat", repeat, 3)
    cpu = cpu or hardware.cpu_info()
    gemm = membench.measure_gemm_flops(gemm_n, "float64", repeat=repeat)
    copy = membench.measure_bandwidth("copy", copy_n, repeat=repeat)
    if clock is None:
        peak = hardware.estimated_cpu_peak_flops(cpu, bits=64)
    else:
        peak = hardware.cpu_peak(clock, cpu, bits=64).measured
    peak_g = math.nan if peak is None else peak / 1e9
    rows = [
        (
            f"FP64 matrix product n={gemm_n} (NumPy/BLAS)",
            gemm.rate / 1e9,
            "GFLOP/s",
            peak_g,
            fraction_of_peak(gemm.rate / 1e9, peak_g),
        ),
        (
            f"memory copy, {copy.bytes / 2**20:.0f} MiB per call (STREAM convention)",
            copy.rate / 1e9,
            "GB/s",
            math.nan,
            math.nan,
        ),
    ]
    return pd.DataFrame(
        rows, columns=["measurement", "measured", "unit", "estimated peak", "fraction of peak"]
    )


GPU_CHECK_COLUMNS = ["measurement", "measured", "unit", "datasheet peak", "fraction of peak"]


def quick_gpu_check(
    *,
    gemm_n: int = 4096,
    copy_mib: int = 256,
    repeat: int = 5,
    device=None,
    row: pd.Series | None = None,
) -> pd.DataFrame:
    """An FP32 matrix product and a device-memory copy with PyTorch, next to the datasheet row.

    ``device=None`` uses the GPU when PyTorch can run a CUDA kernel, and returns an empty table
    (same columns) when it cannot. ``row`` is the datasheet row to compare with (default: the
    :func:`aicompute.hardware.lookup` of the detected GPU; NaN peaks if it is not in the table).
    Passing ``device="cpu"`` runs the same code on the CPU (for tests). TF32 is switched off
    for the product so that it measures plain FP32, the figure of the ``fp32_tflops`` column.
    """
    gemm_n = validate.positive_integer("gemm_n", gemm_n, 64)
    copy_mib = validate.positive_integer("copy_mib", copy_mib)
    repeat = validate.positive_integer("repeat", repeat, 3)
    if device is None:
        if not backend.torch_cuda_status().usable:
            return pd.DataFrame(columns=GPU_CHECK_COLUMNS)
        device = "cuda"
    import torch

    from aicompute.timing import benchmark

    dev = torch.device(device)
    if row is None and dev.type == "cuda":
        row = hardware.lookup(torch.cuda.get_device_name(dev))
    generator = torch.Generator(device=dev).manual_seed(0)
    a = torch.randn(gemm_n, gemm_n, device=dev, generator=generator)
    b = torch.randn(gemm_n, gemm_n, device=dev, generator=generator)
    c = torch.empty_like(a)
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        gemm = benchmark(lambda: torch.matmul(a, b, out=c), repeat=repeat, warmup=2, device=dev)
    finally:
        torch.backends.cuda.matmul.allow_tf32 = previous
    source = torch.empty(copy_mib * 2**20 // 4, dtype=torch.float32, device=dev).fill_(1.0)
    target = torch.empty_like(source)
    copy = benchmark(lambda: target.copy_(source), repeat=repeat, warmup=2, device=dev)
    moved = 2 * source.numel() * source.element_size()  # read once, written once
    gflops = gemm.rate(2 * gemm_n**3) / 1e9
    gbs = copy.rate(moved) / 1e9
    peak_flops = math.nan if row is None else float(row["fp32_tflops"]) * 1e3
    peak_bw = math.nan if row is None else float(row["mem_bw_gbs"])
    rows = [
        (
            f"FP32 matrix product n={gemm_n} (PyTorch, {dev.type})",
            gflops,
            "GFLOP/s",
            peak_flops,
            fraction_of_peak(gflops, peak_flops),
        ),
        (
            f"device memory copy, {copy_mib} MiB (read + write)",
            gbs,
            "GB/s",
            peak_bw,
            fraction_of_peak(gbs, peak_bw),
        ),
    ]
    return pd.DataFrame(rows, columns=GPU_CHECK_COLUMNS)


def datasheet_table(
    table: pd.DataFrame | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """Selected columns of ``hardware.csv`` with an ``era`` column, ordered by kind then year."""
    table = hardware.datasheet() if table is None else table
    columns = DATASHEET_COLUMNS if columns is None else columns
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"datasheet has no column(s) {missing}")
    view = table[columns].copy()
    view.insert(
        3 if len(columns) >= 3 else len(columns), "era", [era(int(y)) for y in table["year"]]
    )
    order = {"cpu": 0, "manycore": 1, "mobile-gpu": 2, "gpu": 3}
    keys = table["kind"].map(order).fillna(9) * 10_000 + table["year"]
    return view.loc[keys.sort_values(kind="stable").index].reset_index(drop=True)


DATASHEET_HEADERS = {
    "name": "processor",
    "kind": "kind",
    "vendor": "vendor",
    "year": "year",
    "era": "era",
    "fp64_tflops": "FP64 peak [TFLOP/s]",
    "fp32_tflops": "FP32 peak [TFLOP/s]",
    "fp16_tensor_tflops": "FP16 tensor peak [TFLOP/s]",
    "bf16_tensor_tflops": "BF16 tensor peak [TFLOP/s]",
    "mem_bw_gbs": "memory bandwidth [GB/s]",
    "memory_gb": "memory [GB]",
    "boost_clock_mhz": "boost clock [MHz]",
    "fp32_lanes": "FP32 lanes",
    "tdp_w": "power (TDP) [W]",
    "source": "source",
}
"""Words, with units, for the columns of ``hardware.csv``."""


def datasheet_display(table: pd.DataFrame | None = None) -> display.Table:
    """:func:`datasheet_table` for people: headers in words with units, a dash where unknown."""
    view = datasheet_table(table)
    return display.table(view, {c: DATASHEET_HEADERS[c] for c in view.columns})


def datasheet_row_display(row: pd.Series) -> display.Table:
    """One ``hardware.csv`` row as a two-column table, quantities named in words."""
    shown = row.drop(["aliases", "note"], errors="ignore")
    # each value in its own format: the quantities have different units
    values = [
        display.format_year(v) if k == "year" else display.format_value(v) for k, v in shown.items()
    ]
    names = [DATASHEET_HEADERS.get(str(k), str(k)) for k in shown.index]
    return display.table(pd.DataFrame({"quantity": names, "datasheet": values}))


LABELLED = (
    "Mali-T880 MP12",
    "Xeon E5-2699 v4",
    "Ryzen 9 7950X",
    "Xeon Phi 7120P",
    "Tesla K40",
    "GTX 1080 Ti",
    "Tesla P100 SXM2",
    "Tesla V100 SXM2",
    "Tesla T4",
    "L4",
    "A100 SXM4 80GB",
    "H100 SXM",
    "H200 SXM",
)
"""Processors named on the figure (all would overlap)."""
# Where a label goes (points right and up from its marker, alignment) when the default, just
# right of the marker, would cover a neighbour.
_LABEL_OFFSET: dict[str, tuple[int, int, str]] = {
    "H100 SXM": (-6, 6, "right"),
    "Tesla T4": (-6, 0, "right"),
    "Tesla K40": (-6, 0, "right"),
    "GTX 1080 Ti": (-4, 9, "right"),
    "Tesla P100 SXM2": (6, -8, "left"),
    "Tesla V100 SXM2": (6, -4, "left"),
    "A100 SXM4 80GB": (6, 5, "left"),
    "H200 SXM": (-4, 10, "center"),
}
_BALANCE_LABEL_AT = {1: 2500.0, 10: 45.0, 100: 30.0}  # GB/s where each line is labelled


def plot_peak_vs_bandwidth(
    table: pd.DataFrame | None = None, *, labelled: tuple[str, ...] = LABELLED
):
    """Log-log scatter of FP32 peak against memory bandwidth, report era vs today.

    Dotted lines mark constant machine balance (FLOP per byte): a processor above the 10
    FLOP/byte line needs more than 10 operations per byte fetched to keep busy.
    Returns ``(fig, ax)``.
    """
    table = hardware.datasheet() if table is None else table
    rows = table.dropna(subset=["fp32_tflops", "mem_bw_gbs", "year"])
    if rows.empty:
        raise ValueError("no row has both an FP32 peak and a memory bandwidth")
    fig, ax = plotting.new_figure(
        "memory bandwidth (GB/s)", "FP32 peak (TFLOP/s)", logx=True, logy=True, figsize=(7.0, 5.2)
    )
    for index, (name, marker) in enumerate((("report era", "o"), ("today", "s"))):
        part = rows[[era(int(y)) == name for y in rows["year"]]]
        span = f"{part['year'].min()}-{part['year'].max()}" if len(part) else ""
        ax.scatter(
            part["mem_bw_gbs"],
            part["fp32_tflops"],
            marker=marker,
            s=45,
            color=plotting.color_for(index),
            label=f"{name} ({span})",
            zorder=3,
        )
        for _, row in part.iterrows():
            if row["name"] in labelled:
                dx, dy, ha = _LABEL_OFFSET.get(str(row["name"]), (6, -3, "left"))
                ax.annotate(
                    str(row["name"]),
                    (row["mem_bw_gbs"], row["fp32_tflops"]),
                    xytext=(dx, dy),
                    textcoords="offset points",
                    ha=ha,
                    va="center",
                    fontsize=9,
                )
    bw = np.geomspace(rows["mem_bw_gbs"].min() / 1.5, rows["mem_bw_gbs"].max() * 1.5, 50)
    for balance in (1, 10, 100):
        ax.plot(bw, bw * balance / 1e3, linestyle=":", color="#777777", linewidth=1, zorder=1)
        at = _BALANCE_LABEL_AT[balance]
        ax.annotate(
            f"{balance} FLOP/byte",
            (at, at * balance / 1e3),
            fontsize=9,
            rotation=30,
            color="#555555",
            ha="center",
            va="bottom",
        )
    ax.set_ylim(rows["fp32_tflops"].min() / 2, rows["fp32_tflops"].max() * 2)
    ax.legend(loc="upper left")
    return fig, ax
