"""The 215-firm estimate: how the report scales its 72 respondents up to the surveyed population.

The report post-stratifies by revenue (<표 3-7>): each respondent in revenue stratum ``h`` stands
for ``N_h / n_h`` firms. :func:`estimate_population` redoes that estimate, :func:`compare_estimate`
sets it beside every revenue and total cell of <표 별첨2-8> and 2-10,
:func:`implied_weighted_bases` and :func:`population_cell_ranges` test the other rows (which the
revenue weights alone cannot reproduce), and :func:`alternative_estimates` redoes the estimate
under other reasonable weightings.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aicompute.survey.report_tables import (
    BREAKDOWNS,
    GPU_TABLES,
    KNOWN_DISCREPANCIES,
    MODELS,
    POPULATION,
    SAMPLE,
    TFLOPS,
    gpu_counts,
    item_bases,
    kind_tables,
    table,
)

__all__ = [
    "stratum_weights",
    "estimate_population",
    "compare_estimate",
    "implied_weighted_bases",
    "alternative_estimates",
    "joint_firms",
    "weighted_bases",
    "population_cell_ranges",
]


def stratum_weights() -> pd.DataFrame:
    """Revenue strata of <표 3-7>: sample n, population N and the weight N / n of a respondent."""
    t37 = table("3-7").loc["revenue"]
    out = pd.DataFrame(
        {
            "category_en": t37["category_en"],
            "sample": t37["72개 대상"].astype(int),
            "population": t37["215개 대상"].astype(int),
        }
    )
    out["weight"] = out["population"] / out["sample"]
    return out


def _stratum_tflops(kind: str) -> pd.DataFrame:
    """Exact TFLOPS per revenue stratum and model (whole GPUs x TFLOPS)."""
    counts = gpu_counts(kind, "revenue")
    return pd.DataFrame({m: counts[m] * TFLOPS[m] for m in MODELS}, index=counts.index)


def estimate_population(kind: str = "current", weights: pd.Series | None = None) -> pd.DataFrame:
    """The 215-firm estimate in the layout of <표 별첨2-8> (current) or 2-10 (demand).

    Rows: the revenue strata and the total; columns: per-firm means and sums (TFLOPS) of all
    models and each model. ``weights`` (indexed by stratum, Korean label) replaces the report's
    N_h / n_h. As in the report, a model's mean divides by the (weighted) firms that answered
    that item (:func:`item_bases`), the all-models mean by 3 x all (weighted) firms.
    """
    strata = stratum_weights()
    w = strata["weight"] if weights is None else pd.Series(weights, dtype=float)
    if set(w.index) != set(strata.index) or (w < 0).any() or not np.isfinite(w).all():
        raise ValueError(
            "weights must give a finite, non-negative weight for every revenue stratum"
        )
    w = w.reindex(strata.index)
    tf = _stratum_tflops(kind)
    sums = tf.mul(w, axis=0)
    firms = strata["sample"] * w
    answered = item_bases(kind, "revenue")[list(MODELS)].mul(w, axis=0)
    rows = {}
    for cat in strata.index:
        rows[cat] = _estimate_row(sums.loc[cat], firms.loc[cat], answered.loc[cat])
    rows["전체"] = _estimate_row(sums.sum(), firms.sum(), answered.sum())
    out = pd.DataFrame(rows).T
    out.index.name = "category_ko"
    return out


def _estimate_row(sums: pd.Series, firms: float, answered: pd.Series) -> dict[str, float]:
    total = float(sums.sum())
    row = {"평균: 전체": total / (3 * firms) if firms else 0.0}
    row.update({f"평균: {m}": float(sums[m]) / answered[m] if answered[m] else 0.0 for m in MODELS})
    row["합계: 전체"] = total
    row.update({f"합계: {m}": float(sums[m]) for m in MODELS})
    return row


def compare_estimate(kind: str = "current") -> pd.DataFrame:
    """Our reproduction of every revenue and total cell of <표 별첨2-8>/2-10 beside the printed one.

    Long form: category, variable, printed, ours, difference, and ``ok`` when they agree to the
    printed rounding (0.05 for means, 0.5 for sums, plus the known report discrepancies).
    """
    pop_id = kind_tables(kind)[1]
    printed = table(pop_id)
    ours = estimate_population(kind)
    records = []
    for cat in ours.index:
        key = ("total", cat) if cat == "전체" else ("revenue", cat)
        for var in ours.columns:
            p = float(printed.loc[key, var])
            o = float(ours.loc[cat, var])
            slack = (0.05 if var.startswith("평균") else 0.5) + 1e-6
            records.append(
                {
                    "category_ko": cat,
                    "category_en": printed.loc[key, "category_en"],
                    "variable_ko": var,
                    "printed": p,
                    "ours": o,
                    "difference": o - p,
                    "ok": abs(o - p) <= slack,
                    "known": ("mean = sum / base", pop_id, cat, var) in KNOWN_DISCREPANCIES,
                }
            )
    return pd.DataFrame(records)


def implied_weighted_bases(
    kind: str = "current", frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """What the population table implies for the categories the revenue weights cannot reproduce.

    For each category of the other breakdowns (year founded, deep-learning and GPU use,
    awareness): the weighted number of firms implied by the printed mean (sum / (3 x mean)), and
    the ratio of the population sum to the sample sum. Post-stratification by revenue makes each
    ratio a weighted average of the stratum weights, so it must lie between the smallest and the
    largest N_h / n_h; ``within_bounds`` says whether it does.
    """
    sample_id, pop_id = kind_tables(kind)
    sample, pop = table(sample_id, frame), table(pop_id, frame)
    w = stratum_weights()["weight"]
    lo, hi = float(w.min()), float(w.max())
    records = []
    for key in pop.index:
        if key[0] in ("total", "revenue"):
            continue
        s72 = float(sample.loc[key, "합계: 전체"])
        s215 = float(pop.loc[key, "합계: 전체"])
        ratio = s215 / s72 if s72 else math.nan
        records.append(
            {
                "breakdown": key[0],
                "category_ko": key[1],
                "category_en": pop.loc[key, "category_en"],
                "sample_n": int(sample.loc[key, "base_n"]),
                "implied_firms": s215 / (3 * float(pop.loc[key, "평균: 전체"])),
                "sample_sum": s72,
                "population_sum": s215,
                "ratio": ratio,
                "within_bounds": lo - 0.01 <= ratio <= hi + 0.01,
            }
        )
    return pd.DataFrame(records)


def alternative_estimates(kind: str = "current") -> pd.DataFrame:
    """The 215-firm total (PFLOPS) under other reasonable weightings, with the report's first.

    * report: revenue post-stratification, N_h / n_h (<표 3-7>);
    * uniform: every respondent stands for 215 / 72 firms (no stratification);
    * collapsed: the three smallest strata (3-12 bn won, n = 6, 4, 3) merged into one;
    * trimmed: weights capped at 1.5 x the uniform weight, the excess spread over the others;
    * respondents only: non-respondents hold nothing (a floor, 72-firm sum);
    * leave-one-out: each stratum's respondents dropped and the others reweighted to 215.
    """
    strata = stratum_weights()
    n, big_n = strata["sample"], strata["population"]
    tf = _stratum_tflops(kind).sum(axis=1)
    schemes: dict[str, pd.Series] = {"report (revenue strata)": strata["weight"]}
    schemes["uniform 215/72"] = pd.Series(POPULATION / SAMPLE, index=strata.index)
    merged = ["30-50억 미만", "50-80억 미만", "80-120억 미만"]
    collapsed = strata["weight"].copy()
    collapsed[merged] = big_n[merged].sum() / n[merged].sum()
    schemes["collapsed small strata"] = collapsed
    cap = 1.5 * POPULATION / SAMPLE
    trimmed = strata["weight"].clip(upper=cap)
    free = trimmed < cap
    trimmed[free] *= (POPULATION - (trimmed[~free] * n[~free]).sum()) / (
        trimmed[free] * n[free]
    ).sum()
    schemes["trimmed weights (cap 1.5x uniform)"] = trimmed
    schemes["respondents only (floor)"] = pd.Series(1.0, index=strata.index)
    for cat in strata.index:
        w = pd.Series(0.0, index=strata.index)
        keep = strata.index != cat
        w[keep] = POPULATION / n[keep].sum()
        schemes[f"without {strata.loc[cat, 'category_en']}"] = w
    records = []
    for name, w in schemes.items():
        records.append(
            {
                "weighting": name,
                "firms_represented": float((n * w).sum()),
                "pflops": float((tf * w).sum() / 1000),
            }
        )
    return pd.DataFrame(records)


# --------------------------------------------------------------------------------------------
# The other rows of the population tables: which firm-level allocations reproduce them?

_USE_TABLES = {"deep_learning": "별첨2-5", "gpu_use": "별첨2-6"}
_USE_COLUMNS = ("활용하고 있지 않음", "활용하고 있음", "활용할 예정임")


def joint_firms(breakdown: str) -> pd.DataFrame | None:
    """Respondents per revenue stratum and category, where the appendix prints it.

    <표 별첨2-5> and 2-6 break deep-learning and GPU use down by revenue, so these joint counts
    are known (share x base, whole firms); for year founded and awareness they are not (None).
    """
    if breakdown not in BREAKDOWNS or breakdown in ("total", "revenue"):
        raise ValueError(f"breakdown must be a non-revenue breakdown, got {breakdown!r}")
    if breakdown not in _USE_TABLES:
        return None
    t = table(_USE_TABLES[breakdown]).loc["revenue"]
    counts = (t[list(_USE_COLUMNS)].mul(t["base_n"], axis=0) / 100).round().astype(int)
    categories = table(_USE_TABLES[breakdown]).loc[breakdown].index
    counts.columns = list(categories)
    return counts


def weighted_bases(breakdown: str) -> pd.DataFrame:
    """Weighted firms per category, sum_h (N_h / n_h) n_hc, from the known joint counts.

    Compared with the number the printed population table implies (:func:`implied_weighted_bases`):
    for deep-learning and GPU use the joint counts are printed, so this reproduces the
    population table's all-models means.
    """
    known = joint_firms(breakdown)
    if known is None:
        raise ValueError(f"the report prints no revenue breakdown of {breakdown!r}")
    ours = known.mul(stratum_weights()["weight"], axis=0).sum()
    out = pd.DataFrame({"weighted_firms": ours})
    for kind in GPU_TABLES:
        implied = implied_weighted_bases(kind).set_index(["breakdown", "category_ko"])
        out[f"implied_by_{kind}_table"] = implied.loc[breakdown, "implied_firms"]
    return out


def _allocation_problem(
    firms_by_stratum: np.ndarray,
    gpus_by_stratum: np.ndarray,
    firms_by_category: np.ndarray,
    gpus_by_category: np.ndarray,
    known: pd.DataFrame | None,
) -> tuple[np.ndarray, list[float], list[float], np.ndarray]:
    """Linear constraints on firms n[h, c] and GPUs g[h, c] (variables in that order)."""
    nh, nc = len(firms_by_stratum), len(firms_by_category)
    size = 2 * nh * nc
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def constrain(coefficients: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(size)
        for index, value in coefficients.items():
            row[index] = value
        rows.append(row)
        lo.append(low)
        hi.append(high)

    def firm(h: int, c: int) -> int:
        return h * nc + c

    def gpus(h: int, c: int) -> int:
        return nh * nc + h * nc + c

    for h in range(nh):
        constrain({firm(h, c): 1 for c in range(nc)}, firms_by_stratum[h], firms_by_stratum[h])
        total = float(gpus_by_stratum[h])
        constrain({gpus(h, c): 1 for c in range(nc)}, total, total)
        for c in range(nc):
            # no firm of this stratum in this category: no GPUs either
            constrain({gpus(h, c): 1, firm(h, c): -total}, -np.inf, 0)
            if known is not None:
                constrain({firm(h, c): 1}, known.iloc[h, c], known.iloc[h, c])
    for c in range(nc):
        constrain({firm(h, c): 1 for h in range(nh)}, firms_by_category[c], firms_by_category[c])
        constrain({gpus(h, c): 1 for h in range(nh)}, gpus_by_category[c], gpus_by_category[c])
    upper = np.concatenate([np.repeat(firms_by_stratum, nc), np.repeat(gpus_by_stratum, nc)])
    return np.array(rows), lo, hi, upper.astype(float)


def _objective_range(objective: np.ndarray, constraints, upper: np.ndarray) -> tuple[float, float]:
    """The smallest and largest ``objective @ x`` over whole ``0 <= x <= upper`` that fit."""
    from scipy.optimize import Bounds, milp

    ends = []
    for sign in (1, -1):
        result = milp(
            sign * objective,
            constraints=constraints,
            integrality=np.ones(len(objective)),
            bounds=Bounds(0, upper),
        )
        if not result.success:
            raise ValueError(f"no allocation fits the sample tables: {result.message}")
        ends.append(float(sign * result.fun) + 0.0)
    return ends[0], ends[1]


def population_cell_ranges(breakdown: str) -> pd.DataFrame:
    """How far the sample tables alone pin down each non-revenue cell of <표 별첨2-8>/2-10.

    Unknowns: the whole numbers of respondents and of GPUs of each model in every (revenue
    stratum, category) pair. Known: their sums over categories (the revenue rows) and over strata
    (the category rows) of the sample tables, and, for deep-learning and GPU use, the joint
    firm counts (:func:`joint_firms`); a pair with no firm holds no GPUs. Over all allocations
    that satisfy these, the population sum sum_h (N_h/n_h) x GPUs x TFLOPS ranges from ``low``
    to ``high`` (integer programs, solved with HiGHS). ``within_range`` when the printed cell lies
    in the range (to its rounding of 0.5 TFLOPS); ``determined`` when the range is narrower than
    1 TFLOPS, i.e. the sample tables fix the cell.
    """
    from scipy.optimize import LinearConstraint

    strata = stratum_weights()
    w = strata["weight"].to_numpy()
    nh = strata["sample"].to_numpy()
    known = joint_firms(breakdown)
    records = []
    for kind, (_, pop_id) in GPU_TABLES.items():
        sample = gpu_counts(kind, breakdown)
        by_stratum = gpu_counts(kind, "revenue")[list(MODELS)].to_numpy()
        printed = table(pop_id).loc[breakdown]
        categories = list(sample.index)
        nc = len(categories)
        for m_index, model in enumerate(MODELS):
            matrix, lo, hi, upper = _allocation_problem(
                nh,
                by_stratum[:, m_index],
                sample["base_n"].to_numpy(),
                sample[model].to_numpy(),
                known,
            )
            size = matrix.shape[1]
            constraints = LinearConstraint(matrix, lo, hi)
            for c, category in enumerate(categories):
                objective = np.zeros(size)
                for h in range(len(nh)):
                    objective[len(nh) * nc + h * nc + c] = w[h] * TFLOPS[model]
                low, high = _objective_range(objective, constraints, upper)
                value = float(printed.loc[category, f"합계: {model}"])
                records.append(
                    {
                        "kind": kind,
                        "category_ko": category,
                        "category_en": printed.loc[category, "category_en"],
                        "variable_ko": f"합계: {model}",
                        "printed": value,
                        "low": low,
                        "high": high,
                        "within_range": low - 0.5 - 1e-6 <= value <= high + 0.5 + 1e-6,
                        "determined": high - low <= 1.0,
                    }
                )
    return pd.DataFrame(records)
