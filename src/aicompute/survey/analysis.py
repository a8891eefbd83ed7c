"""What the chapter reads from the survey tables, category by category.

Who holds and who wants compute (:func:`holdings`, :func:`demand_ratio`), who uses deep learning
and GPUs (:func:`adoption`), how much data firms keep (:func:`data_volumes`), and the four
headline numbers of the text beside the tables' and ours (:func:`headline`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicompute.survey.population import estimate_population
from aicompute.survey.report_tables import (
    BREAKDOWNS,
    GPU_TABLES,
    MODELS,
    SAMPLE,
    TFLOPS,
    gpu_counts,
    kind_tables,
    stated,
    table,
)

__all__ = ["holdings", "adoption", "demand_ratio", "headline", "data_volumes"]


def holdings(kind: str = "current", breakdown: str = "revenue") -> pd.DataFrame:
    """Compute held (or wanted) per category: TFLOPS, share of the total, firms, per firm."""
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"breakdown must be one of {list(BREAKDOWNS)}, got {breakdown!r}")
    sample_id = kind_tables(kind)[0]
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
