"""Chapter 7: the survey tables (transcription checks), the 215-firm estimate and the audit."""

from __future__ import annotations

import math
from importlib import resources

import pandas as pd
import pytest

from aicompute import claims, data, survey

TABLE_IDS = ["3-1", "3-2", "3-5", "3-6", "3-7"] + [f"별첨2-{i}" for i in range(1, 11)]


def _altered(table_id: str, category: str, variable: str, new_value: float, breakdown=None):
    frame = survey.tables()
    mask = (
        (frame["table_id"] == table_id)
        & (frame["category_ko"] == category)
        & (frame["variable_ko"] == variable)
    )
    if breakdown is not None:
        mask &= frame["breakdown"] == breakdown
    assert mask.sum() == 1, "the test must alter exactly one cell"
    frame.loc[mask, "value"] = new_value
    return frame


# --- transcription --------------------------------------------------------------------------


def test_every_table_is_transcribed_with_its_shape() -> None:
    frame = survey.tables()
    assert list(dict.fromkeys(frame["table_id"])) == [
        t for t in TABLE_IDS if t.startswith("별첨")
    ] + [t for t in TABLE_IDS if not t.startswith("별첨")]
    shapes = {"별첨2-1": 18, "별첨2-2": 6, "별첨2-3": 8, "별첨2-4": 8, "별첨2-5": 3, "별첨2-6": 3}
    shapes.update({f"별첨2-{i}": 8 for i in range(7, 11)})
    for table_id, ncols in shapes.items():
        wide = survey.table(table_id)
        assert wide.shape == (20, ncols + 2), table_id
        assert wide["base_n"].tolist()[:4] == [72, 20, 25, 27]
    assert frame["source"].str.startswith("spri2018; <표 ").all()
    assert frame["category_en"].notna().all() and frame["variable_en"].notna().all()


def test_spot_cells_against_the_printed_report() -> None:
    assert survey.table("별첨2-7").loc[("total", "전체"), "합계: 전체"] == 11370
    assert survey.table("별첨2-10").loc[("revenue", "10억 미만"), "합계: 전체"] == 24771
    assert survey.table("별첨2-3").loc[("total", "전체"), "합계"] == 1873
    assert survey.table("별첨2-1").loc[("gov_awareness", "비인지"), "기타"] == 23.9
    assert survey.table("3-7").loc[("revenue", "80-120억 미만"), "215개 대상"] == 20


def test_the_transcription_passes_every_consistency_check() -> None:
    result = survey.validate()
    assert len(result) > 1900
    assert survey.failures().empty, survey.failures().to_string()
    # the report's own inconsistencies are kept as printed and flagged, not corrected
    known = survey.failures(include_known=True)
    assert len(known) == len(survey.KNOWN_DISCREPANCIES) == 3


@pytest.mark.parametrize(
    ("table_id", "category", "variable", "value", "breakdown", "check"),
    [
        ("별첨2-1", "전체", "금융", 30.7, None, "percent = k / n"),
        ("별첨2-5", "10억 미만", "활용하고 있음", 41.2, None, "shares sum to 100"),
        ("별첨2-7", "10억 미만", "합계: GTX 1070", 370, None, "sum = whole GPUs x TFLOPS"),
        ("별첨2-9", "2010년 이후", "합계: 전체", 16891, None, "models sum to total"),
        (
            "별첨2-8",
            "10억 미만",
            "합계: GTX 1080",
            340,
            None,
            "stratum sum = sample GPUs x TFLOPS x N/n",
        ),
        ("별첨2-10", "2000년 이전", "합계: GTX 1080", 2417, None, "categories sum to total"),
        ("별첨2-3", "전체", "평균", 26.96, None, "mean x answered = sum"),
        ("3-6", "GTX 1080", "현황", 118, "gpu_model", "GPUs x TFLOPS = TFLOPS"),
        ("3-7", "30-50억 미만", "215개 대상", 21, "revenue", "strata sum to total"),
        ("3-5", "활용", "응답 기업 수", 27, "gpu_use", "counts sum to total"),
        ("별첨2-2", "2010년 이후", "신호", 25.9, None, "category firms sum to total firms"),
    ],
)
def test_an_altered_cell_makes_a_check_fail(table_id, category, variable, value, breakdown, check):
    frame = _altered(table_id, category, variable, value, breakdown)
    bad = survey.failures(frame)
    assert not bad.empty, "changing one cell must break a consistency check"
    assert check in set(bad["check"]), bad.to_string()


def test_table_lookup_and_bad_frames_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="no survey table"):
        survey.table("3-9")
    with pytest.raises(ValueError, match="survey frame"):
        survey.validate(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="kind"):
        survey.gpu_counts("future")
    with pytest.raises(ValueError, match="breakdown"):
        survey.holdings("current", "region")
    with pytest.raises(ValueError, match="stated figure"):
        survey.stated("no-such-claim")


def test_every_survey_csv_has_sources() -> None:
    for name in ("survey_tables", "survey_reference_systems"):
        frame = data.load(name)
        assert frame["source"].str.strip().ne("").all()
    assert _chapter_7_claims()["source"].str.strip().ne("").all()


