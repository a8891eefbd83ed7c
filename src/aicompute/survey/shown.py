"""The chapter's frames as tables for people: one vocabulary of headers for every survey table.

The survey functions return frames with code names (``tflops_per_firm``), which the analysis
needs; :func:`display_table` shows any of them through :func:`aicompute.display.table` with
headers in words and units in brackets, so the chapter names each column the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from aicompute import display

__all__ = ["HEADERS", "display_table"]

HEADERS: dict[str, str] = {
    "kind": "held or wanted",
    "breakdown": "breakdown",
    "check": "check",
    "checks": "checks",
    "passed": "passed",
    "table_id": "table",
    "category_ko": "category (report)",
    "category_en": "category",
    "variable_ko": "column (report)",
    "printed": "printed",
    "expected": "expected",
    "ours": "ours",
    "difference": "ours − printed",
    "ok": "agrees",
    "known": "known slip of the report",
    "base_n": "answering firms",
    "sample": "firms in the sample",
    "population": "firms in the population",
    "weight": "weight [firms per respondent]",
    "quantity": "quantity",
    "text_pflops": "report's text [PFLOP/s]",
    "table_total_pflops": "report's table, total [PFLOP/s]",
    "ours_pflops": "ours [PFLOP/s]",
    "table_1080ti_class_pflops": "report's table, 1080 Ti class [PFLOP/s]",
    "weighted_firms": "weighted firms",
    "implied_by_current_table": "implied by the held table",
    "implied_by_demand_table": "implied by the wanted table",
    "low": "lowest possible",
    "high": "highest possible",
    "within_range": "in the range",
    "determined": "fixed by the sample",
    "width_pct": "width of the range [% of printed]",
    "sample_n": "firms in the sample",
    "implied_firms": "implied firms",
    "sample_sum": "sample sum [TFLOP/s]",
    "population_sum": "population sum [TFLOP/s]",
    "ratio": "population / sample",
    "within_bounds": "within bounds",
    "firms": "firms",
    "tflops": "held [TFLOP/s]",
    "share_of_firms_pct": "share of firms [%]",
    "share_of_compute_pct": "share of compute held [%]",
    "tflops_per_firm": "held per firm [TFLOP/s]",
    "wanted_tflops": "wanted [TFLOP/s]",
    "wanted_share_pct": "share of compute wanted [%]",
    "held_tflops": "held [TFLOP/s]",
    "dl_used_pct": "use deep learning [%]",
    "dl_planned_pct": "plan deep learning [%]",
    "gpu_used_pct": "use GPUs [%]",
    "gpu_planned_pct": "plan GPUs [%]",
    "weighting": "weighting",
    "firms_represented": "firms represented",
    "pflops_held": "held [PFLOP/s]",
    "pflops_wanted": "wanted [PFLOP/s]",
    "mean_tb_now": "mean data now [TB]",
    "mean_tb_wanted": "mean data wanted [TB]",
    "sum_tb_now": "all data now [TB]",
    "sum_tb_wanted": "all data wanted [TB]",
    "growth": "wanted / now",
}


def display_table(
    frame: pd.DataFrame,
    headers: Mapping[str, str] | None = None,
    *,
    digits: int | Mapping[str, int] = 3,
    caption: str = "",
    empty: str = "No rows.",
) -> display.Table:
    """``frame`` shown with the chapter's headers; named index levels become the first columns.

    ``headers`` adds to or overrides :data:`HEADERS` for this table (``{"ratio": "wanted /
    held"}``). An unnamed index is dropped; a column without words still raises ``ValueError``.
    """
    return display.labelled(frame, HEADERS, headers, digits=digits, caption=caption, empty=empty)
