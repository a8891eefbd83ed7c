"""Chapter 7: the 2017 survey of AI compute held and wanted by Korean SMEs and start-ups.

The report's 제3장 and 별첨 2 print the survey as tables; :func:`tables` reads them,
transcribed cell by cell into ``survey_tables.csv`` (long form, Korean labels with English
translations), and
:func:`stated` reads the numbers its text states (``survey_text_figures.csv``).

Three groups of functions:

* validation (:func:`validate`): every printed cell is checked against the others, e.g. a
  percentage must be ``k / n`` for a whole number of firms ``k`` out of the base ``n``, a TFLOPS
  sum must be a whole number of GPUs times the model's TFLOPS, categories must add up to the
  total. A transcription error makes a check fail; so do the report's own inconsistencies, which
  are listed in :data:`KNOWN_DISCREPANCIES` rather than corrected.
* the 215-firm estimate (:func:`estimate_population`): the report post-stratifies by revenue
  (<표 3-7>): each respondent in revenue stratum ``h`` stands for ``N_h / n_h`` firms of the
  population. :func:`compare_estimate` reproduces the revenue and total cells of <표 별첨2-8>
  and 2-10 with it; :func:`population_cell_ranges` bounds the other cells by integer
  programming; :func:`alternative_estimates` redoes the estimate under other weightings.
* analysis for the chapter (holdings, adoption, concentration, Nurion, today's GPUs) and
  :func:`audit`, which recomputes every registered claim of 제3장.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from aicompute import data
from aicompute.claims import Claim, Finding, Verdict, check, register

__all__ = [
    "MODELS",
    "TFLOPS",
    "POPULATION",
    "SAMPLE",
    "BREAKDOWNS",
    "KNOWN_DISCREPANCIES",
    "tables",
    "table",
    "stated",
    "reference_systems",
    "reference_value",
    "validate",
    "failures",
    "gpu_counts",
    "stratum_weights",
    "estimate_population",
    "compare_estimate",
    "implied_weighted_bases",
    "alternative_estimates",
    "holdings",
    "adoption",
    "gpu_fp32_tflops",
    "nurion_peak",
    "h100_equivalent",
    "headline",
    "item_bases",
    "demand_ratio",
    "CLAIMS",
    "audit",
    "plot_headline",
    "plot_concentration",
    "plot_adoption",
    "plot_alternatives",
    "joint_firms",
    "population_cell_ranges",
    "data_volumes",
    "hangul_font_available",
    "weighted_bases",
]

#: The three GPU classes of <표 3-2>, as the variable names of the GPU tables spell them.
MODELS: tuple[str, ...] = ("GTX 1070", "GTX 1080", "GTX 1080Ti/TITAN X(Pascal)/P100(P40)")
#: Breakdowns of the appendix tables, in printed order, with English names.
BREAKDOWNS: dict[str, str] = {
    "total": "all respondents",
    "founded": "year founded",
    "revenue": "2016 revenue",
    "deep_learning": "deep-learning use",
    "gpu_use": "GPU use",
    "gov_awareness": "awareness of government support",
}
GPU_TABLES = {"current": ("별첨2-7", "별첨2-8"), "demand": ("별첨2-9", "별첨2-10")}
_PCT_TABLES = ("별첨2-1", "별첨2-2", "별첨2-3", "별첨2-4", "별첨2-5", "별첨2-6")
_SINGLE_RESPONSE = {
    "별첨2-3": 6,  # the six size classes (the last two columns are mean and sum in TB)
    "별첨2-4": 6,
    "별첨2-5": 3,
    "별첨2-6": 3,
}

_VOLUME_CLASSES = "1TB 미만+1-2TB 미만+2-5TB 미만+5-50TB 미만+50TB 이상+모름"
#: Cells where the report's printed numbers disagree with each other: (check, table, category,
#: variable). The data keeps what the table prints; the chapter shows these.
KNOWN_DISCREPANCIES: frozenset[tuple[str, str, str, str]] = frozenset(
    {
        # <표 별첨2-3>: the '50TB 이상' shares of two revenue strata count one firm too many each
        # (rows sum to 116.7% and 112.5%; the column adds up to 15 firms, the total row says 13).
        ("shares sum to 100", "별첨2-3", "30-50억 미만", _VOLUME_CLASSES),
        ("shares sum to 100", "별첨2-3", "200-500억 미만", _VOLUME_CLASSES),
        ("category firms sum to total firms", "별첨2-3", "revenue", "50TB 이상"),
    }
)


# --------------------------------------------------------------------------------------------
# Data access


@lru_cache(maxsize=1)
def _tables() -> pd.DataFrame:
    frame = data.load("survey_tables")
    frame["base_n"] = pd.to_numeric(frame["base_n"], errors="coerce")
    return frame


#: Single-precision TFLOPS per GPU that the report multiplies the counts by (<표 3-2>).
TFLOPS: dict[str, float] = dict(
    zip(
        MODELS,
        _tables().loc[_tables()["table_id"] == "3-2", "value"].astype(float),
        strict=True,
    )
)


#: The surveyed population and the valid sample (<표 3-1>): 215 and 72 firms.
POPULATION: int = int(
    _tables().query("table_id == '3-1' and variable_ko == '조사 대상'")["value"].iloc[0]
)
SAMPLE: int = int(
    _tables().query("table_id == '3-1' and variable_ko == '유효 표본'")["value"].iloc[0]
)


def tables() -> pd.DataFrame:
    """All transcribed survey cells, long form (a fresh copy: safe to modify)."""
    return _tables().copy()


def _require_frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:
        return _tables()
    needed = {"table_id", "breakdown", "category_ko", "base_n", "variable_ko", "value", "unit"}
    if not isinstance(frame, pd.DataFrame) or not needed <= set(frame.columns):
        raise ValueError(f"expected a survey frame with columns {sorted(needed)}")
    return frame


def table(table_id: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table in its printed shape: rows (breakdown, category), columns its variables.

    ``table_id`` as the report numbers it, e.g. ``"3-6"`` or ``"별첨2-7"``. The base ``n`` is
    the column ``base_n`` where the table prints one.
    """
    if frame is None:
        return _cached_table(table_id).copy()
    return _pivot(table_id, _require_frame(frame))


@lru_cache(maxsize=32)
def _cached_table(table_id: str) -> pd.DataFrame:
    return _pivot(table_id, _tables())


