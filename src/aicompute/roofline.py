"""The roofline model: how fast an algorithm can run on a processor, from two numbers.

A kernel that performs ``W`` floating-point operations while moving ``Q`` bytes between memory and
the processor has an *arithmetic intensity* ``I = W / Q`` (FLOP/byte). On a processor with peak
rate ``P`` (FLOP/s) and memory bandwidth ``B`` (byte/s) it cannot run faster than

    attainable(I) = min(P, I x B)        (Williams, Waterman and Patterson, 2009).

Below the *ridge point* ``I* = P / B`` the kernel is memory-bound (the slanted roof ``I x B``);
above it, compute-bound (the flat roof ``P``). Extra roofs model other limits: a slower link the
data must cross first (PCIe between host and GPU: a lower slanted roof), a faster cache the data
may live in (a higher slanted roof), or a lower compute ceiling (no FMA, no SIMD, one core).

This module holds the model (vectorised, validated), figure helpers, the curated table of the
report's kernels (``kernels.csv``), PCIe link rates computed from the specification
(``interconnects.csv``), rooflines of datasheet processors (``hardware.csv``), and the audit of the
report's roofline claims (제2장 제2절 2, 제3절).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicompute import data, validate
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check

__all__ = [
    "Roof",
    "attainable_flops",
    "attainable_with_roofs",
    "ridge_point",
    "bound_by",
    "fraction_of_roof",
    "plot_roofline",
    "place_kernel",
    "kernels",
    "interconnects",
    "link_bandwidth",
    "PRECISION_COLUMNS",
    "processor_roofline",
    "roofline_table",
    "gemm_intensity",
    "balance_trend",
    "bandwidth_growth_fits",
    "FLAGSHIP_GPUS",
    "find_processor",
    "resolve",
    "REPORT_PROCESSORS",
    "TODAY_PROCESSORS",
    "with_figure",
    "plot_processors",
    "place_kernels",
    "ridge_history",
    "explore",
    "audit",
]


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def _positive_array(name: str, value) -> np.ndarray:
    array = validate.finite_array(name, value)
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(array <= 0):
        raise ValueError(f"{name} must be positive, got {value!r}")
    return array


def _positive_scalar(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def _like_input(result: np.ndarray, intensity):
    return float(result) if np.ndim(intensity) == 0 else result


def attainable_flops(intensity, peak_flops: float, bandwidth: float):
    """The roofline bound ``min(peak_flops, intensity * bandwidth)`` in FLOP/s.

    Args:
        intensity: arithmetic intensity in FLOP/byte, a number or an array (positive).
        peak_flops: the processor's peak rate in FLOP/s (positive).
        bandwidth: the memory bandwidth in byte/s (positive).

    Returns a float for a scalar intensity, else an array of the same shape.
    """
    peak = _positive_scalar("peak_flops", peak_flops)
    bw = _positive_scalar("bandwidth", bandwidth)
    i = _positive_array("intensity", intensity)
    return _like_input(np.minimum(peak, i * bw), intensity)


def ridge_point(peak_flops: float, bandwidth: float) -> float:
    """Intensity (FLOP/byte) where the slanted and the flat roof meet: ``peak / bandwidth``.

    A kernel needs at least this many FLOPs per byte moved to be able to reach the peak.
    """
    return _positive_scalar("peak_flops", peak_flops) / _positive_scalar("bandwidth", bandwidth)


def bound_by(intensity: float, peak_flops: float, bandwidth: float) -> str:
    """``"memory"`` below the ridge point, ``"compute"`` at or above it."""
    i = _positive_scalar("intensity", intensity)
    return "memory" if i < ridge_point(peak_flops, bandwidth) else "compute"


@dataclass(frozen=True)
class Roof:
    """One extra ceiling of a roofline: a slanted roof (a bandwidth) or a flat one (a peak).

    Give exactly one of ``bandwidth`` (byte/s: a link or cache the data crosses, e.g. PCIe) and
    ``peak_flops`` (FLOP/s: a lower compute ceiling, e.g. without SIMD). ``binding`` says whether
    the roof limits every kernel (PCIe, when the data must first cross it) or is a reference line
    only (a cache roof above DRAM is reached only by data that stays in that cache).
    """

    label: str
    bandwidth: float | None = None
    peak_flops: float | None = None
    binding: bool = False

    def __post_init__(self) -> None:
        if not self.label.strip():
            raise ValueError("a roof needs a label")
        if (self.bandwidth is None) == (self.peak_flops is None):
            raise ValueError(f"roof {self.label!r}: give exactly one of bandwidth and peak_flops")
        value = self.bandwidth if self.bandwidth is not None else self.peak_flops
        _positive_scalar(f"roof {self.label!r} value", value)

    @property
    def kind(self) -> str:
        """``"bandwidth"`` (slanted) or ``"compute"`` (flat)."""
        return "bandwidth" if self.bandwidth is not None else "compute"

    def bound(self, intensity):
        """This roof's own limit at ``intensity`` (FLOP/s)."""
        i = _positive_array("intensity", intensity)
        if self.bandwidth is not None:
            result = i * self.bandwidth
        else:
            result = np.full_like(i, float(self.peak_flops))
        return _like_input(result, intensity)


