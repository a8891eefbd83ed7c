"""The survey's printed tables, transcribed cell by cell, and what can be read straight off them.

``survey_tables.csv`` holds every cell of <표 3-1> to <표 3-7> and of the ten result tables of
별첨 2 (long form, Korean labels with English translations). :func:`table` returns one table in
its printed shape; :func:`gpu_counts` and :func:`item_bases` recover the whole numbers behind the
GPU tables' printed sums and means; :func:`stated` reads the number a chapter-7 claim states.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from aicompute import claims, data, validate

__all__ = [
    "MODELS",
    "BREAKDOWNS",
    "GPU_TABLES",
    "KNOWN_DISCREPANCIES",
    "TFLOPS",
    "POPULATION",
    "SAMPLE",
    "tables",
    "table",
    "require_frame",
    "stated",
    "kind_tables",
    "gpu_counts",
    "item_base",
    "item_bases",
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
#: The sample (72-firm) and population (215-firm) GPU tables of compute held and wanted.
GPU_TABLES = {"current": ("별첨2-7", "별첨2-8"), "demand": ("별첨2-9", "별첨2-10")}

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


def require_frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` if it is a survey frame (the transcription itself when ``None``)."""
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
    return _pivot(table_id, require_frame(frame))


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


def stated(claim_id: str) -> float | None:
    """The number that chapter-7 claim ``claim_id`` states (``None`` for a statement in words).

    A thin reader over the claims table: ``stated("current-215")`` is the ``reported`` number of
    claim ``ch7.current-215``.
    """
    try:
        claim = claims.get(f"ch7.{claim_id}")
    except ValueError:
        raise ValueError(f"no stated figure {claim_id!r} among chapter 7's claims") from None
    return claim.reported


def gpu_counts(kind: str = "current", breakdown: str = "revenue") -> pd.DataFrame:
    """Whole GPUs per category and model, recovered as printed TFLOPS sum / model TFLOPS."""
    sample_id = kind_tables(kind)[0]
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


def kind_tables(kind: str) -> tuple[str, str]:
    """The sample and population GPU tables of ``kind`` ('current' or 'demand')."""
    if kind not in GPU_TABLES:
        raise ValueError(f"kind must be 'current' or 'demand', got {kind!r}")
    return GPU_TABLES[kind]


def item_base(total: float, mean: float, base: float) -> tuple[int, bool]:
    """The whole number of firms k <= base with total / k = mean to the printed rounding."""
    total = validate.finite_number("total", total)
    mean = validate.finite_number("mean", mean)
    base = validate.positive_number("base", base)
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
    sample_id = kind_tables(kind)[0]
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    part = table(sample_id).loc[breakdown]
    out = pd.DataFrame(index=part.index)
    out["base_n"] = part["base_n"].astype(int)
    for m in MODELS:
        out[m] = [
            item_base(t, mu, b)[0]
            for t, mu, b in zip(part[f"합계: {m}"], part[f"평균: {m}"], part["base_n"], strict=True)
        ]
    return out
