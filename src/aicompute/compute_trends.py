"""Chapter 9, AI's appetite for compute since the report (2018-2025), measured from cited data.

The report (2018) argued that AI needs computing infrastructure, with AlphaGo as its largest
example and 2017 GPUs as its unit. This module measures how that argument aged:

* **Training compute of notable models** (Epoch AI's "Notable AI Models", CC BY 4.0; the curated
  table ``notable_models`` keeps the three largest of each publication year plus the models the
  chapter names). Growth is fitted with chapter 1's log-linear fit (:func:`moore.fit_growth`),
  so every doubling time carries a Student-t confidence interval and the window it was fitted on;
  :func:`bootstrap_doubling_months` adds an interval that does not assume normal residuals.
* **Where the compute went**: training FLOP ~= 6 x parameters x tokens (Kaplan et al. 2020),
  checked against language models whose parameters and tokens are published (``llm_tokens``);
  the compute-optimal split of Hoffmann et al. (2022); inference against training.
* **Hardware since 2018**: the datacenter accelerators of ``hardware.csv``, their 16-bit tensor
  peak, bandwidth and ridge point (chapter 3's drift, continued).
* **The report's forecasts** as claims (``data/claims/ch9.csv``), one audit function each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from aicompute import data, hardware, moore, roofline, validate
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check
from aicompute.moore import GrowthFit

__all__ = [
    "SPLIT_YEAR",
    "REPORT_YEAR",
    "CHINCHILLA_TOKENS_PER_PARAMETER",
    "ERAS",
    "decimal_year",
    "notable_models",
    "compute_fit",
    "era_fits",
    "fit_window",
    "fit_table",
    "bootstrap_doubling_months",
    "doublings_above_trend",
    "training_flop",
    "compute_optimal",
    "llm_tokens",
    "six_nd_check",
    "inference_break_even_tokens",
    "training_accelerators",
    "hardware_fits",
    "run_time_seconds",
    "training_costs",
    "cost_fits",
    "gpu_share_since",
    "audit",
    "plot_compute_trend",
    "plot_doubling_times",
    "plot_six_nd",
    "plot_hardware",
]

#: The year chapter 9 splits the record at: the start of the deep-learning era
#: (Sevilla et al. 2022 use 2010; AlexNet followed in 2012).
SPLIT_YEAR = 2010
#: The report's year: fits "since the report" start on 1 January of it.
REPORT_YEAR = 2018
#: Tokens per parameter of a compute-optimal model (Hoffmann et al. 2022: about 20).
CHINCHILLA_TOKENS_PER_PARAMETER = 20.0

#: The fitted windows: (label, first year included or None, first year excluded or None).
ERAS: tuple[tuple[str, int | None, int | None], ...] = (
    (f"before {SPLIT_YEAR}", None, SPLIT_YEAR),
    (f"{SPLIT_YEAR} on", SPLIT_YEAR, None),
    (f"{SPLIT_YEAR} to the report", SPLIT_YEAR, REPORT_YEAR),
    ("since the report", REPORT_YEAR, None),
)


# --------------------------------------------------------------------------------------------
# The curated data
# --------------------------------------------------------------------------------------------


def decimal_year(dates: Sequence[str] | pd.Series) -> np.ndarray:
    """``"YYYY-MM-DD"`` dates as decimal years (the middle of the day): 2016-01-27 -> 2016.07."""
    dates = validate.sequence("dates", dates, "a list of dates")
    parsed = pd.to_datetime(
        pd.Series(list(dates), dtype=object), format="%Y-%m-%d", errors="coerce"
    )
    if parsed.isna().any():
        bad = [d for d, p in zip(dates, parsed, strict=True) if pd.isna(p)]
        raise ValueError(f"dates must be YYYY-MM-DD, got {bad[:3]}")
    days = np.where(parsed.dt.is_leap_year, 366.0, 365.0)
    return (parsed.dt.year + (parsed.dt.dayofyear - 0.5) / days).to_numpy(float)


def notable_models() -> pd.DataFrame:
    """The curated notable models with a decimal ``year`` and a boolean ``top3`` column."""
    table = data.load("notable_models")
    if not table["top3_of_year"].isin(["yes", "no"]).all():
        raise ValueError("notable_models: top3_of_year must be 'yes' or 'no'")
    table["top3"] = table["top3_of_year"] == "yes"
    table["year"] = decimal_year(table["date"])
    if not (table["training_compute_flop"] > 0).all():
        raise ValueError("notable_models: every training compute must be positive")
    return table


def _window(table: pd.DataFrame, start: float | None, end: float | None) -> pd.DataFrame:
    for name, value in (("start", start), ("end", end)):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name} must be a finite year, got {value}")
    if start is not None and end is not None and not start < end:
        raise ValueError(f"start ({start}) must come before end ({end})")
    rows = table
    if start is not None:
        rows = rows[rows["year"] >= start]
    if end is not None:
        rows = rows[rows["year"] < end]
    return rows


def compute_fit(
    start: float | None = None,
    end: float | None = None,
    *,
    top3_only: bool = True,
    per_year: int = 3,
    level: float = 0.95,
    table: pd.DataFrame | None = None,
) -> GrowthFit:
    """Doubling time of training compute over ``start <= year < end`` (``None``: open end).

    Fits the ``per_year`` largest models of each year (1 to 3) of the curated top-three rows;
    ``top3_only=False`` adds the models the chapter names (a selection by interest, not a rule).
    """
    validate.finite_number("level", level)
    if not 1 <= validate.integer("per_year", per_year) <= 3:
        raise ValueError(f"per_year must be 1, 2 or 3, got {per_year!r}")
    table = notable_models() if table is None else table
    rows = table[table["top3"]] if top3_only else table
    if per_year < 3:
        rows = (
            rows.assign(calendar=rows["year"].astype(int))
            .sort_values("training_compute_flop", ascending=False, kind="stable")
            .groupby("calendar")
            .head(per_year)
            .sort_values("year")
        )
    rows = _window(rows, start, end)
    span = f"{'' if start is None else start}-{'' if end is None else end}"
    if len(rows) < 3:
        raise ValueError(f"need at least 3 models in the window {span}, found {len(rows)}")
    return moore.fit_growth(
        rows["year"],
        rows["training_compute_flop"],
        quantity="training compute",
        level=level,
    )


def era_fits(*, per_year: int = 3, level: float = 0.95) -> dict[str, GrowthFit]:
    """The fit of each window of :data:`ERAS`, by its label."""
    table = notable_models()
    return {
        label: compute_fit(start, end, per_year=per_year, level=level, table=table)
        for label, start, end in ERAS
    }


def _growth_fit(name: str, value) -> GrowthFit:
    """``value`` if it is a fit of chapter 1's :func:`moore.fit_growth`; else a clear error."""
    if not isinstance(value, GrowthFit):
        raise TypeError(
            f"{name} must be a GrowthFit (moore.fit_growth), got {type(value).__name__}"
        )
    return value