def _pivot(table_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    part = frame[frame["table_id"] == table_id]
    if part.empty:
        known = ", ".join(dict.fromkeys(frame["table_id"]))
        raise ValueError(f"no survey table {table_id!r}; known: {known}")
    order_rows = list(dict.fromkeys(zip(part["breakdown"], part["category_ko"], strict=True)))
    order_cols = list(dict.fromkeys(part["variable_ko"]))
    wide = part.pivot_table(
        index=["breakdown", "category_ko"], columns="variable_ko", values="value", aggfunc="first"
    )
    wide = wide.reindex(index=pd.MultiIndex.from_tuples(order_rows), columns=order_cols)
    wide.index.names = ["breakdown", "category_ko"]
    wide.columns.name = None
    base = part.groupby(["breakdown", "category_ko"], sort=False)["base_n"].first()
    wide.insert(0, "base_n", base.reindex(wide.index).to_numpy())
    english = part.groupby(["breakdown", "category_ko"], sort=False)["category_en"].first()
    wide.insert(0, "category_en", english.reindex(wide.index).to_numpy())
    return wide


@lru_cache(maxsize=1)
def _stated() -> pd.DataFrame:
    return data.load("survey_text_figures").set_index("claim_id")


def stated(claim_id: str | None = None):
    """The text's stated figures (a frame), or one stated value (``None`` for a statement)."""
    frame = _stated()
    if claim_id is None:
        return frame.copy()
    if claim_id not in frame.index:
        raise ValueError(f"no stated figure {claim_id!r} in survey_text_figures.csv")
    value = frame.loc[claim_id, "value"]
    return None if pd.isna(value) else float(value)


@lru_cache(maxsize=1)
def _reference() -> pd.DataFrame:
    return data.load("survey_reference_systems")


def reference_systems() -> pd.DataFrame:
    """The cited hardware figures the chapter compares with (GPUs of <표 3-2>, Nurion, H100)."""
    return _reference().copy()


def reference_value(system: str, variable: str, part: str | None = None) -> float:
    """One cited value of ``survey_reference_systems.csv``, e.g. ``("Nurion", "rmax")``."""
    return _ref(system, variable, part)


def _ref(system: str, variable: str, part: str | None = None) -> float:
    ref = _reference()
    rows = ref[(ref["system"] == system) & (ref["variable"] == variable)]
    if part is not None:
        rows = rows[rows["part"] == part]
    if len(rows) != 1:
        raise ValueError(f"expected one reference value for {system}/{part}/{variable}")
    return float(rows["value"].iloc[0])


# --------------------------------------------------------------------------------------------
# Validation


def _row(checks: list, name: str, table_id: str, cat: str, var: str, printed, expected, ok):
    checks.append(
        {
            "check": name,
            "table_id": table_id,
            "category_ko": cat,
            "variable_ko": var,
            "printed": float(printed),
            "expected": float(expected),
            "ok": bool(ok),
        }
    )


def _pct_consistent(p: float, n: int, decimals: int = 1) -> tuple[bool, float]:
    """Is ``p`` % a share ``k / n`` (whole ``k``) rounded to ``decimals``? Also the nearest."""
    k = round(p * n / 100)
    half = 0.5 * 10**-decimals + 1e-9
    candidates = [kk for kk in (k - 1, k, k + 1) if 0 <= kk <= n]
    best = min(candidates, key=lambda kk: abs(100 * kk / n - p))
    return abs(100 * best / n - p) <= half, 100 * best / n


def validate(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every internal-consistency check of the transcribed tables, one row per check.

    Columns: check, table_id, category_ko, variable_ko, printed, expected, ok. Pass a modified
    copy of :func:`tables` to see which checks a changed cell breaks.
    """
    frame = _require_frame(frame)
    checks: list[dict] = []
    _check_percentages(frame, checks)
    _check_single_response_sums(frame, checks)
    _check_category_counts(frame, checks)
    _check_bases(frame, checks)
    _check_gpu_tables(frame, checks)
    _check_data_volumes(frame, checks)
    _check_main_tables(frame, checks)
    return pd.DataFrame(checks)


def failures(frame: pd.DataFrame | None = None, *, include_known: bool = False) -> pd.DataFrame:
    """The failed checks of :func:`validate`, without the report's known inconsistencies."""
    result = validate(frame)
    bad = result[~result["ok"]]
    if not include_known:
        keys = list(
            zip(bad["check"], bad["table_id"], bad["category_ko"], bad["variable_ko"], strict=True)
        )
        bad = bad[[k not in KNOWN_DISCREPANCIES for k in keys]]
    return bad.reset_index(drop=True)


def _check_percentages(frame: pd.DataFrame, checks: list) -> None:
    part = frame[(frame["unit"] == "%") & frame["base_n"].notna()]
    for r in part.itertuples():
        ok, nearest = _pct_consistent(r.value, int(r.base_n))
        _row(
            checks,
            "percent = k / n",
            r.table_id,
            r.category_ko,
            r.variable_ko,
            r.value,
            nearest,
            ok,
        )


def _check_single_response_sums(frame: pd.DataFrame, checks: list) -> None:
    for table_id, ncols in _SINGLE_RESPONSE.items():
        wide = table(table_id, frame)
        cols = [c for c in wide.columns if c not in ("category_en", "base_n")][:ncols]
        for (_, cat), values in wide[cols].iterrows():
            total = values.sum()
            _row(
                checks,
                "shares sum to 100",
                table_id,
                cat,
                "+".join(cols),
                total,
                100.0,
                abs(total - 100) <= 0.05 * ncols + 1e-9,
            )
    t35 = table("3-5", frame)
    for breakdown, group in t35.drop(index="total", level=0).groupby(level=0, sort=False):
        share = group["백분율"].sum()
        count = group["응답 기업 수"].sum()
        _row(
            checks,
            "shares sum to 100",
            "3-5",
            breakdown,
            "백분율",
            share,
            100.0,
            abs(share - 100) <= 0.05 * len(group) + 1e-9,
        )
        _row(
            checks,
            "counts sum to total",
            "3-5",
            breakdown,
            "응답 기업 수",
            count,
            SAMPLE,
            count == SAMPLE,
        )


def _check_bases(frame: pd.DataFrame, checks: list) -> None:
    """Category bases of every appendix table sum to the total base, and match <표 3-5>."""
    t35 = table("3-5", frame)["응답 기업 수"]
    for table_id in dict.fromkeys(frame.loc[frame["table_id"].str.startswith("별첨"), "table_id"]):
        wide = table(table_id, frame)
        total = wide.loc[("total", "전체"), "base_n"]
        for breakdown, group in wide.drop(index="total", level=0).groupby(level=0, sort=False):
            s = group["base_n"].sum()
            _row(checks, "bases sum to total", table_id, breakdown, "base_n", s, total, s == total)
        for key, base in wide["base_n"].items():
            _row(
                checks,
                "base = <표 3-5> count",
                table_id,
                key[1],
                "base_n",
                base,
                t35.loc[key],
                base == t35.loc[key],
            )


def _tol_sum(values: int) -> float:
    """Rounding slack of a sum of ``values`` printed integers, each rounded (±0.5)."""
    return 0.5 * values + 1e-6


def _check_gpu_tables(frame: pd.DataFrame, checks: list) -> None:
    for kind, (sample_id, pop_id) in GPU_TABLES.items():
        for table_id in (sample_id, pop_id):
            wide = table(table_id, frame)
            total_key = ("total", "전체")
            for key, row in wide.iterrows():
                # the all-models sum equals the sum of the three models (each printed rounded)
                parts = sum(row[f"합계: {m}"] for m in MODELS)
                _row(
                    checks,
                    "models sum to total",
                    table_id,
                    key[1],
                    "합계: 전체",
                    row["합계: 전체"],
                    parts,
                    abs(parts - row["합계: 전체"]) <= _tol_sum(4),
                )
                # means: the all-models mean divides by 3 x the firms of the row; a model's mean
                # divides by the firms that answered that item (item base, see item_bases)
                if table_id == sample_id or key[0] in ("total", "revenue"):
                    base = _gpu_base(table_id, wide, key)
                    expected = row["합계: 전체"] / (3 * base)
                    slack = 0.05 + 0.5 / (3 * base) + 1e-9
                    _row(
                        checks,
                        "mean = sum / (3 x base)",
                        table_id,
                        key[1],
                        "평균: 전체",
                        row["평균: 전체"],
                        expected,
                        abs(row["평균: 전체"] - expected) <= slack,
                    )
                for m in MODELS:
                    mean, total = row[f"평균: {m}"], row[f"합계: {m}"]
                    if table_id == sample_id:
                        k, ok = _item_base(total, mean, row["base_n"])
                        expected = total / k if k else 0.0
                        _row(
                            checks,
                            "mean = sum / item base",
                            table_id,
                            key[1],
                            f"평균: {m}",
                            mean,
                            expected,
                            ok,
                        )
                    elif key[0] == "revenue":
                        same = table(sample_id, frame).loc[key, f"평균: {m}"]
                        _row(
                            checks,
                            "stratum mean = sample mean",
                            table_id,
                            key[1],
                            f"평균: {m}",
                            mean,
                            same,
                            abs(mean - same) <= 1e-9,
                        )
                        gpus = round(table(sample_id, frame).loc[key, f"합계: {m}"] / TFLOPS[m])
                        weight = _gpu_base(table_id, wide, key) / row["base_n"]
                        expected = gpus * TFLOPS[m] * weight
                        _row(
                            checks,
                            "stratum sum = sample GPUs x TFLOPS x N/n",
                            table_id,
                            key[1],
                            f"합계: {m}",
                            total,
                            expected,
                            abs(total - expected) <= 0.5 + 1e-6,
                        )
                if table_id == sample_id:
                    # sums are whole numbers of GPUs times the model's TFLOPS
                    for m in MODELS:
                        count = row[f"합계: {m}"] / TFLOPS[m]
                        slack = 0.5 / TFLOPS[m] + 1e-9
                        _row(
                            checks,
                            "sum = whole GPUs x TFLOPS",
                            table_id,
                            key[1],
                            f"합계: {m}",
                            row[f"합계: {m}"],
                            round(count) * TFLOPS[m],
                            abs(count - round(count)) <= slack,
                        )
            if table_id == pop_id:
                implied = implied_weighted_bases(kind, frame)
                for breakdown, group in implied.groupby("breakdown", sort=False):
                    firms = group["implied_firms"].sum()
                    _row(
                        checks,
                        "implied weighted bases sum to 215",
                        table_id,
                        breakdown,
                        "평균: 전체",
                        firms,
                        float(POPULATION),
                        abs(firms - POPULATION) <= 1.0,
                    )
                for r in implied.itertuples():
                    _row(
                        checks,
                        "population / sample within weight range",
                        table_id,
                        r.category_ko,
                        "합계: 전체",
                        r.ratio,
                        r.ratio,
                        r.within_bounds,
                    )
            # categories of each breakdown add up to the total row
            for breakdown, group in wide.drop(index="total", level=0).groupby(level=0, sort=False):
                for m in ("전체",) + MODELS:
                    col = f"합계: {m}"
                    s = group[col].sum()
                    _row(
                        checks,
                        "categories sum to total",
                        table_id,
                        breakdown,
                        col,
                        s,
                        wide.loc[total_key, col],
                        abs(s - wide.loc[total_key, col]) <= _tol_sum(len(group) + 1),
                    )


def _gpu_base(table_id: str, wide: pd.DataFrame, key: tuple[str, str]) -> float:
    """The number of firms a GPU-table mean divides by.

    Sample tables: the printed base n. Population tables: revenue strata and the total row have
    the population counts of <표 3-7> (and 215); other categories have a weighted count that only
    the firm-level data could give, so it is inferred from the printed all-models mean.
    """
    if table_id in (GPU_TABLES["current"][0], GPU_TABLES["demand"][0]):
        return float(wide.loc[key, "base_n"])
    if key == ("total", "전체"):
        return float(POPULATION)
    if key[0] == "revenue":
        return float(stratum_weights().loc[key[1], "population"])
    row = wide.loc[key]
    return float(row["합계: 전체"] / (3 * row["평균: 전체"]))


def _item_base(total: float, mean: float, base: float) -> tuple[int, bool]:
    """The whole number of firms k <= base with total / k = mean to the printed rounding."""
    if mean == 0:
        return int(base), abs(total) <= 0.5
    k = max(1, round(total / mean))
    candidates = [kk for kk in (k - 1, k, k + 1) if 1 <= kk <= base]
    if not candidates:
        return k, False
    best = min(candidates, key=lambda kk: abs(total / kk - mean))
    return best, abs(total / best - mean) <= 0.05 + 0.5 / best + 1e-9


def item_bases(kind: str = "current", breakdown: str = "revenue") -> pd.DataFrame:
    """Firms that answered each GPU item, per category: printed sum / printed mean (whole).

    The report's per-model means divide by the firms that gave a number for that model, not by
    the base n; where a mean is 0 the base n is assumed. ``missing`` = base n - answered.
    """
    sample_id = _kind(kind)[0]
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    part = table(sample_id).loc[breakdown]
    out = pd.DataFrame(index=part.index)
    out["base_n"] = part["base_n"].astype(int)
    for m in MODELS:
        out[m] = [
            _item_base(t, mu, b)[0]
            for t, mu, b in zip(part[f"합계: {m}"], part[f"평균: {m}"], part["base_n"], strict=True)
        ]
    return out


def _check_category_counts(frame: pd.DataFrame, checks: list) -> None:
    """For % tables: firms per category (share x base) add up to the total row's firms."""
    for table_id in _PCT_TABLES:
        wide = table(table_id, frame)
        cols = [c for c in wide.columns if c not in ("category_en", "base_n")]
        cols = [
            c
            for c in cols
            if frame.loc[
                (frame["table_id"] == table_id) & (frame["variable_ko"] == c), "unit"
            ].iloc[0]
            == "%"
        ]
        total = wide.loc[("total", "전체")]
        for breakdown, group in wide.drop(index="total", level=0).groupby(level=0, sort=False):
            for col in cols:
                firms = int((group[col] * group["base_n"] / 100).round().sum())
                expected = round(total[col] * total["base_n"] / 100)
                _row(
                    checks,
                    "category firms sum to total firms",
                    table_id,
                    breakdown,
                    col,
                    firms,
                    expected,
                    firms == expected,
                )


def _check_data_volumes(frame: pd.DataFrame, checks: list) -> None:
    """Mean TB x firms that gave a number (base minus '모름') = printed sum of TB."""
    for table_id in ("별첨2-3", "별첨2-4"):
        wide = table(table_id, frame)
        for key, row in wide.iterrows():
            answered = round(row["base_n"] * (1 - row["모름"] / 100))
            expected = row["평균"] * answered
            _row(
                checks,
                "mean x answered = sum",
                table_id,
                key[1],
                "합계",
                row["합계"],
                expected,
                abs(expected - row["합계"]) <= 0.005 * answered + 0.5 + 1e-9,
            )


def _check_main_tables(frame: pd.DataFrame, checks: list) -> None:
    t36 = table("3-6", frame)
    t32 = table("3-2", frame)["이론성능"]
    sample = table("별첨2-7", frame).loc[("total", "전체")]
    wanted = table("별첨2-9", frame).loc[("total", "전체")]
    for (_, cat), row in t36.drop(index="total", level=0).iterrows():
        tf = t32.loc[("gpu_model", cat)]
        for count_col, tf_col in (
            ("현황", "연산량 환산 (현황)"),
            ("향후 수요", "연산량 환산 (수요)"),
        ):
            product = row[count_col] * tf
            _row(
                checks,
                "GPUs x TFLOPS = TFLOPS",
                "3-6",
                cat,
                tf_col,
                row[tf_col],
                product,
                abs(product - row[tf_col]) <= 0.05 + 1e-9,
            )
    for count_col, total_col, ref in (
        ("현황", "총계 (현황)", sample),
        ("향후 수요", "총계 (수요)", wanted),
    ):
        rows = t36.drop(index="total", level=0)
        pf = sum(rows[count_col].to_numpy() * t32.to_numpy()) / 1000
        printed = t36.loc[("total", "총계"), total_col]
        _row(
            checks,
            "GPUs x TFLOPS = PFLOPS total",
            "3-6",
            "총계",
            total_col,
            printed,
            pf,
            abs(pf - printed) <= 0.005 + 1e-9,
        )
        # <표 3-6> counts agree with the appendix sums
        for (_, cat), model in zip(rows.index, MODELS, strict=True):
            appendix = ref[f"합계: {model}"] / TFLOPS[model]
            _row(
                checks,
                "<표 3-6> count = appendix sum / TFLOPS",
                "3-6",
                cat,
                count_col,
                rows.loc[("gpu_model", cat), count_col],
                appendix,
                abs(appendix - rows.loc[("gpu_model", cat), count_col]) <= 0.5 / TFLOPS[model],
            )
    t37 = table("3-7", frame)
    t35 = table("3-5", frame)["응답 기업 수"]
    for col, total in (("72개 대상", SAMPLE), ("215개 대상", POPULATION)):
        s = t37[col].sum()
        _row(checks, "strata sum to total", "3-7", "매출액", col, s, total, s == total)
    for (bd, cat), row in t37.iterrows():
        _row(
            checks,
            "<표 3-7> sample = <표 3-5>",
            "3-7",
            cat,
            "72개 대상",
            row["72개 대상"],
            t35.loc[(bd, cat)],
            row["72개 대상"] == t35.loc[(bd, cat)],
        )
    t31 = table("3-1", frame).loc[("total", "전체")]
    _row(
        checks,
        "population = <표 3-7> total",
        "3-1",
        "전체",
        "조사 대상",
        t31["조사 대상"],
        t37["215개 대상"].sum(),
        t31["조사 대상"] == t37["215개 대상"].sum(),
    )
    _row(
        checks,
        "sample = <표 3-7> total",
        "3-1",
        "전체",
        "유효 표본",
        t31["유효 표본"],
        t37["72개 대상"].sum(),
        t31["유효 표본"] == t37["72개 대상"].sum(),
    )


# --------------------------------------------------------------------------------------------
# GPU counts and the 215-firm estimate


def gpu_counts(kind: str = "current", breakdown: str = "revenue") -> pd.DataFrame:
    """Whole GPUs per category and model, recovered as printed TFLOPS sum / model TFLOPS."""
    sample_id = _kind(kind)[0]
    wide = table(sample_id)
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    part = wide.loc[breakdown]
    counts = pd.DataFrame(
        {m: (part[f"합계: {m}"] / TFLOPS[m]).round().astype(int) for m in MODELS}, index=part.index
    )
    counts.insert(0, "base_n", part["base_n"].astype(int))
    counts.insert(0, "category_en", part["category_en"])
    return counts


def _kind(kind: str) -> tuple[str, str]:
    if kind not in GPU_TABLES:
        raise ValueError(f"kind must be 'current' or 'demand', got {kind!r}")
    return GPU_TABLES[kind]


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
    pop_id = _kind(kind)[1]
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
    sample_id, pop_id = _kind(kind)
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
# Analysis for the chapter


def holdings(kind: str = "current", breakdown: str = "revenue") -> pd.DataFrame:
    """Compute held (or wanted) per category: TFLOPS, share of the total, firms, per firm."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    sample_id = _kind(kind)[0]
    wide = table(sample_id)
    total = float(wide.loc[("total", "전체"), "합계: 전체"])
    part = wide.loc[breakdown]
    out = pd.DataFrame(
        {
            "category_en": part["category_en"],
            "firms": part["base_n"].astype(int),
            "tflops": part["합계: 전체"],
        }
    )
    out["share_of_firms_pct"] = 100 * out["firms"] / SAMPLE
    out["share_of_compute_pct"] = 100 * out["tflops"] / total
    out["tflops_per_firm"] = out["tflops"] / out["firms"]
    return out


def adoption(breakdown: str = "founded") -> pd.DataFrame:
    """Deep-learning and GPU use (used, planned; % of firms) by category, <표 별첨2-5>, 2-6."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    dl = table("별첨2-5").loc[breakdown]
    gpu = table("별첨2-6").loc[breakdown]
    return pd.DataFrame(
        {
            "category_en": dl["category_en"],
            "firms": dl["base_n"].astype(int),
            "dl_used_pct": dl["활용하고 있음"],
            "dl_planned_pct": dl["활용할 예정임"],
            "gpu_used_pct": gpu["활용하고 있음"],
            "gpu_planned_pct": gpu["활용할 예정임"],
        }
    )


def demand_ratio(breakdown: str = "revenue") -> pd.DataFrame:
    """Demand-to-holding ratio by category (inf where a category holds nothing)."""
    held, wanted = holdings("current", breakdown), holdings("demand", breakdown)
    out = held[["category_en", "firms"]].copy()
    out["held_tflops"] = held["tflops"]
    out["wanted_tflops"] = wanted["tflops"]
    with np.errstate(divide="ignore"):
        out["ratio"] = np.where(
            held["tflops"] > 0,
            wanted["tflops"] / held["tflops"].where(held["tflops"] > 0, 1),
            np.inf,
        )
    return out


def gpu_fp32_tflops(system: str, clock: str = "base") -> float:
    """FP32 peak (TFLOPS) = CUDA cores x clock x 2 (one FMA per core per cycle)."""
    if clock not in ("base", "boost"):
        raise ValueError(f"clock must be 'base' or 'boost', got {clock!r}")
    cores = _ref(system, "cores")
    mhz = _ref(system, f"{clock}_clock")
    return cores * mhz * 1e6 * 2 / 1e12


def nurion_peak(precision: str = "fp64") -> float:
    """Nurion's theoretical peak (PFLOPS): nodes x cores x clock x FLOPs/cycle, both partitions."""
    if precision not in ("fp64", "fp32"):
        raise ValueError(f"precision must be 'fp64' or 'fp32', got {precision!r}")
    total = 0.0
    for part in ("Xeon Phi 7250", "Xeon Gold 6148"):
        total += (
            _ref("Nurion", "nodes", part)
            * _ref("Nurion", "cores_per_node", part)
            * _ref("Nurion", "clock", part)
            * 1e6
            * _ref("Nurion", f"{precision}_flops_per_cycle", part)
        )
    return total / 1e15


def h100_equivalent(pflops: float, mode: str = "fp32") -> float:
    """How many H100 SXM GPUs give ``pflops`` of peak: FP32 cores, or dense BF16 tensor cores."""
    if not math.isfinite(pflops) or pflops < 0:
        raise ValueError(f"pflops must be a non-negative number, got {pflops}")
    if mode == "fp32":
        per_gpu = gpu_fp32_tflops("H100 SXM", "boost")
    elif mode == "tensor":
        per_gpu = _ref("H100 SXM", "tensor_bf16_dense")
    else:
        raise ValueError(f"mode must be 'fp32' or 'tensor', got {mode!r}")
    return pflops * 1000 / per_gpu


def headline() -> pd.DataFrame:
    """The four headline numbers: stated in the text, printed in the tables, and ours."""
    records = []
    for kind, (sample_id, pop_id) in GPU_TABLES.items():
        sample = table(sample_id).loc[("total", "전체")]
        pop = table(pop_id).loc[("total", "전체")]
        ours72 = float(
            gpu_counts(kind, "total").loc["전체", list(MODELS)].mul(pd.Series(TFLOPS)).sum()
        )
        ours215 = float(estimate_population(kind).loc["전체", "합계: 전체"])
        records.append(
            {
                "quantity": f"{kind}, 72 respondents",
                "text_pflops": stated(f"{kind}-72"),
                "table_total_pflops": sample["합계: 전체"] / 1000,
                "ours_pflops": ours72 / 1000,
            }
        )
        records.append(
            {
                "quantity": f"{kind}, 215 firms (estimate)",
                "text_pflops": stated(f"{kind}-215"),
                "table_total_pflops": pop["합계: 전체"] / 1000,
                "ours_pflops": ours215 / 1000,
                "table_1080ti_class_pflops": pop[f"합계: {MODELS[2]}"] / 1000,
            }
        )
    return pd.DataFrame(records)


# --------------------------------------------------------------------------------------------
# Claims of 제3장 and their audit

# Tolerance of each claim: (rel_tol, rough_tol). Numbers copied from a table or stated as an
# exact count hold only within their printed rounding (half a unit of the last digit).
_LOOSE = {
    "current-under-3bn": (0.05, 0.25),  # "약 10 PFLOPS"
    "demand-under-3bn": (0.05, 0.25),  # "약 16.9 PFLOPS"
    "demand-doubles": (0.10, 0.30),  # "2배 정도"
    "tflops-gtx1070": (0.02, 0.05),
    "tflops-gtx1080": (0.02, 0.05),
    "tflops-gtx1080ti": (0.02, 0.05),
}


def _printed_rel_tol(value: float) -> float:
    """Half a unit of the last printed digit, relative to the value (at least 1e-4)."""
    text = f"{value:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return max(0.5 * 10**-decimals / abs(value), 1e-4) if value else 1e-4


def _register_all() -> dict[str, Claim]:
    registered: dict[str, Claim] = {}
    for claim_id, row in _stated().iterrows():
        value = None if pd.isna(row["value"]) else float(row["value"])
        if claim_id in _LOOSE:
            rel, rough = _LOOSE[claim_id]
        elif value is not None:
            rel = _printed_rel_tol(value) + 1e-9
            rough = max(rel, 0.05)
        else:
            rel, rough = 0.05, 0.25
        registered[claim_id] = register(
            Claim(
                id=f"ch7.{claim_id}",
                chapter=7,
                source=str(row["section"]),
                korean=str(row["quote_ko"]),
                english=str(row["quote_en"]),
                reported=value,
                unit="" if pd.isna(row["unit"]) else str(row["unit"]),
                rel_tol=rel,
                rough_tol=rough,
            )
        )
    return registered


CLAIMS: dict[str, Claim] = _register_all()


def _firms(claim_id: str) -> int:
    value = _stated().loc[claim_id, "firms"]
    if pd.isna(value):
        raise ValueError(f"stated figure {claim_id!r} gives no firm count")
    return int(value)


def _t35(breakdown: str, category: str) -> int:
    return int(table("3-5").loc[(breakdown, category), "응답 기업 수"])


def _pct(firms: float, base: float) -> float:
    return 100.0 * firms / base


def _share_claim(claim_id: str, firms: int, base: int, note: str = "") -> Finding:
    stated_firms = _stated().loc[claim_id, "firms"]
    extra = ""
    if not pd.isna(stated_firms) and int(stated_firms) != firms:
        extra = f" The text says {int(stated_firms)} firms; the table gives {firms}."
    return check(
        CLAIMS[claim_id],
        _pct(firms, base),
        note=(note + extra).strip(),
        ours_text=f"{_pct(firms, base):.2f} % ({firms} of {base})",
    )


def _uncheckable(claim_id: str, why: str) -> Finding:
    return check(CLAIMS[claim_id], None, verdict=Verdict.UNCHECKABLE, note=why)


def _table_cell(table_id: str, key: tuple[str, str], column: str) -> float:
    return float(table(table_id).loc[key, column])


def _higher_verdict(condition: bool) -> Verdict:
    return Verdict.HOLDS if condition else Verdict.DOES_NOT_HOLD


def audit() -> list[Finding]:
    """Every chapter-7 claim recomputed from the transcribed tables (deterministic, fast)."""
    findings: list[Finding] = []
    add = findings.append
    counts72 = {k: gpu_counts(k, "total").loc["전체", list(MODELS)] for k in GPU_TABLES}
    tf = pd.Series(TFLOPS)
    est = {k: float(estimate_population(k).loc["전체", "합계: 전체"]) / 1000 for k in GPU_TABLES}
    t37 = table("3-7")

    add(_uncheckable("abci-budget", "No yen-won exchange rate or ABCI budget in the book's data."))
    add(check(CLAIMS["population-215"], float(t37["215개 대상"].sum()), note="Sum of <표 3-7>."))
    add(check(CLAIMS["sample-72"], float(t37["72개 대상"].sum()), note="Sum of <표 3-7>."))
    add(
        _uncheckable(
            "gpu-10x-cpu",
            "Needs prices, which the survey does not have; chapters 2-3 compare peak FLOP/s.",
        )
    )
    for claim_id, system in (
        ("tflops-gtx1070", "GTX 1070"),
        ("tflops-gtx1080", "GTX 1080"),
        ("tflops-gtx1080ti", "GTX 1080 Ti"),
    ):
        base, boost = gpu_fp32_tflops(system, "base"), gpu_fp32_tflops(system, "boost")
        add(
            check(
                CLAIMS[claim_id],
                base,
                note=f"FP32 = CUDA cores x clock x 2: {base:.2f} TFLOPS at base clock, "
                f"{boost:.2f} at boost.",
            )
        )

    t35 = table("3-5")
    agree = sum(
        _pct_consistent(row["백분율"], SAMPLE, 1)[0]
        and abs(_pct(row["응답 기업 수"], SAMPLE) - row["백분율"]) <= 0.05 + 1e-9
        for _, row in t35.iterrows()
    )
    add(check(CLAIMS["table-3-5-shares"], float(agree), note="Printed % = count / 72, rounded."))
    sums_ok = int(t37["72개 대상"].sum() == SAMPLE) + int(t37["215개 대상"].sum() == POPULATION)
    add(check(CLAIMS["table-3-7-totals"], float(sums_ok), note="Columns of <표 3-7> summed."))

    dl, gpu = _t35("deep_learning", "활용"), _t35("gpu_use", "활용")
    dl_plan, gpu_plan = _t35("deep_learning", "활용 예정"), _t35("gpu_use", "활용 예정")
    add(_share_claim("dl-used", dl, SAMPLE, "Count from <표 3-5>."))
    add(_share_claim("gpu-used", gpu, SAMPLE, "Count from <표 3-5>."))
    add(
        _share_claim(
            "dl-used-or-planned",
            dl + dl_plan,
            SAMPLE,
            f"({dl} + {dl_plan}) / {SAMPLE}; the text adds the rounded shares "
            f"{_pct(dl, SAMPLE):.1f} + {_pct(dl_plan, SAMPLE):.1f}.",
        )
    )
    add(
        _share_claim(
            "gpu-used-or-planned", gpu + gpu_plan, SAMPLE, f"({gpu} + {gpu_plan}) / {SAMPLE}."
        )
    )
    both_a = round(_table_cell("별첨2-6", ("deep_learning", "활용"), "활용하고 있음") * dl / 100)
    both_b = round(_table_cell("별첨2-5", ("gpu_use", "활용"), "활용하고 있음") * gpu / 100)
    agree_note = (
        "<표 별첨2-5> implies the same number" if both_a == both_b else "<표 별첨2-5> disagrees"
    )
    add(
        _share_claim(
            "gpu-given-dl",
            both_a,
            dl,
            f"<표 별첨2-6>: {both_a} of the {dl} deep-learning users use GPUs; {agree_note}.",
        )
    )
    add(
        _share_claim("dl-given-gpu", both_b, gpu, f"<표 별첨2-5>: {both_b} of the {gpu} GPU users.")
    )

    for kind, claim_id in (("current", "current-72"), ("demand", "demand-72")):
        ours = float((counts72[kind] * tf.values).sum()) / 1000
        add(check(CLAIMS[claim_id], ours, note="GPU counts x <표 3-2> TFLOPS, summed."))
    for kind, claim_id in (("current", "current-215"), ("demand", "demand-215")):
        pop = table(GPU_TABLES[kind][1]).loc[("total", "전체")]
        add(
            check(
                CLAIMS[claim_id],
                est[kind],
                note=f"The 215-firm total of <표 {GPU_TABLES[kind][1]}> is "
                f"{pop['합계: 전체'] / 1000:.2f} PFLOPS (reproduced); the text quotes its "
                f"1080 Ti-class column, {pop[f'합계: {MODELS[2]}'] / 1000:.2f} PFLOPS.",
            )
        )
    for kind, word in (("current", "current"), ("demand", "demand")):
        for model, slug in zip(MODELS, ("gtx1070", "gtx1080", "class3"), strict=True):
            ours = float(counts72[kind][model]) * TFLOPS[model]
            add(
                check(
                    CLAIMS[f"t36-{word}-{slug}"],
                    ours,
                    note=f"{int(counts72[kind][model])} GPUs (from <표 {GPU_TABLES[kind][0]}>) "
                    f"x {TFLOPS[model]} TFLOPS.",
                )
            )

    fp64, fp32 = nurion_peak("fp64"), nurion_peak("fp32")
    add(check(CLAIMS["nurion-fp64"], fp64, note="Nodes x cores x clock x 32 FLOP/cycle."))
    add(check(CLAIMS["nurion-fp32"], fp32, note="Same with 64 FLOP/cycle (FP32 = 2 x FP64)."))
    add(
        check(
            CLAIMS["demand-below-nurion"],
            est["demand"],
            verdict=_higher_verdict(est["demand"] < fp32),
            note=f"The table's 215-firm demand, {est['demand']:.1f} PFLOPS, is "
            f"{est['demand'] / fp32:.2f} x Nurion's {fp32:.1f} PFLOPS FP32 peak: "
            + ("below it." if est["demand"] < fp32 else "above it, not below."),
        )
    )
    add(_uncheckable("nurion-price", "No procurement data in the book."))

    for kind, share_id, pf_id in (
        ("current", "share-current-under-3bn", "current-under-3bn"),
        ("demand", "share-demand-under-3bn", "demand-under-3bn"),
    ):
        h = holdings(kind, "revenue")
        small = float(h.loc[["10억 미만", "10-30억 미만"], "tflops"].sum())
        add(
            check(
                CLAIMS[share_id],
                100 * small / float(h["tflops"].sum()),
                note=f"{h.loc[['10억 미만', '10-30억 미만'], 'firms'].sum()} of 72 firms.",
            )
        )
        source = GPU_TABLES[kind][0]
        add(check(CLAIMS[pf_id], small / 1000, note=f"Revenue < 3 bn won, <표 {source}>."))

    held_f, want_f = holdings("current", "founded"), holdings("demand", "founded")
    young = "2010년 이후"
    higher = all(
        frame.loc[young, "tflops_per_firm"] == frame["tflops_per_firm"].max()
        for frame in (held_f, want_f)
    )
    add(
        check(
            CLAIMS["young-firms-hold-more"],
            float(held_f.loc[young, "share_of_compute_pct"]),
            verdict=_higher_verdict(higher),
            ours_text=f"{held_f.loc[young, 'share_of_compute_pct']:.1f} % of compute held and "
            f"{want_f.loc[young, 'share_of_compute_pct']:.1f} % of demand, by "
            f"{held_f.loc[young, 'share_of_firms_pct']:.1f} % of firms",
            note="Per firm, firms founded after 2010 hold and want the most"
            + ("." if higher else ": not so."),
        )
    )
    per_firm = {
        (b, k): holdings(k, b)["tflops_per_firm"]
        for b in ("deep_learning", "gpu_use")
        for k in GPU_TABLES
    }
    users_top = all(series.idxmax() == "활용" for series in per_firm.values())
    non_users = holdings("current", "gpu_use").loc["비활용"]
    add(
        check(
            CLAIMS["dl-gpu-users-hold-more"],
            None,
            verdict=_higher_verdict(users_top),
            ours_text="per firm, users hold "
            f"{per_firm[('gpu_use', 'current')]['활용']:.0f} TFLOPS (GPU users) vs "
            f"{per_firm[('gpu_use', 'current')]['비활용']:.0f} (non-users)",
            note=f"But firms that say they do not use GPUs report {non_users['tflops']:,.0f} "
            f"TFLOPS of GPUs ({non_users['share_of_compute_pct']:.1f} % of the total).",
        )
    )

    add(_share_claim("pref-mixed", _firms("pref-mixed"), SAMPLE, "Stated in the text only."))
    add(_uncheckable("mix-ratio", "Stated in the text only; no distribution is printed."))
    add(_share_claim("pref-proposal", _firms("pref-proposal"), SAMPLE, "Stated in the text only."))
    mixed_or_proposal = _firms("pref-mixed") + _firms("pref-proposal")
    add(
        check(
            CLAIMS["pref-mixed-or-proposal"],
            float(mixed_or_proposal),
            note=f"{_firms('pref-mixed')} (mixed) + {_firms('pref-proposal')} (proposals).",
        )
    )
    add(_uncheckable("proposal-options", "Stated in the text only; no counts are printed."))
    add(
        _share_claim(
            "usage-6m-review",
            _firms("usage-6m-review"),
            mixed_or_proposal,
            "Base: the 51 firms asked (mixed or proposals).",
        )
    )
    add(_share_claim("pref-cloud", _firms("pref-cloud"), SAMPLE, "Stated in the text only."))
    mixed_or_cloud = _firms("pref-mixed") + _firms("pref-cloud")
    others = SAMPLE - mixed_or_proposal - _firms("pref-cloud")
    add(
        check(
            CLAIMS["pref-mixed-or-cloud"],
            float(mixed_or_cloud),
            note=f"{_firms('pref-mixed')} (mixed) + {_firms('pref-cloud')} (cloud); the "
            f"remaining {others} firms chose 'other'.",
        )
    )
    add(_uncheckable("cloud-price", "Stated in the text only; no distribution is printed."))

    now, later = table("별첨2-3").loc[("total", "전체")], table("별첨2-4").loc[("total", "전체")]
    answered = round(SAMPLE * (1 - now["모름"] / 100))
    add(
        check(
            CLAIMS["data-future-total"],
            later["평균"] * answered,
            note=f"Mean {later['평균']} TB x {answered} firms that gave a number "
            f"(<표 별첨2-4> prints {later['합계']:,.0f}).",
        )
    )
    add(
        check(
            CLAIMS["data-current-total"],
            now["평균"] * answered,
            note=f"<표 별첨2-3> prints {now['합계']:,.0f} TB (= {now['평균']} x {answered}); "
            "the text swaps two digits.",
        )
    )
    add(
        check(
            CLAIMS["data-growth"],
            later["합계"] / now["합계"],
            note=f"With the text's own 1,837 TB it would be {later['합계'] / 1837:.2f}.",
        )
    )
    types = table("별첨2-2").loc[("total", "전체")]
    for claim_id, column in (
        ("data-structured", "정형 텍스트"),
        ("data-unstructured", "비정형 텍스트"),
        ("data-images", "이미지 및 영상"),
        ("data-signals", "신호"),
        ("data-audio", "음성 및 청각데이터"),
    ):
        firms = round(types[column] * SAMPLE / 100)
        note = f"<표 별첨2-2> prints {types[column]} % ({firms} of 72)."
        if claim_id == "data-unstructured":
            note += " The text swaps two digits (45.8 -> 48.5)."
        add(check(CLAIMS[claim_id], float(types[column]), note=note))
    firms_12 = round(now["1-2TB 미만"] * SAMPLE / 100)
    largest = now[["1TB 미만", "1-2TB 미만", "2-5TB 미만", "5-50TB 미만", "50TB 이상"]].idxmax()
    add(
        _share_claim(
            "data-1-2tb",
            firms_12,
            SAMPLE,
            f"<표 별첨2-3>: {now['1-2TB 미만']} %; largest size class: {largest}.",
        )
    )
    add(check(CLAIMS["data-future-50tb"], float(later["50TB 이상"]), note="<표 별첨2-4>."))
    add(
        check(
            CLAIMS["data-mean-current"],
            now["합계"] / answered,
            note=f"{now['합계']:,.0f} TB / {answered} firms.",
        )
    )
    add(
        check(
            CLAIMS["data-mean-future"],
            later["합계"] / answered,
            note=f"{later['합계']:,.0f} TB / {answered} firms.",
        )
    )
    t24 = table("별첨2-4")
    planners_top = (
        t24.loc["deep_learning", "평균"].idxmax() == "활용 예정"
        and t24.loc["gpu_use", "평균"].idxmax() == "활용 예정"
    )
    add(
        check(
            CLAIMS["data-future-planners"],
            None,
            verdict=_higher_verdict(planners_top),
            ours_text=f"mean {t24.loc[('deep_learning', '활용 예정'), '평균']} TB (DL planned), "
            f"{t24.loc[('gpu_use', '활용 예정'), '평균']} TB (GPU planned)",
            note="The highest mean of its breakdown in <표 별첨2-4>.",
        )
    )
    add(check(CLAIMS["tb-images"], 1e12 / 500e3, note="10^12 B / (500 x 10^3 B), decimal units."))
    add(_uncheckable("hpc-hub-budget", "A budget figure; no budget data in the book."))
    add(_uncheckable("infra-program-budget", "A budget figure; no budget data in the book."))
    add(_share_claim("unaware", _t35("gov_awareness", "비인지"), SAMPLE, "Count from <표 3-5>."))
    add(_share_claim("intention", _firms("intention"), SAMPLE, "Stated in the text only."))
    manpower = round(stated("opinion-manpower") * SAMPLE / 100)
    add(
        _share_claim(
            "opinion-manpower",
            manpower,
            SAMPLE,
            "<표 3-8> lists opinions without counts; only checks that 18.1 % is a whole "
            f"number of the 72 firms ({manpower}).",
        )
    )
    add(
        check(
            CLAIMS["demand-doubles"],
            float((counts72["demand"] * tf.values).sum() / (counts72["current"] * tf.values).sum()),
            note=f"72 firms; for the 215-firm estimate {est['demand'] / est['current']:.2f}.",
        )
    )
    rev = demand_ratio("revenue")
    per_firm_demand = rev["wanted_tflops"] / rev["firms"]
    small_top = set(per_firm_demand.nlargest(2).index) == {"10억 미만", "10-30억 미만"}
    add(
        check(
            CLAIMS["small-young-firms-demand"],
            None,
            verdict=_higher_verdict(small_top and higher),
            ours_text=f"demand per firm: {per_firm_demand['10억 미만']:.0f} and "
            f"{per_firm_demand['10-30억 미만']:.0f} TFLOPS (< 3 bn won) vs "
            f"{per_firm_demand.drop(['10억 미만', '10-30억 미만']).max():.0f} at most elsewhere",
            note="Holds for the sample; it rests on a few firms in two strata (see the chapter).",
        )
    )
    return findings


# --------------------------------------------------------------------------------------------
# Figures (English labels: the tables beside them carry the Korean)


def plot_headline():
    """Stacked bars: compute held and wanted, 72 respondents and the 215-firm estimate."""
    from aicompute import plotting

    fig, ax = plotting.new_figure(
        "survey group and quantity (respondents or estimate)",
        "peak single-precision compute (PFLOPS)",
    )
    bars = []
    for kind in GPU_TABLES:
        sample = gpu_counts(kind, "total").loc["전체", list(MODELS)] * pd.Series(TFLOPS)
        pop = estimate_population(kind).loc["전체", [f"합계: {m}" for m in MODELS]]
        bars.append((f"72 respondents\n{kind}", sample.to_numpy() / 1000))
        bars.append((f"215 firms (estimate)\n{kind}", pop.to_numpy(dtype=float) / 1000))
    order = [bars[0], bars[2], bars[1], bars[3]]
    labels = ["GTX 1070", "GTX 1080", "GTX 1080 Ti / TITAN X / P100 class"]
    x = np.arange(len(order))
    bottom = np.zeros(len(order))
    for i, label in enumerate(labels):
        values = np.array([b[1][i] for b in order])
        ax.bar(x, values, bottom=bottom, color=plotting.color_for(i), label=label, width=0.6)
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(f"{total:.2f}", (xi, total), ha="center", va="bottom", fontsize=9)
    for xi, claim_id in ((2, "current-215"), (3, "demand-215")):
        ax.plot([xi - 0.35, xi + 0.35], [stated(claim_id)] * 2, color="black", linestyle="--")
        ax.annotate(
            f"text: {stated(claim_id):.2f}", (xi + 0.36, stated(claim_id)), fontsize=8, va="center"
        )
    nurion = nurion_peak("fp32")
    ax.axhline(nurion, color=plotting.OKABE_ITO["vermillion"], linewidth=1.2)
    ax.annotate(f"Nurion (No. 5) FP32 peak {nurion:.1f}", (-0.4, nurion + 1), fontsize=8)
    ax.annotate("dashed: the figure the report's text quotes", (-0.4, nurion - 3.5), fontsize=8)
    ax.set_xticks(x, [b[0] for b in order])
    ax.set_ylim(0, max(bottom.max(), nurion) * 1.3)
    ax.legend(loc="upper center", ncol=3, fontsize=7.5)
    return fig


def plot_concentration():
    """Share of firms, of compute held and of compute wanted, by 2016 revenue stratum."""
    from aicompute import plotting

    held, wanted = holdings("current", "revenue"), holdings("demand", "revenue")
    fig, ax = plotting.new_figure("2016 revenue (bn KRW)", "share of the 72 respondents' total (%)")
    x = np.arange(len(held))
    series = (
        ("firms", held["share_of_firms_pct"]),
        ("compute held", held["share_of_compute_pct"]),
        ("compute wanted", wanted["share_of_compute_pct"]),
    )
    for i, (label, values) in enumerate(series):
        ax.bar(x + (i - 1) * 0.27, values, width=0.27, label=label, color=plotting.color_for(i))
    ax.set_xticks(
        x,
        [
            _label(en.replace("revenue ", "").replace(" bn KRW", ""), ko)
            for en, ko in zip(held["category_en"], held.index, strict=True)
        ],
    )
    ax.legend()
    return fig


def plot_adoption():
    """Deep-learning and GPU use (used + planned) by year founded and by revenue."""
    from aicompute import plotting

    fig, axes = plotting.new_figure(
        "category (firms)", "share of firms (%)", ncols=2, figsize=(9.5, 4.2)
    )
    for ax, breakdown, title in zip(
        axes, ("founded", "revenue"), ("by year founded", "by 2016 revenue (bn KRW)"), strict=True
    ):
        a = adoption(breakdown)
        x = np.arange(len(a))
        for j, (what, used, planned) in enumerate(
            (
                ("deep learning", "dl_used_pct", "dl_planned_pct"),
                ("GPU", "gpu_used_pct", "gpu_planned_pct"),
            )
        ):
            offset = (j - 0.5) * 0.38
            color = plotting.color_for(j)
            ax.bar(x + offset, a[used], width=0.38, color=color, label=f"{what}: used")
            ax.bar(
                x + offset,
                a[planned],
                width=0.38,
                bottom=a[used],
                color=color,
                alpha=0.35,
                hatch="//",
                label=f"{what}: planned",
            )
        names = [
            c.replace("founded ", "").replace("revenue ", "").replace(" bn KRW", "")
            for c in a["category_en"]
        ]
        ax.set_xticks(
            x,
            [
                _label(f"{n}\n({f})", ko)
                for n, f, ko in zip(names, a["firms"], a.index, strict=True)
            ],
            fontsize=7 if breakdown == "revenue" else 9,
        )
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 105)
    axes[0].legend(fontsize=8, loc="upper left")
    return fig


def plot_alternatives():
    """The 215-firm totals under each weighting of :func:`alternative_estimates`."""
    from aicompute import plotting

    cur, dem = alternative_estimates("current"), alternative_estimates("demand")
    fig, ax = plotting.new_figure(
        "peak single-precision compute (PFLOPS)", "weighting (scheme)", figsize=(8, 4.6)
    )
    y = np.arange(len(cur))[::-1]
    ax.scatter(
        cur["pflops"],
        y,
        marker=plotting.MARKERS[0],
        color=plotting.color_for(0),
        label="held (current)",
        zorder=3,
    )
    ax.scatter(
        dem["pflops"],
        y,
        marker=plotting.MARKERS[1],
        color=plotting.color_for(1),
        label="wanted (demand)",
        zorder=3,
    )
    nurion = nurion_peak("fp32")
    ax.axvline(
        nurion,
        color=plotting.OKABE_ITO["vermillion"],
        linewidth=1.2,
        label=f"Nurion FP32 peak ({nurion:.1f})",
    )
    ax.set_yticks(y, cur["weighting"], fontsize=8)
    ax.set_ylabel("")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


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
    from scipy.optimize import Bounds, LinearConstraint, milp

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
                ends = []
                for sign in (1, -1):
                    result = milp(
                        sign * objective,
                        constraints=constraints,
                        integrality=np.ones(size),
                        bounds=Bounds(0, upper),
                    )
                    if not result.success:
                        raise ValueError(f"no allocation fits the sample tables: {result.message}")
                    ends.append(float(sign * result.fun) + 0.0)
                value = float(printed.loc[category, f"합계: {model}"])
                records.append(
                    {
                        "kind": kind,
                        "category_ko": category,
                        "category_en": printed.loc[category, "category_en"],
                        "variable_ko": f"합계: {model}",
                        "printed": value,
                        "low": ends[0],
                        "high": ends[1],
                        "within_range": ends[0] - 0.5 - 1e-6 <= value <= ends[1] + 0.5 + 1e-6,
                        "determined": ends[1] - ends[0] <= 1.0,
                    }
                )
    return pd.DataFrame(records)


def data_volumes(breakdown: str = "gpu_use") -> pd.DataFrame:
    """Data held now and wanted (mean TB per answering firm) by category, and the growth factor.

    From <표 별첨2-3> and 2-4; the firms that answered '모름' (do not know) are left out of the
    means, as in the report.
    """
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    now, later = table("별첨2-3").loc[breakdown], table("별첨2-4").loc[breakdown]
    out = pd.DataFrame(
        {
            "category_en": now["category_en"],
            "firms": now["base_n"].astype(int),
            "mean_tb_now": now["평균"],
            "mean_tb_wanted": later["평균"],
            "sum_tb_now": now["합계"],
            "sum_tb_wanted": later["합계"],
        }
    )
    out["growth"] = out["sum_tb_wanted"] / out["sum_tb_now"]
    return out


def hangul_font_available() -> bool:
    """Whether matplotlib has a font with Hangul glyphs (else figures use English only)."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    wanted = ("Noto Sans CJK KR", "NanumGothic", "Noto Sans KR", "Malgun Gothic", "AppleGothic")
    return any(name in names for name in wanted)


def _label(english: str, korean: str) -> str:
    """A tick label: English, with the Korean below it when a Hangul font is installed."""
    return f"{english}\n{korean}" if hangul_font_available() else english
