"""Tests for chapter 1 (Moore's law): growth fits, curated tables and the audit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aicompute import claims, data, moore

# ---- fit_growth recovers known growth -------------------------------------------------------


def test_fit_recovers_exact_doubling_time():
    years = np.arange(1990, 2011)
    values = 5.0 * 2 ** ((years - 1990) / 1.5)  # doubles every 18 months
    fit = moore.fit_growth(years, values)
    assert fit.doubling_months == pytest.approx(18.0)
    assert fit.stderr == pytest.approx(0.0, abs=1e-12)
    assert fit.predict([2000])[0] == pytest.approx(5.0 * 2 ** (10 / 1.5))
    assert fit.factor_over(3) == pytest.approx(4.0)


def test_fit_interval_covers_truth_with_noise():
    rng = np.random.default_rng(1)
    years = np.linspace(1970, 2020, 40)
    values = 2 ** ((years - 1970) / 2.0 + rng.normal(0, 0.5, years.size))
    fit = moore.fit_growth(years, values)
    low, high = fit.doubling_months_ci
    assert low < 24.0 < high
    assert high - low < 4  # 40 points, modest noise: a tight interval


def test_flat_series_has_unbounded_doubling_time():
    rng = np.random.default_rng(2)
    years = np.arange(2005, 2025)
    values = 3000 * 2 ** rng.normal(0, 0.2, years.size)
    fit = moore.fit_growth(years, values, quantity="clock")
    assert math.isinf(fit.doubling_months_ci[1])
    assert "no significant doubling" in fit.summary()


@pytest.mark.parametrize(
    ("years", "values", "message"),
    [
        ([2000, 2001], [1.0, 2.0], "at least 3"),
        ([2000, 2001, 2002], [1.0, 0.0, 2.0], "positive"),
        ([2000, 2001, 2002], [1.0, float("nan"), 2.0], "finite"),
        ([2000, 2001, 2002], [1.0, 2.0], "equal length"),
        ([2000, 2000, 2000], [1.0, 2.0, 3.0], "all be equal"),
    ],
)
def test_fit_rejects_bad_input(years, values, message):
    with pytest.raises(ValueError, match=message):
        moore.fit_growth(years, values)


def test_fit_rejects_bad_level():
    with pytest.raises(ValueError, match="level"):
        moore.fit_growth([1, 2, 3], [1, 2, 4], level=1.5)


# ---- growth factor arithmetic ----------------------------------------------------------------


def test_growth_factor_and_inverse():
    assert moore.growth_factor(18, 20) == pytest.approx(2 ** (240 / 18))
    assert moore.growth_factor(24, 0) == 1.0
    months = moore.implied_doubling_months(5000, 20)
    assert moore.growth_factor(months, 20) == pytest.approx(5000)


@pytest.mark.parametrize(("months", "years"), [(0, 10), (-3, 10), (18, -1), (math.inf, 1)])
def test_growth_factor_rejects_bad_input(months, years):
    with pytest.raises(ValueError):
        moore.growth_factor(months, years)


@pytest.mark.parametrize(("factor", "years"), [(1.0, 10), (0.5, 10), (100, 0)])
def test_implied_doubling_rejects_bad_input(factor, years):
    with pytest.raises(ValueError):
        moore.implied_doubling_months(factor, years)


# ---- curated tables ---------------------------------------------------------------------------


def test_curated_tables_have_sources_and_sane_values():
    for name in ("processors", "top500_history", "smartphone_vs_supercomputer"):
        table = data.load(name)
        assert table["source"].str.strip().str.len().gt(0).all(), name
    procs = moore.processors()
    assert procs["year"].between(1971, 2025).all()
    assert (procs["transistors"].dropna() > 1000).all()
    assert procs.loc[procs["name"] == "Intel 4004", "transistors"].item() == 2300
    assert set(procs["kind"]) <= {"cpu", "gpu", "soc"}


def test_top500_has_every_june_list_and_growth_is_monotone_enough():
    table = moore.top500_history()
    june = table[table["list"].str.endswith("-06")]
    assert list(june["list"].str[:4].astype(int)) == list(range(1993, 2026))
    assert (june["rank1_rmax_gflops"] > june["rank500_rmax_gflops"]).all()
    # #1 never drops from one June to the next (a system keeps its place or is overtaken)
    assert (np.diff(june["rank1_rmax_gflops"].to_numpy()) >= 0).all()
    assert june["year"].iloc[0] == pytest.approx(1993 + 5.5 / 12)


def test_peak_flops_column_is_cores_times_clock_times_flops_per_cycle():
    xeon = moore.processors().set_index("name").loc["Xeon E5-2699 v4 (Broadwell-EP)"]
    assert xeon["peak_fp64_gflops"] == pytest.approx(22 * 2.2 * 16)


def test_mali_peak_and_bad_precision():
    assert moore.mali_peak_gflops("fp32", as_reported=True) == pytest.approx(265.2)
    assert moore.mali_peak_gflops("fp32") == pytest.approx(12 * 3 * 17 * 0.65)
    assert moore.mali_peak_gflops("fp64") == pytest.approx(12 * 3 * 5 * 0.65)
    with pytest.raises(ValueError, match="precision"):
        moore.mali_peak_gflops("fp16")


# ---- the fits on the real data ----------------------------------------------------------------


def test_fits_on_curated_data_are_in_known_ranges():
    assert 20 < moore.transistor_fit().doubling_months < 30  # Moore 1975: about 24 months
    assert 12 < moore.top500_fit(1).doubling_months < 18
    before, after = moore.clock_fits()
    assert 24 < before.doubling_months < 48
    assert after.slope_ci[0] < 0 < after.slope_ci[1]  # no significant clock growth after 2005


def test_fit_selectors_reject_bad_arguments():
    with pytest.raises(ValueError, match="rank"):
        moore.top500_fit(10)
    with pytest.raises(ValueError, match="split_year"):
        moore.clock_fits(1900)


# ---- the audit ----------------------------------------------------------------------------------


def test_audit_covers_every_chapter_one_claim_once():
    findings = moore.audit()
    ids = [f.claim.id for f in findings]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c.id for c in claims.registered(chapter=1)}
    assert moore.audit() == findings  # deterministic


def test_audit_verdicts():
    verdicts = {f.claim.id: f.verdict for f in moore.audit()}
    assert verdicts["ch1.taihulight-93pflops"] is claims.Verdict.HOLDS
    assert verdicts["ch1.sr2201-220gflops"] is claims.Verdict.HOLDS
    assert verdicts["ch1.mali-t880-265gflops"] is claims.Verdict.DOES_NOT_HOLD
    assert verdicts["ch1.phone-rivals-sr2201"] is claims.Verdict.MISLEADING
    assert verdicts["ch1.transistors-18-months"] is claims.Verdict.DOES_NOT_HOLD
    table = claims.audit_table(moore.audit())
    assert "갤럭시" in table._repr_html_()


def test_twenty_years_are_the_reports_window_and_ten_x_is_per_dollar():
    whole, modern = moore.window_peak_fit(), moore.window_peak_fit(x87=False)
    assert min(whole.years) == 1997 and max(whole.years) <= 2017
    assert min(modern.years) > 1997 and whole.n > modern.n
    findings = {f.claim.id: f for f in moore.audit()}
    twenty = findings["ch1.5000x-in-20-years"]
    assert twenty.ours == pytest.approx(whole.factor_over(20))
    # 5,000x lies inside the interval of one fit only: roughly holds
    assert twenty.verdict is claims.Verdict.ROUGHLY
    ratio = moore.same_price_ratio("GeForce GTX 1080", "Xeon E5-2699 v4")
    assert findings["ch1.gpu-10x-cpu"].ours == pytest.approx(ratio)
    assert findings["ch1.gpu-10x-cpu"].verdict is claims.Verdict.HOLDS  # "10x or more"
    with pytest.raises(ValueError, match="no launch price"):
        moore.same_price_ratio("Tesla P100", "Xeon E5-2699 v4")


# ---- figures ------------------------------------------------------------------------------------


def test_figures_draw_and_explorer_rejects_unknown_start():
    import matplotlib.pyplot as plt

    for plot in (moore.plot_transistors, moore.plot_top500, moore.plot_dennard):
        fig, ax = plot()
        assert ax.get_yscale() == "log"
        plt.close(fig)
    fig, ax = moore.plot_hpl_efficiency()
    assert ax.get_ylim() == (0, 100)
    plt.close(fig)
    fig, ax = moore.plot_growth_factor_map(20)
    assert len(ax.collections) == 7  # the report's two statements and five fits
    plt.close(fig)
    with pytest.raises(ValueError, match="years"):
        moore.plot_growth_factor_map(0)
    with pytest.raises(ValueError, match="start_year"):
        moore.plot_explorer(18, 20, start_year=1980)
    with pytest.raises(ValueError, match="doubling_months"):
        moore.plot_explorer(0, 20)
    plt.close("all")


def test_hpl_efficiency_is_a_fraction_and_rejects_rmax_above_rpeak(monkeypatch):
    eff = moore.hpl_efficiency()
    assert eff["efficiency"].between(0.4, 0.95).all()
    sr2201 = eff.set_index("list").loc["1996-06", "efficiency"]
    assert sr2201 == pytest.approx(220.4 / 307.2)
    broken = moore.top500_history()
    broken.loc[0, "rank1_rmax_gflops"] = 2 * broken.loc[0, "rank1_rpeak_gflops"]
    monkeypatch.setattr(moore, "top500_history", lambda: broken)
    with pytest.raises(ValueError, match="exceeds its Rpeak"):
        moore.hpl_efficiency()


def test_compute_prices_peak_and_price_performance():
    prices = moore.compute_prices().set_index("name")
    assert prices.loc["GeForce GTX 1080", "peak_fp32_gflops"] == pytest.approx(2560 * 1.733 * 2)
    xeon = prices.loc["Xeon E5-2699 v4"]
    assert xeon["peak_fp32_gflops"] == pytest.approx(22 * 2.2 * 32)
    fit = moore.price_performance_fit()
    assert fit.n == (prices["kind"] == "gpu").sum()
    assert 18 < fit.doubling_months < 48  # FLOP/s per dollar grows, but more slowly than FLOP/s
    fig, _ = moore.plot_price_performance()
    import matplotlib.pyplot as plt

    plt.close(fig)