def attainable_with_roofs(
    intensity, peak_flops: float, bandwidth: float, roofs: Iterable[Roof] = ()
):
    """The roofline bound lowered by every *binding* extra roof (FLOP/s)."""
    result = np.asarray(attainable_flops(intensity, peak_flops, bandwidth), dtype=float)
    for roof in roofs:
        if not isinstance(roof, Roof):
            raise ValueError(f"roofs must be Roof objects, got {type(roof).__name__}")
        if roof.binding:
            result = np.minimum(result, np.asarray(roof.bound(intensity), dtype=float))
    return _like_input(result, intensity)


def fraction_of_roof(achieved_flops, intensity, peak_flops: float, bandwidth: float):
    """Achieved FLOP/s divided by the roofline bound at that intensity (1 = on the roof)."""
    achieved = _positive_array("achieved_flops", achieved_flops)
    result = achieved / np.asarray(attainable_flops(intensity, peak_flops, bandwidth))
    return _like_input(result, achieved_flops)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def plot_roofline(
    ax,
    peak_flops: float,
    bandwidth: float,
    *,
    label: str = "",
    roofs: Sequence[Roof] = (),
    intensity_range: tuple[float, float] = (1 / 32, 256),
    color=None,
    linestyle: str = "-",
    unit: float = 1e9,
    mark_ridge: bool = True,
):
    """Draw a roofline on log-log axes, in FLOP/s divided by ``unit`` (default GFLOP/s).

    Extra ``roofs`` are drawn dashed in the same colour, each labelled; binding ones also lower
    the drawn envelope. The ridge point gets a marker. Returns the list of drawn artists.
    """
    low, high = intensity_range
    low = _positive_scalar("intensity_range start", low)
    high = _positive_scalar("intensity_range end", high)
    if high <= low:
        raise ValueError(f"intensity_range must increase, got {intensity_range}")
    unit = _positive_scalar("unit", unit)
    x = np.geomspace(low, high, 400)
    y = attainable_with_roofs(x, peak_flops, bandwidth, roofs) / unit
    ridge = ridge_point(peak_flops, bandwidth)
    text = label or f"{peak_flops / unit:.3g} x {bandwidth / 1e9:.3g} GB/s"
    artists = ax.plot(x, y, color=color, linestyle=linestyle, label=text)
    color = artists[0].get_color()
    if mark_ridge and low <= ridge <= high:
        artists += ax.plot([ridge], [peak_flops / unit], "o", color=color, markersize=5)
    for roof in roofs:
        line = np.asarray(roof.bound(x), dtype=float) / unit
        keep = line <= (peak_flops / unit) * 1.0001 if roof.kind == "bandwidth" else slice(None)
        artists += ax.plot(
            x[keep],
            line[keep],
            color=color,
            linestyle=":",
            linewidth=1.4,
            label=f"{text}: {roof.label}",
        )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    return artists


