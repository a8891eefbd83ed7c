"""The audit of chapter 7: one function per claim of 제3장 (``data/claims/ch7.csv``).

Each claim is recomputed from the transcribed tables or from cited hardware figures; the
functions below are bound to their claims by id and run in table order by :func:`audit`. Most
claims of the survey's text state a share of firms; :func:`_share_claim` checks such a share
against the whole number of firms a table gives (and the text's own firm count, where it gives
one).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from aicompute import claims
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check
from aicompute.survey.analysis import demand_ratio, holdings
from aicompute.survey.consistency import pct_consistent
from aicompute.survey.population import estimate_population
from aicompute.survey.reference import gpu_fp32_tflops, nurion_peak
from aicompute.survey.report_tables import (
    GPU_TABLES,
    MODELS,
    POPULATION,
    SAMPLE,
    TFLOPS,
    gpu_counts,
    table,
)

__all__ = ["audit"]

# --------------------------------------------------------------------------------------------
# Shared helpers


def _share_claim(claim: Claim, firms: int, base: int, note: str = "") -> Finding:
    """A stated share of firms against ``firms`` of ``base`` from a table.

    Where the text also gives the number of firms (the claims table's ``firms`` column), a
    different count is added to the note.
    """
    stated_firms = claim.detail("firms")
    extra = ""
    if stated_firms and int(stated_firms) != firms:
        extra = f" The text says {int(stated_firms)} firms; the table gives {firms}."
    return check(
        claim,
        _pct(firms, base),
        note=(note + extra).strip(),
        ours_text=f"{_pct(firms, base):.2f} % ({firms} of {base})",
    )


def _uncheckable(claim: Claim, why: str) -> Finding:
    return check(claim, None, verdict=Verdict.UNCHECKABLE, note=why)


def _higher_verdict(condition: bool) -> Verdict:
    return Verdict.HOLDS if condition else Verdict.DOES_NOT_HOLD


def _pct(firms: float, base: float) -> float:
    return 100.0 * firms / base


def _t35(breakdown: str, category: str) -> int:
    """Respondents of one category of <표 3-5>."""
    return int(table("3-5").loc[(breakdown, category), "응답 기업 수"])


def _stated_firms(slug: str) -> int:
    """The number of firms the text gives with claim ``ch7.<slug>`` (its ``firms`` column)."""
    text = claims.get(f"ch7.{slug}").detail("firms")
    if not text:
        raise ValueError(f"claim ch7.{slug} gives no firm count")
    return int(text)


def _table_cell(table_id: str, key: tuple[str, str], column: str) -> float:
    return float(table(table_id).loc[key, column])


def _counts72(kind: str) -> pd.Series:
    """GPUs of each model held (or wanted) by the 72 respondents."""
    return gpu_counts(kind, "total").loc["전체", list(MODELS)]


def _tflops72(kind: str) -> float:
    """Compute (TFLOPS) held or wanted by the 72 respondents: whole GPUs x <표 3-2> TFLOPS."""
    return float((_counts72(kind) * pd.Series(TFLOPS).values).sum())


@lru_cache(maxsize=2)
def _pflops215(kind: str) -> float:
    """The 215-firm estimate (PFLOPS) of compute held or wanted."""
    return float(estimate_population(kind).loc["전체", "합계: 전체"]) / 1000


def _total_row(table_id: str) -> pd.Series:
    return table(table_id).loc[("total", "전체")]


def _data_answered() -> int:
    """Respondents who gave a data volume (all but '모름', <표 별첨2-3>)."""
    return round(SAMPLE * (1 - _total_row("별첨2-3")["모름"] / 100))


# --------------------------------------------------------------------------------------------
# 제3장 제1절 and the survey's design (<표 3-1> to <표 3-7>)


@audits("ch7.abci-budget")
def _abci_budget(claim: Claim) -> Finding:
    return _uncheckable(claim, "No yen-won exchange rate or ABCI budget in the book's data.")


@audits("ch7.population-215")
def _population_215(claim: Claim) -> Finding:
    return check(claim, float(table("3-7")["215개 대상"].sum()), note="Sum of <표 3-7>.")


@audits("ch7.sample-72")
def _sample_72(claim: Claim) -> Finding:
    return check(claim, float(table("3-7")["72개 대상"].sum()), note="Sum of <표 3-7>.")


def _peak_claim(claim: Claim, system: str) -> Finding:
    """A <표 3-2> TFLOPS figure against cores x clock x 2 at the base clock."""
    base, boost = gpu_fp32_tflops(system, "base"), gpu_fp32_tflops(system, "boost")
    return check(
        claim,
        base,
        note=f"FP32 = CUDA cores x clock x 2: {base:.2f} TFLOPS at base clock, "
        f"{boost:.2f} at boost.",
    )


@audits("ch7.tflops-gtx1070")
def _tflops_gtx1070(claim: Claim) -> Finding:
    return _peak_claim(claim, "GTX 1070")


@audits("ch7.tflops-gtx1080")
def _tflops_gtx1080(claim: Claim) -> Finding:
    return _peak_claim(claim, "GTX 1080")


@audits("ch7.tflops-gtx1080ti")
def _tflops_gtx1080ti(claim: Claim) -> Finding:
    return _peak_claim(claim, "GTX 1080 Ti")


@audits("ch7.table-3-5-shares")
def _table_3_5_shares(claim: Claim) -> Finding:
    agree = sum(
        pct_consistent(row["백분율"], SAMPLE, 1)[0]
        and abs(_pct(row["응답 기업 수"], SAMPLE) - row["백분율"]) <= 0.05 + 1e-9
        for _, row in table("3-5").iterrows()
    )
    return check(claim, float(agree), note="Printed % = count / 72, rounded.")


@audits("ch7.table-3-7-totals")
def _table_3_7_totals(claim: Claim) -> Finding:
    t37 = table("3-7")
    sums_ok = int(t37["72개 대상"].sum() == SAMPLE) + int(t37["215개 대상"].sum() == POPULATION)
    return check(claim, float(sums_ok), note="Columns of <표 3-7> summed.")


# --------------------------------------------------------------------------------------------
# Deep-learning and GPU use (<표 3-5>, <표 별첨2-5>, 2-6)


@audits("ch7.dl-used")
def _dl_used(claim: Claim) -> Finding:
    return _share_claim(claim, _t35("deep_learning", "활용"), SAMPLE, "Count from <표 3-5>.")


@audits("ch7.gpu-used")
def _gpu_used(claim: Claim) -> Finding:
    return _share_claim(claim, _t35("gpu_use", "활용"), SAMPLE, "Count from <표 3-5>.")


@audits("ch7.dl-used-or-planned")
def _dl_used_or_planned(claim: Claim) -> Finding:
    dl, dl_plan = _t35("deep_learning", "활용"), _t35("deep_learning", "활용 예정")
    return _share_claim(
        claim,
        dl + dl_plan,
        SAMPLE,
        f"({dl} + {dl_plan}) / {SAMPLE}; the text adds the rounded shares "
        f"{_pct(dl, SAMPLE):.1f} + {_pct(dl_plan, SAMPLE):.1f}.",
    )


@audits("ch7.gpu-used-or-planned")
def _gpu_used_or_planned(claim: Claim) -> Finding:
    gpu, gpu_plan = _t35("gpu_use", "활용"), _t35("gpu_use", "활용 예정")
    return _share_claim(claim, gpu + gpu_plan, SAMPLE, f"({gpu} + {gpu_plan}) / {SAMPLE}.")


def _users_of_both(table_id: str, breakdown: str, users: int) -> int:
    """Firms using both deep learning and GPUs: a cross table's share of ``users`` firms."""
    return round(_table_cell(table_id, (breakdown, "활용"), "활용하고 있음") * users / 100)


@audits("ch7.gpu-given-dl")
def _gpu_given_dl(claim: Claim) -> Finding:
    dl, gpu = _t35("deep_learning", "활용"), _t35("gpu_use", "활용")
    both_a = _users_of_both("별첨2-6", "deep_learning", dl)
    both_b = _users_of_both("별첨2-5", "gpu_use", gpu)
    agree_note = (
        "<표 별첨2-5> implies the same number" if both_a == both_b else "<표 별첨2-5> disagrees"
    )
    return _share_claim(
        claim,
        both_a,
        dl,
        f"<표 별첨2-6>: {both_a} of the {dl} deep-learning users use GPUs; {agree_note}.",
    )


@audits("ch7.dl-given-gpu")
def _dl_given_gpu(claim: Claim) -> Finding:
    gpu = _t35("gpu_use", "활용")
    both = _users_of_both("별첨2-5", "gpu_use", gpu)
    return _share_claim(claim, both, gpu, f"<표 별첨2-5>: {both} of the {gpu} GPU users.")


# --------------------------------------------------------------------------------------------
# Compute held and wanted (<표 3-6>, <표 별첨2-7> to 2-10)


def _sample_total_claim(claim: Claim, kind: str) -> Finding:
    ours = _tflops72(kind) / 1000
    return check(claim, ours, note="GPU counts x <표 3-2> TFLOPS, summed.")


@audits("ch7.current-72")
def _current_72(claim: Claim) -> Finding:
    return _sample_total_claim(claim, "current")


@audits("ch7.demand-72")
def _demand_72(claim: Claim) -> Finding:
    return _sample_total_claim(claim, "demand")


def _population_total_claim(claim: Claim, kind: str) -> Finding:
    """A 215-firm total of the text against our estimate (and the table's two columns)."""
    pop_id = GPU_TABLES[kind][1]
    pop = _total_row(pop_id)
    return check(
        claim,
        _pflops215(kind),
        note=f"The 215-firm total of <표 {pop_id}> is "
        f"{pop['합계: 전체'] / 1000:.2f} PFLOPS (reproduced); the text quotes its "
        f"1080 Ti-class column, {pop[f'합계: {MODELS[2]}'] / 1000:.2f} PFLOPS.",
    )


@audits("ch7.current-215")
def _current_215(claim: Claim) -> Finding:
    return _population_total_claim(claim, "current")


@audits("ch7.demand-215")
def _demand_215(claim: Claim) -> Finding:
    return _population_total_claim(claim, "demand")


def _t36_claim(claim: Claim, kind: str, model: str) -> Finding:
    """A <표 3-6> TFLOPS cell against the appendix's whole GPUs x the model's TFLOPS."""
    gpus = _counts72(kind)[model]
    return check(
        claim,
        float(gpus) * TFLOPS[model],
        note=f"{int(gpus)} GPUs (from <표 {GPU_TABLES[kind][0]}>) x {TFLOPS[model]} TFLOPS.",
    )


@audits("ch7.t36-current-gtx1070")
def _t36_current_gtx1070(claim: Claim) -> Finding:
    return _t36_claim(claim, "current", MODELS[0])


@audits("ch7.t36-current-gtx1080")
def _t36_current_gtx1080(claim: Claim) -> Finding:
    return _t36_claim(claim, "current", MODELS[1])


@audits("ch7.t36-current-class3")
def _t36_current_class3(claim: Claim) -> Finding:
    return _t36_claim(claim, "current", MODELS[2])


@audits("ch7.t36-demand-gtx1070")
def _t36_demand_gtx1070(claim: Claim) -> Finding:
    return _t36_claim(claim, "demand", MODELS[0])


@audits("ch7.t36-demand-gtx1080")
def _t36_demand_gtx1080(claim: Claim) -> Finding:
    return _t36_claim(claim, "demand", MODELS[1])


@audits("ch7.t36-demand-class3")
def _t36_demand_class3(claim: Claim) -> Finding:
    return _t36_claim(claim, "demand", MODELS[2])


# --------------------------------------------------------------------------------------------
# Nurion, the national supercomputer No. 5


@audits("ch7.nurion-fp64")
def _nurion_fp64(claim: Claim) -> Finding:
    return check(claim, nurion_peak("fp64"), note="Nodes x cores x clock x 32 FLOP/cycle.")


@audits("ch7.nurion-fp32")
def _nurion_fp32(claim: Claim) -> Finding:
    return check(claim, nurion_peak("fp32"), note="Same with 64 FLOP/cycle (FP32 = 2 x FP64).")


@audits("ch7.demand-below-nurion")
def _demand_below_nurion(claim: Claim) -> Finding:
    demand, fp32 = _pflops215("demand"), nurion_peak("fp32")
    return check(
        claim,
        demand,
        verdict=_higher_verdict(demand < fp32),
        note=f"The table's 215-firm demand, {demand:.1f} PFLOPS, is "
        f"{demand / fp32:.2f} x Nurion's {fp32:.1f} PFLOPS FP32 peak: "
        + ("below it." if demand < fp32 else "above it, not below."),
    )


@audits("ch7.nurion-price")
def _nurion_price(claim: Claim) -> Finding:
    return _uncheckable(claim, "No procurement data in the book.")


# --------------------------------------------------------------------------------------------
# Who holds and wants the compute


_SMALL = ["10억 미만", "10-30억 미만"]  # revenue under 3 bn won


def _small_firms_tflops(kind: str) -> tuple[pd.DataFrame, float]:
    """Holdings by revenue, and the TFLOPS of firms with revenue under 3 bn won."""
    h = holdings(kind, "revenue")
    return h, float(h.loc[_SMALL, "tflops"].sum())


def _small_share_claim(claim: Claim, kind: str) -> Finding:
    h, small = _small_firms_tflops(kind)
    return check(
        claim,
        100 * small / float(h["tflops"].sum()),
        note=f"{h.loc[_SMALL, 'firms'].sum()} of 72 firms.",
    )


def _small_pflops_claim(claim: Claim, kind: str) -> Finding:
    small = _small_firms_tflops(kind)[1]
    return check(claim, small / 1000, note=f"Revenue < 3 bn won, <표 {GPU_TABLES[kind][0]}>.")


@audits("ch7.share-current-under-3bn")
def _share_current_under_3bn(claim: Claim) -> Finding:
    return _small_share_claim(claim, "current")


@audits("ch7.current-under-3bn")
def _current_under_3bn(claim: Claim) -> Finding:
    return _small_pflops_claim(claim, "current")


@audits("ch7.share-demand-under-3bn")
def _share_demand_under_3bn(claim: Claim) -> Finding:
    return _small_share_claim(claim, "demand")


@audits("ch7.demand-under-3bn")
def _demand_under_3bn(claim: Claim) -> Finding:
    return _small_pflops_claim(claim, "demand")


_YOUNG = "2010년 이후"  # founded after 2010


def _young_firms_top() -> bool:
    """Do firms founded after 2010 hold and want the most compute per firm?"""
    return all(
        frame.loc[_YOUNG, "tflops_per_firm"] == frame["tflops_per_firm"].max()
        for frame in (holdings("current", "founded"), holdings("demand", "founded"))
    )


@audits("ch7.young-firms-hold-more")
def _young_firms_hold_more(claim: Claim) -> Finding:
    held_f, want_f = holdings("current", "founded"), holdings("demand", "founded")
    higher, young = _young_firms_top(), _YOUNG
    return check(
        claim,
        float(held_f.loc[young, "share_of_compute_pct"]),
        verdict=_higher_verdict(higher),
        ours_text=f"{held_f.loc[young, 'share_of_compute_pct']:.1f} % of compute held and "
        f"{want_f.loc[young, 'share_of_compute_pct']:.1f} % of demand, by "
        f"{held_f.loc[young, 'share_of_firms_pct']:.1f} % of firms",
        note="Per firm, firms founded after 2010 hold and want the most"
        + ("." if higher else ": not so."),
    )


@audits("ch7.dl-gpu-users-hold-more")
def _dl_gpu_users_hold_more(claim: Claim) -> Finding:
    per_firm = {
        (b, k): holdings(k, b)["tflops_per_firm"]
        for b in ("deep_learning", "gpu_use")
        for k in GPU_TABLES
    }
    users_top = all(series.idxmax() == "활용" for series in per_firm.values())
    non_users = holdings("current", "gpu_use").loc["비활용"]
    return check(
        claim,
        None,
        verdict=_higher_verdict(users_top),
        ours_text="per firm, users hold "
        f"{per_firm[('gpu_use', 'current')]['활용']:.0f} TFLOPS (GPU users) vs "
        f"{per_firm[('gpu_use', 'current')]['비활용']:.0f} (non-users)",
        note=f"But firms that say they do not use GPUs report {non_users['tflops']:,.0f} "
        f"TFLOPS of GPUs ({non_users['share_of_compute_pct']:.1f} % of the total).",
    )


# --------------------------------------------------------------------------------------------
# How firms want public compute (stated in the text only)


@audits("ch7.pref-mixed")
def _pref_mixed(claim: Claim) -> Finding:
    return _share_claim(claim, _stated_firms("pref-mixed"), SAMPLE, "Stated in the text only.")


@audits("ch7.mix-ratio")
def _mix_ratio(claim: Claim) -> Finding:
    return _uncheckable(claim, "Stated in the text only; no distribution is printed.")


@audits("ch7.pref-proposal")
def _pref_proposal(claim: Claim) -> Finding:
    return _share_claim(claim, _stated_firms("pref-proposal"), SAMPLE, "Stated in the text only.")


def _mixed_or_proposal() -> int:
    return _stated_firms("pref-mixed") + _stated_firms("pref-proposal")


@audits("ch7.pref-mixed-or-proposal")
def _pref_mixed_or_proposal(claim: Claim) -> Finding:
    return check(
        claim,
        float(_mixed_or_proposal()),
        note=f"{_stated_firms('pref-mixed')} (mixed) + "
        f"{_stated_firms('pref-proposal')} (proposals).",
    )


@audits("ch7.proposal-options")
def _proposal_options(claim: Claim) -> Finding:
    return _uncheckable(claim, "Stated in the text only; no counts are printed.")


@audits("ch7.usage-6m-review")
def _usage_6m_review(claim: Claim) -> Finding:
    return _share_claim(
        claim,
        _stated_firms("usage-6m-review"),
        _mixed_or_proposal(),
        "Base: the 51 firms asked (mixed or proposals).",
    )


@audits("ch7.pref-cloud")
def _pref_cloud(claim: Claim) -> Finding:
    return _share_claim(claim, _stated_firms("pref-cloud"), SAMPLE, "Stated in the text only.")


@audits("ch7.pref-mixed-or-cloud")
def _pref_mixed_or_cloud(claim: Claim) -> Finding:
    mixed, cloud = _stated_firms("pref-mixed"), _stated_firms("pref-cloud")
    others = SAMPLE - _mixed_or_proposal() - cloud
    return check(
        claim,
        float(mixed + cloud),
        note=f"{mixed} (mixed) + {cloud} (cloud); the remaining {others} firms chose 'other'.",
    )


@audits("ch7.cloud-price")
def _cloud_price(claim: Claim) -> Finding:
    return _uncheckable(claim, "Stated in the text only; no distribution is printed.")


# --------------------------------------------------------------------------------------------
# Data held and wanted (<표 별첨2-2> to 2-4)


@audits("ch7.data-future-total")
def _data_future_total(claim: Claim) -> Finding:
    later, answered = _total_row("별첨2-4"), _data_answered()
    return check(
        claim,
        later["평균"] * answered,
        note=f"Mean {later['평균']} TB x {answered} firms that gave a number "
        f"(<표 별첨2-4> prints {later['합계']:,.0f}).",
    )


@audits("ch7.data-current-total")
def _data_current_total(claim: Claim) -> Finding:
    now, answered = _total_row("별첨2-3"), _data_answered()
    printed = float(now["합계"])
    if abs(now["평균"] * answered - printed) > 1:
        raise ValueError("<표 별첨2-3>: mean x firms no longer gives the printed total")
    return _text_against_table(
        claim,
        printed,
        "TB",
        f"<표 별첨2-3> prints {printed:,.0f} TB (= {now['평균']} TB x {answered} firms)",
    )


def _text_against_table(claim: Claim, printed: float, unit: str, where: str) -> Finding:
    """The text's number against the report's own table: equal, or the report contradicts itself."""
    assert claim.reported is not None
    if abs(printed - claim.reported) <= claim.rel_tol * abs(claim.reported):
        return check(claim, printed, note=f"{where}.")
    text, ours = f"{claim.reported:g}", f"{printed:g}"
    swapped = len(text) == len(ours) and sorted(text) == sorted(ours)
    slip = "the text transposes digits of" if swapped else "the text differs from"
    return check(
        claim,
        printed,
        verdict=Verdict.INCONSISTENT,
        ours_text=f"text {claim.reported:,g} {unit} ≠ table {printed:,g} {unit}",
        note=f"{where}; {slip} its own table, so the report contradicts itself (the "
        "table's number is the one the survey's answers give).",
    )


@audits("ch7.data-growth")
def _data_growth(claim: Claim) -> Finding:
    now, later = _total_row("별첨2-3"), _total_row("별첨2-4")
    return check(
        claim,
        later["합계"] / now["합계"],
        note=f"With the text's own 1,837 TB it would be {later['합계'] / 1837:.2f}.",
    )


def _data_type_claim(claim: Claim, column: str) -> Finding:
    """A share of firms using one type of data against <표 별첨2-2>."""
    share = float(_total_row("별첨2-2")[column])
    firms = round(share * SAMPLE / 100)
    return _text_against_table(claim, share, "%", f"<표 별첨2-2> prints {share} % ({firms} of 72)")


@audits("ch7.data-structured")
def _data_structured(claim: Claim) -> Finding:
    return _data_type_claim(claim, "정형 텍스트")


@audits("ch7.data-unstructured")
def _data_unstructured(claim: Claim) -> Finding:
    return _data_type_claim(claim, "비정형 텍스트")


@audits("ch7.data-images")
def _data_images(claim: Claim) -> Finding:
    return _data_type_claim(claim, "이미지 및 영상")


@audits("ch7.data-signals")
def _data_signals(claim: Claim) -> Finding:
    return _data_type_claim(claim, "신호")


@audits("ch7.data-audio")
def _data_audio(claim: Claim) -> Finding:
    return _data_type_claim(claim, "음성 및 청각데이터")


@audits("ch7.data-1-2tb")
def _data_1_2tb(claim: Claim) -> Finding:
    now = _total_row("별첨2-3")
    firms_12 = round(now["1-2TB 미만"] * SAMPLE / 100)
    largest = now[["1TB 미만", "1-2TB 미만", "2-5TB 미만", "5-50TB 미만", "50TB 이상"]].idxmax()
    return _share_claim(
        claim,
        firms_12,
        SAMPLE,
        f"<표 별첨2-3>: {now['1-2TB 미만']} %; largest size class: {largest}.",
    )


@audits("ch7.data-future-50tb")
def _data_future_50tb(claim: Claim) -> Finding:
    return check(claim, float(_total_row("별첨2-4")["50TB 이상"]), note="<표 별첨2-4>.")


def _data_mean_claim(claim: Claim, table_id: str) -> Finding:
    """A mean data volume: the printed sum over the firms that gave a number."""
    total, answered = _total_row(table_id)["합계"], _data_answered()
    return check(claim, total / answered, note=f"{total:,.0f} TB / {answered} firms.")


@audits("ch7.data-mean-current")
def _data_mean_current(claim: Claim) -> Finding:
    return _data_mean_claim(claim, "별첨2-3")


@audits("ch7.data-mean-future")
def _data_mean_future(claim: Claim) -> Finding:
    return _data_mean_claim(claim, "별첨2-4")


@audits("ch7.data-future-planners")
def _data_future_planners(claim: Claim) -> Finding:
    t24 = table("별첨2-4")
    planners_top = (
        t24.loc["deep_learning", "평균"].idxmax() == "활용 예정"
        and t24.loc["gpu_use", "평균"].idxmax() == "활용 예정"
    )
    return check(
        claim,
        None,
        verdict=_higher_verdict(planners_top),
        ours_text=f"mean {t24.loc[('deep_learning', '활용 예정'), '평균']} TB (DL planned), "
        f"{t24.loc[('gpu_use', '활용 예정'), '평균']} TB (GPU planned)",
        note="The highest mean of its breakdown in <표 별첨2-4>.",
    )


@audits("ch7.tb-images")
def _tb_images(claim: Claim) -> Finding:
    return check(claim, 1e12 / 500e3, note="10^12 B / (500 x 10^3 B), decimal units.")


# --------------------------------------------------------------------------------------------
# Government support and the conclusions (제3장 제3절, 제4장)


@audits("ch7.hpc-hub-budget")
def _hpc_hub_budget(claim: Claim) -> Finding:
    return _uncheckable(claim, "A budget figure; no budget data in the book.")


@audits("ch7.infra-program-budget")
def _infra_program_budget(claim: Claim) -> Finding:
    return _uncheckable(claim, "A budget figure; no budget data in the book.")


@audits("ch7.unaware")
def _unaware(claim: Claim) -> Finding:
    return _share_claim(claim, _t35("gov_awareness", "비인지"), SAMPLE, "Count from <표 3-5>.")


@audits("ch7.intention")
def _intention(claim: Claim) -> Finding:
    return _share_claim(claim, _stated_firms("intention"), SAMPLE, "Stated in the text only.")


@audits("ch7.opinion-manpower")
def _opinion_manpower(claim: Claim) -> Finding:
    manpower = round(claim.reported * SAMPLE / 100)
    return _share_claim(
        claim,
        manpower,
        SAMPLE,
        "<표 3-8> lists opinions without counts; only checks that 18.1 % is a whole "
        f"number of the 72 firms ({manpower}).",
    )


@audits("ch7.demand-doubles")
def _demand_doubles(claim: Claim) -> Finding:
    ratio215 = _pflops215("demand") / _pflops215("current")
    return check(
        claim,
        _tflops72("demand") / _tflops72("current"),
        note=f"72 firms; for the 215-firm estimate {ratio215:.2f}.",
    )


@audits("ch7.small-young-firms-demand")
def _small_young_firms_demand(claim: Claim) -> Finding:
    higher = _young_firms_top()
    rev = demand_ratio("revenue")
    per_firm_demand = rev["wanted_tflops"] / rev["firms"]
    small_top = set(per_firm_demand.nlargest(2).index) == set(_SMALL)
    return check(
        claim,
        None,
        verdict=_higher_verdict(small_top and higher),
        ours_text=f"demand per firm: {per_firm_demand['10억 미만']:.0f} and "
        f"{per_firm_demand['10-30억 미만']:.0f} TFLOPS (< 3 bn won) vs "
        f"{per_firm_demand.drop(_SMALL).max():.0f} at most elsewhere",
        note="Holds for the sample; it rests on a few firms in two strata (see the chapter).",
    )


def audit() -> list[Finding]:
    """Every chapter-7 claim recomputed from the transcribed tables (deterministic, fast)."""
    return audit_chapter(7)