def _fits(name: str, value) -> dict[str, GrowthFit]:
    """``value`` if it is a ``{label: GrowthFit}`` mapping; else a clear error."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict of label -> GrowthFit, got {type(value).__name__}")
    for label, fit in value.items():
        _growth_fit(f"{name}[{label!r}]", fit)
    return value


def _month(year: float) -> str:
    whole = math.floor(year)
    return f"{whole}-{min(int((year - whole) * 12) + 1, 12):02d}"


def fit_window(fit: GrowthFit) -> str:
    """The months of the first and last points of a fit, e.g. ``"2018-01 to 2025-02"``.

    Data dated by whole years only (launch years) give years: ``"2017 to 2024"``.
    """
    _growth_fit("fit", fit)
    first, last = min(fit.years), max(fit.years)
    if all(float(y).is_integer() for y in fit.years):
        return f"{first:.0f} to {last:.0f}"
    return f"{_month(first)} to {_month(last)}"


def bootstrap_doubling_months(
    fit: GrowthFit, *, resamples: int = 2000, level: float | None = None, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the doubling time (months), resampling the points.

    A check on the Student-t interval, which assumes independent, normal residuals.
    """
    _growth_fit("fit", fit)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise ValueError(f"resamples must be an integer >= 100, got {resamples!r}")
    level = fit.level if level is None else level
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    x = np.asarray(fit.years)
    y = np.log2(np.asarray(fit.values))
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, fit.n, size=(resamples, fit.n))
    xs, ys = x[picks], y[picks]
    xc = xs - xs.mean(axis=1, keepdims=True)
    denominator = (xc**2).sum(axis=1)
    valid = denominator > 0
    slopes = (xc * (ys - ys.mean(axis=1, keepdims=True))).sum(axis=1)[valid] / denominator[valid]
    low, high = np.quantile(slopes, [0.5 - level / 2, 0.5 + level / 2])
    return (12 / high if high > 0 else math.inf, 12 / low if low > 0 else math.inf)