def place_kernel(
    ax,
    intensity: float,
    label: str,
    *,
    performance: float | None = None,
    unit: float = 1e9,
    color="#555555",
    marker: str = "o",
):
    """Mark a kernel: a vertical dotted line at its intensity, or a point if ``performance``.

    ``performance`` is in FLOP/s (divided by ``unit`` for the plot). Returns the artists.
    """
    i = _positive_scalar("intensity", intensity)
    if performance is None:
        line = ax.axvline(i, color=color, linestyle=(0, (2, 3)), linewidth=1)
        text = ax.annotate(
            label,
            (i, 0.02),
            xycoords=("data", "axes fraction"),
            rotation=90,
            ha="right",
            va="bottom",
            fontsize=9,
            color=color,
        )
        return [line, text]
    y = _positive_scalar("performance", performance) / _positive_scalar("unit", unit)
    return ax.plot([i], [y], marker=marker, linestyle="none", color=color, label=label)


# --------------------------------------------------------------------------------------------
# Curated tables
# --------------------------------------------------------------------------------------------


def kernels() -> pd.DataFrame:
    """The report's and Williams et al.'s kernels with their intensities (``kernels.csv``).

    Columns: ``kernel``, ``korean``, ``intensity_low``, ``intensity_high`` (FLOP/byte, double
    precision unless ``precision`` says otherwise), ``precision``, ``basis``, ``source``, ``note``.
    """
    table = data.load("kernels")
    bad = table[(table["intensity_low"] <= 0) | (table["intensity_high"] < table["intensity_low"])]
    if not bad.empty:
        raise ValueError(f"kernels.csv: bad intensity range in rows {bad.index.tolist()}")
    return table


def interconnects() -> pd.DataFrame:
    """Host-device links with their per-direction bandwidth computed from the specification.

    ``interconnects.csv`` holds the transfer rate per lane (GT/s), the lane count and the line
    encoding; the bandwidth column ``gbs`` is computed here: ``GT/s x lanes x efficiency / 8``.
    """
    table = data.load("interconnects").copy()
    table["gbs"] = [
        link_bandwidth(rate, lanes, payload, total) / 1e9
        for rate, lanes, payload, total in zip(
            table["gt_per_s"],
            table["lanes"],
            table["payload_bits"],
            table["encoded_bits"],
            strict=True,
        )
    ]
    return table


def link_bandwidth(gt_per_s: float, lanes: int, payload_bits: int, encoded_bits: int) -> float:
    """Bytes/s one direction of a serial link carries: transfers x lanes x payload share / 8."""
    rate = _positive_scalar("gt_per_s", gt_per_s)
    n = _positive_scalar("lanes", lanes)
    payload = _positive_scalar("payload_bits", payload_bits)
    total = _positive_scalar("encoded_bits", encoded_bits)
    if payload > total:
        raise ValueError(f"payload_bits ({payload}) cannot exceed encoded_bits ({total})")
    return rate * 1e9 * n * (payload / total) / 8


PRECISION_COLUMNS = {
    "fp64": "fp64_tflops",
    "fp32": "fp32_tflops",
    "fp16_tensor": "fp16_tensor_tflops",
    "bf16_tensor": "bf16_tensor_tflops",
}


def _datasheet() -> pd.DataFrame:
    from aicompute import hardware

    return hardware.datasheet()


def processor_roofline(
    name: str, precision: str = "fp64", table: pd.DataFrame | None = None
) -> tuple[float, float]:
    """``(peak FLOP/s, bandwidth byte/s)`` of a processor of the datasheet table, by exact name."""
    if precision not in PRECISION_COLUMNS:
        raise ValueError(f"precision must be one of {sorted(PRECISION_COLUMNS)}, got {precision!r}")
    table = _datasheet() if table is None else table
    rows = table[table["name"] == name]
    if rows.empty:
        raise ValueError(f"no processor named {name!r} in the datasheet table")
    row = rows.iloc[0]
    peak, bw = row[PRECISION_COLUMNS[precision]], row["mem_bw_gbs"]
    if pd.isna(peak) or pd.isna(bw):
        raise ValueError(f"{name}: the datasheet has no {precision} peak or no bandwidth")
    return float(peak) * 1e12, float(bw) * 1e9


