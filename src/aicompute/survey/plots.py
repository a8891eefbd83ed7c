"""The chapter's figures, with English labels (the tables beside them carry the Korean).

Tick labels add the Korean category below the English one when a Hangul font is installed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicompute.survey.analysis import adoption, holdings
from aicompute.survey.population import alternative_estimates, estimate_population
from aicompute.survey.reference import nurion_peak
from aicompute.survey.report_tables import GPU_TABLES, MODELS, TFLOPS, gpu_counts, stated

__all__ = [
    "plot_headline",
    "plot_concentration",
    "plot_adoption",
    "plot_alternatives",
    "hangul_font_available",
]


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


def hangul_font_available() -> bool:
    """Whether matplotlib has a font with Hangul glyphs (else figures use English only)."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    wanted = ("Noto Sans CJK KR", "NanumGothic", "Noto Sans KR", "Malgun Gothic", "AppleGothic")
    return any(name in names for name in wanted)


def _label(english: str, korean: str) -> str:
    """A tick label: English, with the Korean below it when a Hangul font is installed."""
    return f"{english}\n{korean}" if hangul_font_available() else english
