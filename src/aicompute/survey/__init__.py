"""Chapter 7: the 2017 survey of AI compute held and wanted by Korean SMEs and start-ups.

The report's 제3장 and 별첨 2 print the survey as tables. The package is split by concern:

* :mod:`~aicompute.survey.report_tables`: the tables, transcribed cell by cell into
  ``survey_tables.csv`` (:func:`tables`, :func:`table`), the whole GPU counts behind their sums
  (:func:`gpu_counts`, :func:`item_bases`) and the numbers the text states (:func:`stated`,
  read from the chapter's claims table ``data/claims/ch7.csv``).
* :mod:`~aicompute.survey.consistency`: every printed cell checked against the others
  (:func:`validate`, :func:`failures`); the report's own inconsistencies are listed in
  :data:`KNOWN_DISCREPANCIES` rather than corrected.
* :mod:`~aicompute.survey.population`: the 215-firm estimate. The report post-stratifies by
  revenue (<표 3-7>): each respondent in revenue stratum ``h`` stands for ``N_h / n_h`` firms.
  :func:`compare_estimate` reproduces the revenue and total cells of <표 별첨2-8> and 2-10,
  :func:`population_cell_ranges` bounds the other cells by integer programming,
  :func:`alternative_estimates` redoes the estimate under other weightings.
* :mod:`~aicompute.survey.analysis` and :mod:`~aicompute.survey.reference`: holdings,
  adoption, data volumes and the headline numbers; the GPUs, Nurion and today's H100.
* :mod:`~aicompute.survey.audits`: one audit function per claim of 제3장, run by :func:`audit`.
* :mod:`~aicompute.survey.plots`: the chapter's figures; :mod:`~aicompute.survey.shown`: its
  tables for people (:func:`display_table`).
"""

from __future__ import annotations

from aicompute.survey.analysis import adoption, data_volumes, demand_ratio, headline, holdings
from aicompute.survey.audits import audit
from aicompute.survey.consistency import failures, validate
from aicompute.survey.plots import (
    hangul_font_available,
    plot_adoption,
    plot_alternatives,
    plot_concentration,
    plot_headline,
)
from aicompute.survey.population import (
    alternative_estimates,
    compare_estimate,
    estimate_population,
    implied_weighted_bases,
    joint_firms,
    population_cell_ranges,
    stratum_weights,
    weighted_bases,
)
from aicompute.survey.reference import (
    gpu_fp32_tflops,
    h100_equivalent,
    nurion_peak,
    reference_systems,
    reference_value,
)
from aicompute.survey.report_tables import (
    BREAKDOWNS,
    KNOWN_DISCREPANCIES,
    MODELS,
    POPULATION,
    SAMPLE,
    TFLOPS,
    gpu_counts,
    item_bases,
    stated,
    table,
    tables,
)
from aicompute.survey.shown import HEADERS, display_table

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
    "HEADERS",
    "display_table",
]