def roofline_table(
    names: Sequence[str], precision: str = "fp64", table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Peak, bandwidth and ridge point of each named processor (in the order given)."""
    names = validate.sequence("names", names, "a list of datasheet names")
    table = _datasheet() if table is None else table
    rows = []
    for name in names:
        peak, bw = processor_roofline(name, precision, table)
        year = table.loc[table["name"] == name, "year"].iloc[0]
        rows.append(
            {
                "name": name,
                "year": int(year),
                "peak_tflops": peak / 1e12,
                "mem_bw_gbs": bw / 1e9,
                "ridge_flop_per_byte": ridge_point(peak, bw),
            }
        )
    return pd.DataFrame(rows)


def gemm_intensity(m: int, n: int, k: int, itemsize: int = 8, *, read_c: bool = False) -> float:
    """Intensity of ``C = A B`` (``A`` m x k, ``B`` k x n) if each matrix crosses memory once.

    FLOPs ``2mnk``; bytes ``itemsize (mk + kn + mn)``, plus ``mn`` more if ``C`` is also read
    (``C += A B``). This is the best case (perfect cache reuse); square ``n`` gives ``n / 12``
    in double precision.
    """
    m = validate.positive_integer("m", m)
    n = validate.positive_integer("n", n)
    k = validate.positive_integer("k", k)
    itemsize = validate.positive_integer("itemsize", itemsize)
    words = m * k + k * n + m * n * (2 if read_c else 1)
    return 2.0 * m * n * k / (itemsize * words)


def balance_trend(table: pd.DataFrame, precision: str = "fp32") -> dict[str, float]:
    """Doubling times (years) of peak FLOP/s, of bandwidth and of the ridge point over a table.

    Least-squares fits of log2(value) against year; returns ``{"peak": ..., "bandwidth": ...,
    "ridge": ...}`` in years per doubling. Needs at least three processors spanning two years.
    """
    if precision not in PRECISION_COLUMNS:
        raise ValueError(f"precision must be one of {sorted(PRECISION_COLUMNS)}, got {precision!r}")
    column = PRECISION_COLUMNS[precision]
    validate.frame("table", table, [column, "mem_bw_gbs", "year"])
    rows = table.dropna(subset=[column, "mem_bw_gbs", "year"])
    if len(rows) < 3 or rows["year"].max() - rows["year"].min() < 2:
        raise ValueError("need at least three processors spanning two years or more")
    years = rows["year"].to_numpy(float)
    peak = rows[column].to_numpy(float) * 1e12
    bw = rows["mem_bw_gbs"].to_numpy(float) * 1e9
    result = {}
    for key, values in (("peak", peak), ("bandwidth", bw), ("ridge", peak / bw)):
        slope = np.polyfit(years, np.log2(values), 1)[0]
        result[key] = math.inf if slope <= 0 else 1.0 / slope
    return result


def with_figure(names: dict[str, str], precision: str, table: pd.DataFrame) -> dict[str, str]:
    """The entries of ``{label: datasheet name}`` whose row has a ``precision`` peak."""
    if precision not in PRECISION_COLUMNS:
        raise ValueError(f"precision must be one of {sorted(PRECISION_COLUMNS)}, got {precision!r}")
    column = PRECISION_COLUMNS[precision]
    kept = {}
    for label, name in names.items():
        rows = table[table["name"] == name]
        if rows.empty:
            raise ValueError(f"no processor named {name!r} in the datasheet table")
        if pd.notna(rows.iloc[0][column]) and pd.notna(rows.iloc[0]["mem_bw_gbs"]):
            kept[label] = name
    return kept


def plot_processors(
    ax,
    names: dict[str, str],
    precision: str = "fp64",
    *,
    table: pd.DataFrame | None = None,
    intensity_range: tuple[float, float] = (1 / 32, 512),
    linestyle: str = "-",
    start_color: int = 0,
) -> pd.DataFrame:
    """Draw the roofline of each ``{label: datasheet name}``; returns their roofline table.

    Processors without a ``precision`` peak in the table (e.g. no FP64 figure) are left out.
    """
    from aicompute.plotting import color_for

    _check_axes(ax)
    validate.instance("names", names, Mapping, "a dict of label -> datasheet name")
    table = _datasheet() if table is None else table
    names = with_figure(names, precision, table)
    frame = roofline_table(list(names.values()), precision, table)
    frame.insert(0, "label", list(names))
    for index, row in enumerate(frame.itertuples()):
        plot_roofline(
            ax,
            row.peak_tflops * 1e12,
            row.mem_bw_gbs * 1e9,
            label=f"{row.label} ({row.year})",
            intensity_range=intensity_range,
            color=color_for(start_color + index),
            linestyle=linestyle,
        )
    return frame


def place_kernels(ax, table: pd.DataFrame | None = None, *, color="#555555") -> None:
    """Mark each kernel of ``kernels.csv`` at the middle of its intensity range."""
    _check_axes(ax)
    table = kernels() if table is None else table
    for row in table.itertuples():
        middle = math.sqrt(row.intensity_low * row.intensity_high)
        place_kernel(ax, middle, str(row.kernel).split(" (")[0], color=color)


def _check_axes(ax) -> None:
    from matplotlib.axes import Axes

    validate.instance("ax", ax, Axes, "a matplotlib Axes")


def ridge_history(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year, kind, name and ridge point (FP64, FP32 and dense FP16 tensor) of every processor."""
    table = _datasheet() if table is None else table
    rows = []
    for row in table.itertuples():
        bw = row.mem_bw_gbs
        if pd.isna(bw) or bw <= 0:
            continue
        entry = {"name": row.name, "kind": row.kind, "year": int(row.year)}
        for precision, column in PRECISION_COLUMNS.items():
            peak = getattr(row, column, math.nan)
            entry[precision] = (
                float(peak) * 1e12 / (float(bw) * 1e9) if pd.notna(peak) and peak > 0 else math.nan
            )
        rows.append(entry)
    return pd.DataFrame(rows).sort_values(["year", "name"]).reset_index(drop=True)


def explore(
    bandwidth_gbs: float = 732.0, peak_tflops: float = 5.3, intensity: float = 0.25
) -> tuple[float, str]:
    """For the interactive explorer: draw one roofline with a kernel, return its bound.

    Returns ``(attainable GFLOP/s, "memory" or "compute")`` and shows the figure.
    """
    import matplotlib.pyplot as plt

    from aicompute.plotting import new_figure

    bandwidth_gbs = validate.positive_number("bandwidth_gbs", bandwidth_gbs)
    peak_tflops = validate.positive_number("peak_tflops", peak_tflops)
    peak, bw = peak_tflops * 1e12, bandwidth_gbs * 1e9
    bound = attainable_flops(intensity, peak, bw)
    side = bound_by(intensity, peak, bw)
    fig, ax = new_figure("arithmetic intensity (FLOP/byte)", "attainable (GFLOP/s)")
    plot_roofline(
        ax,
        peak,
        bw,
        label=f"{peak_tflops:g} TFLOP/s, {bandwidth_gbs:g} GB/s",
        intensity_range=(1 / 64, 1024),
    )
    place_kernel(ax, intensity, "kernel", performance=bound, color="#D55E00", marker="D")
    ax.set_title(
        f"I = {intensity:g} FLOP/byte: {bound / 1e9:,.0f} GFLOP/s "
        f"({100 * bound / peak:.1f} % of peak, {side}-bound)"
    )
    ax.legend(loc="lower right")
    plt.show()
    return bound / 1e9, side


# --------------------------------------------------------------------------------------------
# The processors of the report's figures, and today's
# --------------------------------------------------------------------------------------------

# A short label for each processor and words that find its datasheet row (see find_processor).
REPORT_PROCESSORS: dict[str, tuple[str, ...]] = {
    "Xeon E5-2699 v4": ("E5-2699",),
    "Tesla K40": ("K40",),
    "Xeon Phi 7120P": ("7120P",),
    "Tesla P100 (PCIe)": ("P100", "PCIe"),
}
TODAY_PROCESSORS: dict[str, tuple[str, ...]] = {
    "T4": ("T4",),
    "A100 (SXM4 80GB)": ("A100", "SXM4", "80"),
    "H100 (SXM)": ("H100", "SXM"),
}


def resolve(labels: dict[str, tuple[str, ...]], table: pd.DataFrame | None = None) -> dict:
    """``{label: datasheet name}`` for a dict of labels and search words."""
    validate.instance("labels", labels, Mapping, "a dict of label -> search words")
    table = _datasheet() if table is None else table
    return {label: find_processor(table, *words) for label, words in labels.items()}


def find_processor(table: pd.DataFrame, *words: str) -> str:
    """The datasheet name containing every word (case-insensitive); the shortest if several."""
    validate.frame("table", table, ["name"])
    if not words:
        raise ValueError("give at least one word to look for")
    names = [n for n in table["name"].astype(str) if all(w.lower() in n.lower() for w in words)]
    if not names:
        raise ValueError(f"no datasheet row matches {words}")
    return min(names, key=len)


# --------------------------------------------------------------------------------------------
# The report's claims (제2장 제2절 2 and 제3절; data/claims/ch3.csv) and their audit
# --------------------------------------------------------------------------------------------


def _report_gpus(table: pd.DataFrame) -> dict[str, str]:
    return {
        "K40": find_processor(table, "K40"),
        "P100": find_processor(table, "P100", "PCIe"),
        "P100 SXM2": find_processor(table, "P100", "SXM2"),
    }


def _pcie3_bandwidth() -> float:
    """Bytes/s one direction of PCIe 3.0 x16 carries (the report-era host-device link)."""
    links = interconnects().set_index("name")
    return float(links.loc["PCIe 3.0 x16", "gbs"]) * 1e9


def _fp64_ridges(table: pd.DataFrame) -> list[float]:
    """FP64 ridge points of the report's and today's processors that have an FP64 figure."""
    names = {**resolve(REPORT_PROCESSORS, table), **resolve(TODAY_PROCESSORS, table)}
    with_fp64 = with_figure(names, "fp64", table)
    return [ridge_point(*processor_roofline(name, "fp64", table)) for name in with_fp64.values()]


@audits("ch3.ridge-from-ratio")
def _ridge_finding(claim: Claim) -> Finding:
    # Ridge = peak / bandwidth: shown by construction; give the report-era numbers.
    table = _datasheet()
    p100_peak, p100_bw = processor_roofline(_report_gpus(table)["P100"], "fp64", table)
    ridge = ridge_point(p100_peak, p100_bw)
    return check(
        claim,
        ridge,
        verdict=Verdict.HOLDS,
        ours_text=f"P100 FP64: {p100_peak / 1e12:.2f} TFLOP/s / {p100_bw / 1e9:.0f} GB/s "
        f"= {ridge:.1f} FLOP/byte",
        note="min(P, I·B) bends at I = P / B: the ratio of peak to bandwidth, in FLOP/byte",
    )


# One NVIDIA data-centre flagship per generation (Fermi to Hopper), the part each generation
# was sold on: a consistent series, unlike the table's mix of gaming, inference and HPC cards.
FLAGSHIP_GPUS = (
    "Tesla C2050",
    "Tesla K40",
    "Tesla P100 SXM2",
    "Tesla V100 SXM2",
    "A100 SXM4 80GB",
    "H100 SXM",
    "H200 SXM",
)


def bandwidth_growth_fits(table: pd.DataFrame) -> dict[str, float]:
    """R² of an exponential and of a linear fit of memory bandwidth against year.

    Both are scored on the same scale (GB/s), so the two numbers compare: the exponential is
    fitted as a line in log(bandwidth) and its predictions are scored in GB/s.
    """
    validate.frame("table", table, ["mem_bw_gbs", "year"])
    rows = table.dropna(subset=["mem_bw_gbs", "year"])
    if len(rows) < 3 or rows["year"].nunique() < 2:
        raise ValueError("need at least three processors of two or more years")
    years = rows["year"].to_numpy(float)
    bandwidth = rows["mem_bw_gbs"].to_numpy(float)
    exponential = np.exp(np.polyval(np.polyfit(years, np.log(bandwidth), 1), years))
    linear = np.polyval(np.polyfit(years, bandwidth, 1), years)
    total = float(((bandwidth - bandwidth.mean()) ** 2).sum())
    return {
        name: 1 - float(((bandwidth - fit) ** 2).sum()) / total
        for name, fit in (("exponential", exponential), ("linear", linear))
    }


@audits("ch3.memory-grew-linearly")
def _memory_growth_finding(claim: Claim) -> Finding:
    # Exponential vs linear growth, decided on a consistent series of flagship GPUs.
    table = _datasheet()
    gpu_rows = table[table["kind"] == "gpu"]
    flagships = gpu_rows[gpu_rows["name"].isin(FLAGSHIP_GPUS)].sort_values("year")
    if len(flagships) < 3:
        raise ValueError("the datasheet needs three or more of FLAGSHIP_GPUS")
    series, mixed = bandwidth_growth_fits(flagships), bandwidth_growth_fits(gpu_rows)
    trend = balance_trend(flagships, "fp32")
    tensor = ridge_history(gpu_rows)["fp16_tensor"].dropna()
    years = flagships["year"].astype(int)
    if series["linear"] >= series["exponential"]:
        verdict = Verdict.HOLDS
    else:
        lagged = trend["peak"] < 0.8 * trend["bandwidth"]  # compute clearly outgrew memory
        verdict = Verdict.MISLEADING if lagged else Verdict.DOES_NOT_HOLD
    return check(
        claim,
        trend["bandwidth"],
        verdict=verdict,
        ours_text=f"{len(flagships)} flagship GPUs {years.min()}-{years.max()}: bandwidth fit "
        f"R² {series['exponential']:.2f} exponential vs {series['linear']:.2f} linear; doubles "
        f"every {trend['bandwidth']:.1f} y, FP32 peak every {trend['peak']:.1f} y",
        note=f"one data-centre flagship per generation ({', '.join(flagships['name'])}). All "
        f"{len(gpu_rows)} GPUs of the table, a mix of classes, do not decide (R² "
        f"{mixed['exponential']:.2f} vs {mixed['linear']:.2f}). The gap between compute and "
        f"memory opened with tensor cores (ridges {tensor.min():.0f}-{tensor.max():.0f} "
        "FLOP/byte), not through linear memory",
    )


@audits("ch3.one-sixteenth-low-everywhere")
def _one_sixteenth_finding(claim: Claim) -> Finding:
    # 1/16 FLOP/byte on every processor of the report's figures.
    table = _datasheet()
    fractions = []
    for label, name in resolve(REPORT_PROCESSORS, table).items():
        peak, bw = processor_roofline(name, "fp64", table)
        fractions.append((label, attainable_flops(1 / 16, peak, bw) / peak))
    worst = max(fractions, key=lambda item: item[1])
    return check(
        claim,
        100 * worst[1],
        verdict=Verdict.HOLDS if worst[1] < 0.1 else Verdict.DOES_NOT_HOLD,
        ours_text=f"at 1/16 FLOP/byte at most {100 * worst[1]:.1f} % of FP64 peak "
        f"({worst[0]}; {len(fractions)} processors)",
        note="min(P, B/16) / P on each processor of [그림 2-2]/[그림 2-4], FP64 datasheet figures",
    )


@audits("ch3.pcie-tens-of-times")
def _pcie_gap_finding(claim: Claim) -> Finding:
    table, pcie3 = _datasheet(), _pcie3_bandwidth()
    gpus = _report_gpus(table)
    ratios = {
        key: processor_roofline(gpus[key], "fp32", table)[1] / pcie3 for key in ("K40", "P100")
    }
    low = min(ratios.values())
    return check(
        claim,
        ratios["P100"],
        verdict=Verdict.HOLDS if low >= 10 else Verdict.ROUGHLY,
        ours_text=f"GPU memory / PCIe 3.0 x16 ({pcie3 / 1e9:.2f} GB/s): "
        f"K40 {ratios['K40']:.0f}x, P100 {ratios['P100']:.0f}x",
        note="per direction, theoretical; measured PCIe is lower still (lab 3)",
    )


@audits("ch3.gpu-compute-several-times")
def _gpu_balance_finding(claim: Claim) -> Finding:
    # GPU compute "several times" its bandwidth: the ridge in FLOP/byte, by precision.
    table = _datasheet()
    p100 = _report_gpus(table)["P100"]
    ridges = {
        precision: ridge_point(*processor_roofline(p100, precision, table))
        for precision in ("fp64", "fp32")
    }
    return check(
        claim,
        ridges["fp64"],
        verdict=Verdict.HOLDS if 2 <= ridges["fp64"] < 10 else Verdict.ROUGHLY,
        ours_text=f"P100 ridge {ridges['fp64']:.1f} FLOP/byte (FP64), {ridges['fp32']:.1f} (FP32)",
        note="'several times' compares FLOP/s with byte/s; read as the ridge point it holds "
        "for FP64 and understates FP32 and tensor cores",
    )


@audits("ch3.hbm-reduces-pcie-bottleneck")
def _hbm_finding(claim: Claim) -> Finding:
    # HBM widens the gap to PCIe rather than reducing the PCIe bottleneck.
    table, pcie3 = _datasheet(), _pcie3_bandwidth()
    gpus = _report_gpus(table)
    k40_bw = processor_roofline(gpus["K40"], "fp32", table)[1]
    p100_sxm_bw = processor_roofline(gpus["P100 SXM2"], "fp32", table)[1]
    return check(
        claim,
        p100_sxm_bw / pcie3,
        verdict=Verdict.MISLEADING,
        ours_text=f"device memory / PCIe 3.0: K40 (GDDR5) {k40_bw / pcie3:.0f}x, "
        f"P100 SXM2 (HBM2) {p100_sxm_bw / pcie3:.0f}x",
        note="HBM raises on-device bandwidth, so the PCIe gap grows; what bypasses PCIe is "
        "NVLink (P100 SXM2) or keeping data on the GPU",
    )


@audits("ch3.spmv-memory-bound")
def _spmv_finding(claim: Claim) -> Finding:
    # SpMV below every ridge.
    spmv = kernels().set_index("kernel").loc["SpMV (CSR)"]
    all_ridges = _fp64_ridges(_datasheet())
    return check(
        claim,
        float(spmv["intensity_high"]),
        verdict=Verdict.HOLDS if spmv["intensity_high"] < min(all_ridges) else Verdict.ROUGHLY,
        ours_text=f"SpMV ≤ {spmv['intensity_high']:.2f} FLOP/byte < lowest FP64 ridge "
        f"{min(all_ridges):.1f} of {len(all_ridges)} processors",
        note="below the ridge the bound is I·B: bandwidth, not arithmetic, sets the speed",
    )


@audits("ch3.dense-near-peak")
def _dense_finding(claim: Claim) -> Finding:
    # Dense GEMM above every ridge.
    all_ridges = _fp64_ridges(_datasheet())
    n = 1024
    return check(
        claim,
        gemm_intensity(n, n, n),
        verdict=Verdict.HOLDS if gemm_intensity(n, n, n) > max(all_ridges) else Verdict.ROUGHLY,
        ours_text=f"DGEMM n={n}: {gemm_intensity(n, n, n):.0f} FLOP/byte > highest FP64 ridge "
        f"{max(all_ridges):.1f}",
        note="a roofline bound, not a measurement: it allows the peak; this chapter measures "
        "a CPU GEMM near its peak",
    )


def audit() -> list[Finding]:
    """Every chapter-3 claim, recomputed from the curated tables (fast, deterministic)."""
    return audit_chapter(3)