def fit_table(fits: dict[str, GrowthFit]) -> pd.DataFrame:
    """One row per fit: window, models, doubling time with both intervals, growth per year."""
    _fits("fits", fits)
    if not fits:
        raise ValueError("give at least one fit")
    rows = []
    for label, fit in fits.items():
        low, high = fit.doubling_months_ci
        boot_low, boot_high = bootstrap_doubling_months(fit)
        rows.append(
            {
                "window": label,
                "first to last model": fit_window(fit),
                "models": fit.n,
                "doubling time (months)": fit.doubling_months,
                f"{fit.level:.0%} CI, t (months)": f"{low:.1f} to {high:.1f}",
                f"{fit.level:.0%} CI, bootstrap (months)": f"{boot_low:.1f} to {boot_high:.1f}",
                "growth per year (x)": 2**fit.slope,
            }
        )
    return pd.DataFrame(rows).set_index("window")


def doublings_above_trend(fit: GrowthFit, year: float, flop: float) -> float:
    """How many doublings a model of ``flop`` at ``year`` sits above the fit (negative: below)."""
    _growth_fit("fit", fit)
    if not math.isfinite(year):
        raise ValueError(f"year must be finite, got {year}")
    if not (math.isfinite(flop) and flop > 0):
        raise ValueError(f"flop must be positive and finite, got {flop}")
    return math.log2(flop) - (fit.intercept + fit.slope * year)


# --------------------------------------------------------------------------------------------
# Where the compute went: 6 N D
# --------------------------------------------------------------------------------------------


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return float(value)


def training_flop(parameters: float, tokens: float) -> float:
    """Training FLOP ~= 6 N D: 2 N per token forward, 4 N backward (Kaplan et al. 2020)."""
    return 6 * _positive("parameters", parameters) * _positive("tokens", tokens)


def compute_optimal(flop: float) -> tuple[float, float]:
    """``(parameters, tokens)`` of the compute-optimal model for a budget: D = 20 N, C = 6 N D."""
    budget = _positive("flop", flop)
    parameters = math.sqrt(budget / (6 * CHINCHILLA_TOKENS_PER_PARAMETER))
    return parameters, CHINCHILLA_TOKENS_PER_PARAMETER * parameters


def inference_break_even_tokens(parameters: float, tokens: float) -> float:
    """Tokens served (2 N FLOP each) after which inference has cost as much as training (6 N D)."""
    return training_flop(parameters, tokens) / (2 * _positive("parameters", parameters))


def llm_tokens() -> pd.DataFrame:
    """The language models with published parameters and tokens (``llm_tokens.csv``)."""
    return data.load("llm_tokens")


def _tensor_peak(row: pd.Series) -> float:
    """Dense 16-bit matrix peak (FLOP/s): BF16 where given, else FP16 (e.g. V100)."""
    value = row["bf16_tensor_tflops"]
    if pd.isna(value):
        value = row["fp16_tensor_tflops"]
    return float(value) * 1e12