def _chapter_7_claims() -> pd.DataFrame:
    """The chapter's claims table as a plain CSV, read without the claims registry."""
    file = resources.files("aicompute").joinpath("data", "claims", "ch7.csv")
    return data.read(file, "claims/ch7", dtype=str, keep_default_na=False)


def test_stated_reads_the_claims_table() -> None:
    assert survey.stated("current-215") == claims.get("ch7.current-215").reported == 25.94
    assert survey.stated("young-firms-hold-more") is None
    firms = _chapter_7_claims().set_index("id")["firms"]
    assert firms["ch7.dl-used"] == "31" and firms["ch7.gpu-given-dl"] == ""


# --- GPU counts and the 215-firm estimate -----------------------------------------------------


def test_gpu_counts_match_table_3_6() -> None:
    counts = survey.gpu_counts("current", "total").loc["전체", list(survey.MODELS)].tolist()
    assert counts == [194, 117, 887]
    demand = survey.gpu_counts("demand", "total").loc["전체", list(survey.MODELS)].tolist()
    assert demand == [553, 230, 1630]
    assert survey.gpu_counts("current", "revenue")[list(survey.MODELS)].sum().tolist() == counts


def test_stratum_weights_are_population_over_sample() -> None:
    w = survey.stratum_weights()
    assert w["sample"].sum() == 72 and w["population"].sum() == 215
    assert w.loc["80-120억 미만", "weight"] == pytest.approx(20 / 3)
    assert (w["sample"] * w["weight"]).sum() == pytest.approx(215)


@pytest.mark.parametrize("kind", ["current", "demand"])
def test_estimate_reproduces_every_revenue_and_total_cell(kind: str) -> None:
    comparison = survey.compare_estimate(kind)
    assert len(comparison) == 9 * 8
    assert comparison["ok"].all(), comparison[~comparison["ok"]].to_string()


def test_uniform_weights_scale_the_sample_total() -> None:
    strata = survey.stratum_weights()
    uniform = pd.Series(215 / 72, index=strata.index)
    est = survey.estimate_population("current", uniform)
    assert est.loc["전체", "합계: 전체"] == pytest.approx(11370.4 * 215 / 72)
    with pytest.raises(ValueError, match="weights"):
        survey.estimate_population("current", uniform.iloc[:3])
    with pytest.raises(ValueError, match="weights"):
        survey.estimate_population("current", -uniform)


def test_other_breakdowns_are_consistent_with_revenue_weights() -> None:
    for kind in ("current", "demand"):
        implied = survey.implied_weighted_bases(kind)
        assert implied["within_bounds"].all()
        sums = implied.groupby("breakdown")["implied_firms"].sum()
        assert ((sums - 215).abs() < 1).all()


def test_alternative_weightings_all_represent_215_firms() -> None:
    alt = survey.alternative_estimates("current")
    assert alt.loc[0, "pflops"] == pytest.approx(32.093, abs=0.001)
    full = alt[alt["weighting"] != "respondents only (floor)"]
    assert full["firms_represented"].round(6).eq(215).all()
    assert alt["pflops"].min() == pytest.approx(11.3704)


def test_headline_text_numbers_are_the_1080ti_column() -> None:
    head = survey.headline().set_index("quantity")
    row = head.loc["current, 215 firms (estimate)"]
    assert row["text_pflops"] == pytest.approx(row["table_1080ti_class_pflops"], abs=0.001)
    assert row["ours_pflops"] == pytest.approx(row["table_total_pflops"], abs=0.001)


# --- analysis helpers --------------------------------------------------------------------------


def test_holdings_shares_add_to_100() -> None:
    for breakdown in ("founded", "revenue", "gov_awareness"):
        h = survey.holdings("current", breakdown)
        assert h["share_of_compute_pct"].sum() == pytest.approx(100, abs=0.05)
        assert h["firms"].sum() == 72


def test_peaks_from_cores_and_clocks() -> None:
    assert survey.gpu_fp32_tflops("GTX 1080", "base") == pytest.approx(8.228, abs=0.001)
    assert survey.nurion_peak("fp64") == pytest.approx(25.7059, abs=1e-3)
    assert survey.nurion_peak("fp32") == pytest.approx(2 * survey.nurion_peak("fp64"))
    assert survey.h100_equivalent(66.91 / 1000 * 10) == pytest.approx(10, rel=1e-3)
    with pytest.raises(ValueError, match="clock"):
        survey.gpu_fp32_tflops("GTX 1080", "turbo")
    with pytest.raises(ValueError, match="precision"):
        survey.nurion_peak("fp16")
    with pytest.raises(ValueError, match="pflops"):
        survey.h100_equivalent(math.nan)


# --- claims and audit ----------------------------------------------------------------------------


