"""Consistency checks: every printed cell of the survey tables checked against the others.

A percentage must be ``k / n`` for a whole number of firms ``k`` out of the base ``n``; a TFLOPS
sum must be a whole number of GPUs times the model's TFLOPS; categories must add up to the total.
A transcription error makes a check fail; so do the report's own inconsistencies, which are
listed in :data:`~aicompute.survey.report_tables.KNOWN_DISCREPANCIES` rather than corrected.
"""

from __future__ import annotations

import pandas as pd

from aicompute.survey.population import implied_weighted_bases, stratum_weights
from aicompute.survey.report_tables import (
    GPU_TABLES,
    KNOWN_DISCREPANCIES,
    MODELS,
    POPULATION,
    SAMPLE,
    TFLOPS,
    item_base,
    require_frame,
    table,
)
from aicompute.validate import finite_number, positive_integer

__all__ = ["validate", "failures", "pct_consistent"]

_SAMPLE_GPU_TABLES = (GPU_TABLES["current"][0], GPU_TABLES["demand"][0])
_PCT_TABLES = ("별첨2-1", "별첨2-2", "별첨2-3", "별첨2-4", "별첨2-5", "별첨2-6")
_SINGLE_RESPONSE = {
    "별첨2-3": 6,  # the six size classes (the last two columns are mean and sum in TB)
    "별첨2-4": 6,
    "별첨2-5": 3,
    "별첨2-6": 3,
}


def _row(checks: list, name: str, table_id: str, cat: str, var: str, printed, expected, ok):
    """Record one check: the printed cell, what the other cells imply, and whether they agree."""
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


def pct_consistent(p: float, n: int, decimals: int = 1) -> tuple[bool, float]:
    """Is ``p`` % a share ``k / n`` (whole ``k``) rounded to ``decimals``? Also the nearest."""
    p = finite_number("p", p)
    n = positive_integer("n", n)
    decimals = positive_integer("decimals", decimals, minimum=0)
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
    frame = require_frame(frame)
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
        ok, nearest = pct_consistent(r.value, int(r.base_n))
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
    """The GPU tables: sums, means and the population weights agree with each other."""
    for kind, (sample_id, pop_id) in GPU_TABLES.items():
        sample = table(sample_id, frame)
        for table_id in (sample_id, pop_id):
            wide = table(table_id, frame)
            for key, row in wide.iterrows():
                _check_gpu_row(checks, table_id, wide, key, row)
                if table_id == sample_id:
                    _check_sample_models(checks, table_id, key, row)
                elif key[0] == "revenue":
                    _check_stratum_models(checks, table_id, wide, key, row, sample)
            if table_id == pop_id:
                _check_implied_bases(checks, table_id, implied_weighted_bases(kind, frame))
            _check_gpu_category_sums(checks, table_id, wide)


def _check_gpu_row(
    checks: list, table_id: str, wide: pd.DataFrame, key: tuple[str, str], row: pd.Series
) -> None:
    """The all-models sum and mean of one row of a GPU table."""
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
    if table_id in _SAMPLE_GPU_TABLES or key[0] in ("total", "revenue"):
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


def _check_sample_models(checks: list, table_id: str, key: tuple[str, str], row: pd.Series) -> None:
    """A sample table's model cells: means over whole item bases, sums over whole GPUs."""
    for m in MODELS:
        mean, total = row[f"평균: {m}"], row[f"합계: {m}"]
        k, ok = item_base(total, mean, row["base_n"])
        expected = total / k if k else 0.0
        _row(checks, "mean = sum / item base", table_id, key[1], f"평균: {m}", mean, expected, ok)
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


def _check_stratum_models(
    checks: list,
    table_id: str,
    wide: pd.DataFrame,
    key: tuple[str, str],
    row: pd.Series,
    sample: pd.DataFrame,
) -> None:
    """A population table's revenue stratum: the sample's means, and its sums times N / n."""
    for m in MODELS:
        mean, total = row[f"평균: {m}"], row[f"합계: {m}"]
        same = sample.loc[key, f"평균: {m}"]
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
        gpus = round(sample.loc[key, f"합계: {m}"] / TFLOPS[m])
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


def _check_implied_bases(checks: list, table_id: str, implied: pd.DataFrame) -> None:
    """A population table's other breakdowns: weighted bases and ratios a weighting can give."""
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


def _check_gpu_category_sums(checks: list, table_id: str, wide: pd.DataFrame) -> None:
    """The categories of each breakdown add up to the total row."""
    total_key = ("total", "전체")
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
    if table_id in _SAMPLE_GPU_TABLES:
        return float(wide.loc[key, "base_n"])
    if key == ("total", "전체"):
        return float(POPULATION)
    if key[0] == "revenue":
        return float(stratum_weights().loc[key[1], "population"])
    row = wide.loc[key]
    return float(row["합계: 전체"] / (3 * row["평균: 전체"]))


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
    """The tables of 제3장: <표 3-6> against <표 3-2> and the appendix, <표 3-7> and <표 3-1>."""
    _check_table_3_6(frame, checks)
    _check_strata_tables(frame, checks)


def _check_table_3_6(frame: pd.DataFrame, checks: list) -> None:
    """<표 3-6>: GPUs x TFLOPS of <표 3-2>, its PFLOPS totals, and the appendix GPU sums."""
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


def _check_strata_tables(frame: pd.DataFrame, checks: list) -> None:
    """<표 3-7>'s strata add up to <표 3-1>'s 72 and 215 firms and match <표 3-5>."""
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