def six_nd_check() -> pd.DataFrame:
    """6 N D against Epoch's training compute, and the utilisation the chips' time implies.

    ``implied utilisation`` = Epoch's compute / (chips x dense 16-bit peak x hours), where the
    table names the hardware and Epoch gives chips and hours.
    """
    tokens = llm_tokens()
    models = notable_models().set_index("model")
    missing = sorted(set(tokens["model"]) - set(models.index))
    if missing:
        raise ValueError(f"llm_tokens names models that notable_models lacks: {missing}")
    sheet = hardware.datasheet().set_index("name")
    rows = []
    for row in tokens.itertuples():
        model = models.loc[row.model]
        six_nd = training_flop(row.active_parameters, row.tokens)
        epoch = float(model["training_compute_flop"])
        utilisation = math.nan
        if isinstance(row.hardware, str) and row.hardware:
            if row.hardware not in sheet.index:
                raise ValueError(f"{row.model}: no hardware row named {row.hardware!r}")
            chips, hours = model["hardware_quantity"], model["training_hours"]
            if pd.notna(chips) and pd.notna(hours):
                peak = _tensor_peak(sheet.loc[row.hardware])
                utilisation = epoch / (chips * peak * hours * 3600)
        rows.append(
            {
                "model": row.model,
                "year": float(model["year"]),
                "active parameters": row.active_parameters,
                "tokens": row.tokens,
                "tokens per parameter": row.tokens / row.active_parameters,
                "6ND (FLOP)": six_nd,
                "Epoch (FLOP)": epoch,
                "Epoch / 6ND": epoch / six_nd,
                "implied utilisation": utilisation,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Hardware since the report
# --------------------------------------------------------------------------------------------


def training_accelerators(since: int = 2017) -> pd.DataFrame:
    """Datacenter training accelerators of ``hardware.csv`` launched in or after ``since``.

    GPUs and TPUs with a dense 16-bit tensor peak; inference cards under 100 W (T4, L4) are
    left out. Adds the 16-bit tensor peak, the ridge points (FLOP/byte) and peak per watt.
    """
    if isinstance(since, bool) or not isinstance(since, int):
        raise TypeError(f"since must be a year (int), got {since!r}")
    sheet = hardware.datasheet()
    tensor = sheet["bf16_tensor_tflops"].fillna(sheet["fp16_tensor_tflops"])
    keep = (
        sheet["kind"].isin(["gpu", "tpu"])
        & (sheet["year"] >= since)
        & tensor.notna()
        & ~(sheet["tdp_w"] < 100)
    )
    rows = sheet[keep].copy()
    if rows.empty:
        raise ValueError(f"no training accelerators launched in or after {since}")
    rows["tensor_tflops"] = tensor[keep]
    rows["tensor_ridge"] = [
        roofline.ridge_point(p * 1e12, b * 1e9)
        for p, b in zip(rows["tensor_tflops"], rows["mem_bw_gbs"], strict=True)
    ]
    rows["fp32_ridge"] = rows["fp32_tflops"] * 1e3 / rows["mem_bw_gbs"]
    rows["tensor_tflops_per_kw"] = rows["tensor_tflops"] / rows["tdp_w"] * 1e3
    return rows.sort_values(["year", "name"]).reset_index(drop=True)


def hardware_fits(table: pd.DataFrame | None = None) -> dict[str, GrowthFit]:
    """Doubling times of 16-bit tensor peak, memory bandwidth and their ratio, the ridge."""
    table = training_accelerators() if table is None else table
    years = table["year"].astype(float)
    return {
        "16-bit tensor peak": moore.fit_growth(
            years, table["tensor_tflops"], quantity="16-bit tensor peak"
        ),
        "memory bandwidth": moore.fit_growth(
            years, table["mem_bw_gbs"], quantity="memory bandwidth"
        ),
        "tensor ridge point": moore.fit_growth(
            years, table["tensor_ridge"], quantity="tensor ridge point"
        ),
    }


def run_time_seconds(flop: float, flop_per_second: float, utilisation: float = 1.0) -> float:
    """Seconds to do ``flop`` at ``flop_per_second`` peak used at ``utilisation`` (0 to 1]."""
    work = _positive("flop", flop)
    rate = _positive("flop_per_second", flop_per_second)
    share = _positive("utilisation", utilisation)
    if share > 1:
        raise ValueError(f"utilisation must be at most 1, got {utilisation}")
    return work / (rate * share)


def training_costs() -> pd.DataFrame:
    """The curated runs with Epoch's cost estimate, and their cost per FLOP (2023 USD)."""
    table = notable_models()
    rows = table[table["training_cost_2023_usd"].notna()].copy()
    if (rows["training_cost_2023_usd"] <= 0).any():
        raise ValueError("notable_models: every training cost must be positive")
    rows["usd_per_flop"] = rows["training_cost_2023_usd"] / rows["training_compute_flop"]
    return rows.reset_index(drop=True)


def cost_fits(table: pd.DataFrame | None = None) -> dict[str, GrowthFit]:
    """Growth of a run's cost and of its cost per FLOP over the runs Epoch prices.

    The runs are those of the curated table that have a cost: a selection by what Epoch could
    price, mostly large runs since 2016, not a fixed rule.
    """
    table = training_costs() if table is None else table
    return {
        "cost of a run": moore.fit_growth(
            table["year"], table["training_cost_2023_usd"], quantity="cost of a training run"
        ),
        "cost per FLOP": moore.fit_growth(
            table["year"], table["usd_per_flop"], quantity="cost per FLOP"
        ),
    }


def gpu_share_since(year: int = REPORT_YEAR) -> tuple[int, int, int]:
    """``(GPU runs, TPU runs, runs with named hardware)`` of the top-three models since ``year``.

    A run counts as GPU when Epoch names an NVIDIA or AMD chip, TPU when it names a Google TPU
    (a run naming both counts for both).
    """
    validate.finite_number("year", year)
    table = notable_models()
    rows = table[table["top3"] & (table["year"] >= year)]
    named = rows["training_hardware"].dropna().astype(str)
    if named.empty:
        raise ValueError(f"no top-three model since {year} names its hardware")
    gpu = named.str.contains("NVIDIA|AMD", regex=True).sum()
    tpu = named.str.contains("TPU").sum()
    return int(gpu), int(tpu), len(named)


# --------------------------------------------------------------------------------------------
# The report's forecasts against what followed
# --------------------------------------------------------------------------------------------


def _ci_text(fit: GrowthFit) -> str:
    low, high = fit.doubling_months_ci
    return (
        f"{fit.doubling_months:.1f} months ({fit.level:.0%} CI {low:.1f}-{high:.1f}; "
        f"{fit_window(fit)}, {fit.n} models)"
    )


@audits("ch9.demand-surging")
def _demand_surging(claim: Claim) -> Finding:
    since = compute_fit(REPORT_YEAR)
    chips = moore.transistor_fit()
    faster = since.doubling_months_ci[1] < chips.doubling_months_ci[0]
    return check(
        claim,
        since.doubling_months,
        verdict=Verdict.HOLDS if faster else Verdict.DOES_NOT_HOLD,
        ours_text=f"largest training runs double every {_ci_text(since)}; transistors per "
        f"chip every {chips.doubling_months:.1f}",
        note="Measured by the three largest training runs of each year (Epoch AI): their "
        "compute grew "
        + (
            "far faster than chips improved, so the infrastructure itself had to grow."
            if faster
            else "no faster than chips improved."
        ),
    )


@audits("ch9.demand-doubles-3y")
def _demand_doubles(claim: Claim) -> Finding:
    since = compute_fit(REPORT_YEAR)
    low, high = (2 ** (3 * s) for s in since.slope_ci)
    return check(
        claim,
        since.factor_over(3),
        ours_text=f"x{since.factor_over(3):,.0f} in 3 years ({since.level:.0%} CI "
        f"x{low:,.0f}-x{high:,.0f}) for the largest training runs, {fit_window(since)}",
        note="Compares the forecast with the field's frontier, not with the 215 firms, whose "
        "later holdings no survey measured. The direction held; the scale was "
        f"{math.log10(since.factor_over(3) / claim.reported):.1f} orders of magnitude beyond it.",
    )


@audits("ch9.data-4.8x")
def _data_growth(claim: Claim) -> Finding:
    table = llm_tokens().merge(notable_models()[["model", "year"]], on="model")
    fit = moore.fit_growth(table["year"], table["tokens"], quantity="training tokens")
    low, high = (2 ** (3 * s) for s in fit.slope_ci)
    return check(
        claim,
        fit.factor_over(3),
        ours_text=f"x{fit.factor_over(3):.0f} in 3 years ({fit.level:.0%} CI "
        f"x{low:.0f}-x{high:.0f}): pre-training tokens of {fit.n} language models, "
        f"{fit_window(fit)}",
        note="The firms' 4.8x was their own plan; the published language models' training "
        "data grew faster. A small sample chosen by what authors published.",
    )


@audits("ch9.gpu-mainstream")
def _gpu_mainstream(claim: Claim) -> Finding:
    gpu, tpu, named = gpu_share_since(REPORT_YEAR)
    share = gpu / named
    verdict = (
        Verdict.HOLDS
        if share >= 2 / 3
        else Verdict.ROUGHLY
        if share > 0.5
        else Verdict.DOES_NOT_HOLD
    )
    return check(
        claim,
        100 * share,
        verdict=verdict,
        ours_text=f"{gpu} of {named} of the largest runs since {REPORT_YEAR} with named "
        f"hardware used GPUs, {tpu} Google TPUs",
        note="GPUs stayed the general choice; Google's own TPUs, which the report names in "
        "the next sentence, trained much of the frontier.",
    )


@audits("ch9.alphago-zero-hpc")
def _alphago_zero(claim: Claim) -> Finding:
    models = notable_models().set_index("model")
    zero = models.loc["AlphaGo Zero"]
    lee = models.loc["AlphaGo Lee"]
    ratio = zero["training_compute_flop"] / lee["training_compute_flop"]
    trend = compute_fit(SPLIT_YEAR, REPORT_YEAR)
    above = doublings_above_trend(trend, zero["year"], zero["training_compute_flop"])
    same_year = models[models["year"].astype(int) == int(zero["year"])]
    rank = int((same_year["training_compute_flop"] > zero["training_compute_flop"]).sum()) + 1
    return check(
        claim,
        ratio,
        verdict=Verdict.HOLDS if ratio > 1 else Verdict.DOES_NOT_HOLD,
        ours_text=f"{zero['training_compute_flop']:.2g} FLOP, x{ratio:.0f} AlphaGo Lee's; "
        f"{above:+.1f} doublings from the {SPLIT_YEAR}-{REPORT_YEAR - 1} trend",
        note="Epoch AI's estimates. Learning without human games did not save compute: "
        f"AlphaGo Zero is number {rank} of {int(zero['year'])} by training compute in the "
        "curated table.",
    )


def audit() -> list[Finding]:
    """Every chapter-9 claim (the report's forecasts), judged from the curated tables."""
    return audit_chapter(9)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def _stacked_pair(figsize: tuple[float, float]):
    """Two panels, one above the other, in the book's style (legible at the column's width)."""
    import matplotlib.pyplot as plt

    from aicompute import plotting

    plotting.use_style()
    fig, (upper, lower) = plt.subplots(2, 1, figsize=figsize)
    return fig, (upper, lower)


# Labelled models and where their labels go (offset in points, horizontal alignment).
_LABELLED = {
    "AlexNet": ((-8, 6), "right"),
    "AlphaGo Lee": ((-8, 6), "right"),
    "AlphaGo Zero": ((-8, 8), "right"),
    "GPT-3 175B (davinci)": ((8, -14), "left"),
    "GPT-4": ((-8, 8), "right"),
}


def plot_compute_trend(fits: dict[str, GrowthFit] | None = None):
    """Training compute of notable models (log scale) with the fitted eras and Moore's line."""
    from aicompute import plotting

    fits = era_fits() if fits is None else fits
    table = notable_models()
    fig, ax = plotting.new_figure(
        "publication year (year)", "training compute (FLOP)", logy=True, figsize=(7.2, 5.6)
    )
    top = table[table["top3"]]
    ax.scatter(
        top["year"],
        top["training_compute_flop"],
        s=22,
        color=plotting.color_for(0),
        label="three largest of each year",
        zorder=3,
    )
    other = table[~table["top3"]]
    ax.scatter(
        other["year"],
        other["training_compute_flop"],
        s=22,
        marker="s",
        facecolors="none",
        edgecolors="#555555",
        label="other models named in the chapter",
        zorder=3,
    )
    shown = [f"before {SPLIT_YEAR}", f"{SPLIT_YEAR} to the report", "since the report"]
    for index, label in enumerate(shown):
        fit = fits[label]
        span = np.linspace(min(fit.years), max(fit.years), 50)
        ax.plot(
            span,
            fit.predict(span),
            color=plotting.color_for(index + 1),
            lw=2.2,
            label=f"{label}: x2 every {fit.doubling_months:.1f} months",
        )
    before = fits[f"before {SPLIT_YEAR}"]
    chips = moore.transistor_fit()
    span = np.linspace(SPLIT_YEAR, 2025.3, 20)
    start = before.predict([SPLIT_YEAR])[0]
    ax.plot(
        span,
        start * 2 ** (12 * (span - SPLIT_YEAR) / chips.doubling_months),
        ls="--",
        color="black",
        lw=1.5,
        label=f"Moore's pace (chapter 1): x2 every {chips.doubling_months:.0f} months",
    )
    ax.axvline(REPORT_YEAR, color="#777777", lw=1, ls=":")
    ax.text(REPORT_YEAR - 0.5, 1e3, "the report", rotation=90, ha="right", fontsize=9)
    for name, (offset, align) in _LABELLED.items():
        row = table[table["model"] == name].iloc[0]
        ax.annotate(
            name.replace(" (davinci)", ""),
            (row["year"], row["training_compute_flop"]),
            xytext=offset,
            textcoords="offset points",
            ha=align,
            fontsize=9,
        )
    ax.set_xlim(1948, 2027)
    ax.legend(loc="upper left", fontsize=9)
    return fig, ax


def plot_doubling_times(fits: dict[str, GrowthFit], references: dict[str, GrowthFit]):
    """Doubling times (months) with their intervals: compute eras beside chapter 1's trends."""
    import matplotlib.ticker

    from aicompute import plotting

    entries = list(_fits("fits", fits).items()) + list(_fits("references", references).items())
    if not entries:
        raise ValueError("give at least one fit")
    fig, ax = plotting.new_figure(
        "doubling time (months, log scale)", "trend (fitted window)", logx=True, figsize=(7.2, 5.0)
    )
    for position, (_, fit) in enumerate(entries):
        low, high = fit.doubling_months_ci
        color = plotting.color_for(0 if position < len(fits) else 3)
        ax.errorbar(
            [fit.doubling_months],
            [position],
            xerr=[[fit.doubling_months - low], [high - fit.doubling_months]],
            fmt="o",
            color=color,
            capsize=4,
        )
    ax.set_yticks(range(len(entries)))
    ax.set_yticklabels([f"{label}\n{fit_window(fit)}" for label, fit in entries], fontsize=9)
    ax.set_ylim(len(entries) - 0.5, -0.9)
    ticks = [2, 3, 6, 12, 18, 24, 48]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlim(2, 60)
    ax.axvline(18, color="#777777", ls=":", lw=1)
    ax.text(18.5, -0.55, "report: 18 months", fontsize=9, color="#444444", va="center")
    ax.grid(True, axis="x", which="major")
    return fig, ax


# Label placement of the 6ND figure where names would collide: (offset in points, alignment).
_SIX_ND_LABELS = {
    "Gopher (280B)": ((-6, 2), "right"),
    "Chinchilla": ((-6, 14), "right"),
    "LLaMA-65B": ((6, -14), "left"),
    "DeepSeek-V3": ((-6, 4), "right"),
    "OPT-175B": ((-6, -4), "right"),
}
_TOKEN_LABELS = {
    "LLaMA-65B": ((-6, 4), "right"),
    "Chinchilla": ((6, -10), "left"),
    "Gopher (280B)": ((6, -12), "left"),
    "Llama 3.1-405B": ((6, 4), "left"),
}


def plot_six_nd(table: pd.DataFrame | None = None):
    """Top: 6ND against Epoch's compute. Bottom: tokens against parameters, with D = 20 N."""
    import matplotlib.ticker

    from aicompute import plotting

    table = six_nd_check() if table is None else table
    fig, (left, right) = _stacked_pair(figsize=(7.2, 9.0))
    left.set_xlabel("6 x parameters x tokens (FLOP)")
    left.set_ylabel("Epoch's training compute (FLOP)")
    left.set_xscale("log")
    left.set_yscale("log")
    right.set_xscale("log")
    right.set_yscale("log")
    left.scatter(table["6ND (FLOP)"], table["Epoch (FLOP)"], color=plotting.color_for(0), zorder=3)
    span = np.array([1e23, 1e26])
    left.plot(span, span, color="black", lw=1, label="equal")
    left.legend(loc="upper left", fontsize=9)
    for _, row in table.iterrows():
        offset, align = _SIX_ND_LABELS.get(row["model"], ((6, -10), "left"))
        left.annotate(
            row["model"].split(" (")[0],
            (row["6ND (FLOP)"], row["Epoch (FLOP)"]),
            fontsize=9,
            xytext=offset,
            ha=align,
            textcoords="offset points",
        )
    right.set_xlabel("active parameters (count)")
    right.set_ylabel("training tokens (count)")
    right.scatter(
        table["active parameters"],
        table["tokens"],
        color=plotting.color_for(1),
        marker="s",
        zorder=3,
    )
    params = np.array([2e10, 8e11])
    right.plot(
        params,
        CHINCHILLA_TOKENS_PER_PARAMETER * params,
        color="black",
        lw=1,
        ls="--",
        label=f"compute-optimal: {CHINCHILLA_TOKENS_PER_PARAMETER:.0f} tokens per parameter",
    )
    for _, row in table.iterrows():
        offset, align = _TOKEN_LABELS.get(row["model"], ((6, 2), "left"))
        right.annotate(
            row["model"].split(" (")[0],
            (row["active parameters"], row["tokens"]),
            fontsize=9,
            xytext=offset,
            ha=align,
            textcoords="offset points",
        )
    right.set_xlim(2.5e10, 1.5e12)
    right.set_ylim(1e11, 5e13)
    ticks = [3e10, 1e11, 3e11, 1e12]
    right.set_xticks(ticks)
    right.set_xticklabels(["30 B", "100 B", "300 B", "1 T"])
    right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.legend(loc="lower right", fontsize=9)
    return fig, (left, right)


# Label placement of the ridge panel where names would collide.
_RIDGE_LABELS = {
    "A100 SXM4 40GB": ((-5, 2), "right"),
    "A100 SXM4 80GB": ((-5, -10), "right"),
    "A100 PCIe 80GB": ((5, -10), "left"),
    "Instinct MI300X": ((-8, -12), "right"),
    "TPU v5e": ((5, -6), "left"),
    "TPU v5p": ((5, -10), "left"),
    "H200 SXM": ((5, -8), "left"),
}
_SHORT_NAMES = {
    "Tesla V100 SXM2": "V100",
    "A100 SXM4 40GB": "A100 40GB",
    "A100 SXM4 80GB": "A100 80GB",
    "A100 PCIe 80GB": "A100 PCIe",
    "Instinct MI300X": "MI300X",
    "H200 SXM": "H200",
}


def plot_hardware(table: pd.DataFrame | None = None):
    """Top: 16-bit tensor peak and bandwidth by launch year. Bottom: the ridge point's drift."""
    from aicompute import plotting

    table = training_accelerators() if table is None else table
    fits = hardware_fits(table)
    fig, (left, right) = _stacked_pair(figsize=(7.2, 8.6))
    left.set_xlabel("launch year (year)")
    left.set_ylabel("peak (TFLOP/s) or bandwidth (GB/s)")
    left.set_yscale("log")
    right.set_xlabel("launch year (year)")
    years = np.linspace(table["year"].min(), table["year"].max(), 20)
    for index, (column, label, key) in enumerate(
        [
            ("tensor_tflops", "16-bit tensor peak (TFLOP/s)", "16-bit tensor peak"),
            ("mem_bw_gbs", "memory bandwidth (GB/s)", "memory bandwidth"),
        ]
    ):
        fit = fits[key]
        left.scatter(
            table["year"],
            table[column],
            color=plotting.color_for(index),
            marker=plotting.MARKERS[index],
            zorder=3,
            label=f"{label}: x2 every {fit.doubling_months:.0f} months",
        )
        left.plot(years, fit.predict(years), color=plotting.color_for(index), lw=1.2)
    left.legend(loc="upper left", fontsize=9)
    right.set_ylabel("ridge point (FLOP/byte)")
    right.set_yscale("log")
    ridge = fits["tensor ridge point"]
    right.scatter(
        table["year"],
        table["tensor_ridge"],
        color=plotting.color_for(2),
        marker=plotting.MARKERS[2],
        zorder=3,
        label="16-bit tensor ridge",
    )
    right.plot(years, ridge.predict(years), color=plotting.color_for(2), lw=1.2)
    fp32 = table.dropna(subset=["fp32_ridge"])
    right.scatter(
        fp32["year"],
        fp32["fp32_ridge"],
        color=plotting.color_for(3),
        marker=plotting.MARKERS[3],
        zorder=3,
        label="FP32 ridge (the report's unit)",
    )
    for row in table.itertuples():
        offset, align = _RIDGE_LABELS.get(row.name, ((5, 2), "left"))
        right.annotate(
            _SHORT_NAMES.get(row.name, row.name),
            (row.year, row.tensor_ridge),
            fontsize=9,
            xytext=offset,
            ha=align,
            textcoords="offset points",
        )
    right.set_xlim(table["year"].min() - 1.5, table["year"].max() + 1.2)
    right.legend(loc="upper left", fontsize=9)
    return fig, (left, right)