def test_audit_covers_every_chapter_7_claim_once_and_is_deterministic() -> None:
    findings = survey.audit()
    ids = [f.claim.id for f in findings]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c.id for c in claims.registered(7)}
    assert ids == _chapter_7_claims()["id"].tolist()
    again = survey.audit()
    assert [(f.ours, f.verdict) for f in findings] == [(f.ours, f.verdict) for f in again]
    table = claims.audit_table(findings)
    assert sum(table.counts().values()) == len(findings)


def test_key_verdicts() -> None:
    verdicts = {f.claim.id: f for f in survey.audit()}
    v = claims.Verdict
    assert verdicts["ch7.current-72"].verdict is v.HOLDS
    assert verdicts["ch7.current-215"].verdict is v.DOES_NOT_HOLD
    assert verdicts["ch7.current-215"].ours == pytest.approx(32.09, abs=0.01)
    assert verdicts["ch7.demand-215"].ours == pytest.approx(61.31, abs=0.01)
    assert verdicts["ch7.demand-below-nurion"].verdict is v.DOES_NOT_HOLD
    # the text transposes digits of its own tables: the report contradicts itself, both shown
    for claim_id, text, printed in (
        ("ch7.data-unstructured", "48.5 %", "45.8 %"),
        ("ch7.data-current-total", "1,837 TB", "1,873 TB"),
    ):
        assert verdicts[claim_id].verdict is v.INCONSISTENT
        assert verdicts[claim_id].ours_text == f"text {text} ≠ table {printed}"
    assert verdicts["ch7.data-structured"].verdict is v.HOLDS
    assert verdicts["ch7.tflops-gtx1070"].verdict is v.DOES_NOT_HOLD
    assert verdicts["ch7.share-current-under-3bn"].ours == pytest.approx(87.92, abs=0.01)


def test_item_bases_explain_the_printed_means() -> None:
    total = survey.item_bases("current", "total")
    assert total.loc["전체", "GTX 1070"] == 71  # 1,009 TFLOPS / 71 firms = 14.2 as printed
    demand = survey.item_bases("demand", "revenue")
    assert demand.loc["500억 이상", "GTX 1070"] == 7
    assert (demand[list(survey.MODELS)].le(demand["base_n"], axis=0)).all().all()


def test_adoption_and_demand_ratio() -> None:
    a = survey.adoption("founded")
    assert a.loc["2000년 이전", "dl_used_pct"] == 35.0
    r = survey.demand_ratio("revenue")
    assert r.loc["500억 이상", "ratio"] == pytest.approx(520 / 21)
    assert (r["ratio"] > 1).all()
    with pytest.raises(ValueError, match="breakdown"):
        survey.adoption("size")


def test_reference_values_and_figures() -> None:
    assert survey.reference_value("Nurion", "rmax") == pytest.approx(13929.3)
    with pytest.raises(ValueError, match="reference value"):
        survey.reference_value("Nurion", "price")
    import matplotlib

    matplotlib.use("Agg")
    for plot in (
        survey.plot_headline,
        survey.plot_concentration,
        survey.plot_adoption,
        survey.plot_alternatives,
    ):
        fig = plot()
        assert fig.axes, plot.__name__
        matplotlib.pyplot.close(fig)


def test_joint_firms_and_weighted_bases() -> None:
    joint = survey.joint_firms("deep_learning")
    assert joint.sum().tolist() == [19, 31, 22]
    assert joint.sum(axis=1).tolist() == survey.stratum_weights()["sample"].tolist()
    assert survey.joint_firms("founded") is None
    bases = survey.weighted_bases("gpu_use")
    assert bases["weighted_firms"].sum() == pytest.approx(215)
    assert (bases["weighted_firms"] - bases["implied_by_current_table"]).abs().max() < 0.2
    with pytest.raises(ValueError, match="non-revenue"):
        survey.joint_firms("revenue")
    with pytest.raises(ValueError, match="no revenue breakdown"):
        survey.weighted_bases("gov_awareness")


def test_population_cell_ranges_contain_the_printed_cells() -> None:
    ranges = survey.population_cell_ranges("gov_awareness")
    assert len(ranges) == 2 * 2 * 3
    assert ranges["within_range"].all()
    assert (ranges["low"] <= ranges["high"]).all()
    # the aware and unaware ranges of a model add up around the stratum total
    current = ranges[(ranges["kind"] == "current") & (ranges["variable_ko"] == "합계: GTX 1070")]
    assert current["low"].sum() <= 3135.15 <= current["high"].sum()


def test_data_volumes_growth() -> None:
    total = survey.data_volumes("total").loc["전체"]
    assert total["growth"] == pytest.approx(9083 / 1873)
    founded = survey.data_volumes("founded")
    assert founded["sum_tb_wanted"].sum() == pytest.approx(9084, abs=2)  # printed, rounded
    assert isinstance(survey.hangul_font_available(), bool)
    with pytest.raises(ValueError, match="breakdown"):
        survey.data_volumes("sector")


def test_display_table_names_every_column_in_words() -> None:
    shown = survey.display_table(survey.holdings("current", "revenue"))
    assert shown.headers[:4] == ["category (report)", "category", "firms", "held [TFLOP/s]"]
    assert not any("_" in header for header in shown.headers)
