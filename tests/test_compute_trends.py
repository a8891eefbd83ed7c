"""Chapter 9: growth fits of training compute, 6ND, accelerators since 2017, the forecasts."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aicompute import compute_trends as ct
from aicompute import moore
from aicompute.claims import Verdict, registered

# The course's reference data sit in ../shared beside the clone; a developer whose checkout is
# elsewhere can point AICOMPUTE_REFERENCE_DATA at that folder.
REFERENCE = Path(
    os.environ.get(
        "AICOMPUTE_REFERENCE_DATA",
        Path(__file__).resolve().parents[2] / "shared" / "data" / "reference",
    )
)
EPOCH_MODELS = REFERENCE / "epoch_notable_ai_models_subset.csv"
EPOCH_HARDWARE = REFERENCE / "epoch_ml_hardware.csv"
BIB = (Path(__file__).resolve().parent.parent / "references.bib").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def models() -> pd.DataFrame:
    return ct.notable_models()


# --- the curated tables ---------------------------------------------------------------------


def test_notable_models_table_is_well_formed(models: pd.DataFrame) -> None:
    assert models["model"].is_unique
    assert (models["source"] == "epoch2025notable").all()
    assert models["year"].between(1950, 2026).all()
    assert (models["training_compute_flop"] > 0).all()
    per_year = models[models["top3"]].groupby(models["year"].astype(int)).size()
    assert per_year.max() == 3
    for name in ("AlphaGo Lee", "AlphaGo Zero", "AlexNet", "GPT-3 175B (davinci)"):
        assert name in set(models["model"]), name


def test_llm_tokens_cite_papers_and_match_models(models: pd.DataFrame) -> None:
    tokens = ct.llm_tokens()
    assert set(tokens["model"]) <= set(models["model"])
    for source in tokens["source"]:
        assert f"{{{source.split(';')[0].strip()}," in BIB, source
    assert (tokens["tokens"] > tokens["active_parameters"]).all()


@pytest.mark.skipif(
    not EPOCH_MODELS.exists(),
    reason="reference data not found: ../shared/data/reference (Epoch AI snapshot) is absent",
)
def test_curated_models_match_the_epoch_snapshot(models: pd.DataFrame) -> None:
    """Every value equals Epoch's, and the top-three rows are exactly the rule's selection."""
    epoch = pd.read_csv(EPOCH_MODELS)
    epoch = epoch[epoch["Training compute (FLOP)"].notna() & epoch["Publication date"].notna()]
    indexed = epoch.drop_duplicates("Model").set_index("Model")
    for row in models.itertuples():
        source = indexed.loc[row.model]
        assert source["Publication date"] == row.date, row.model
        assert math.isclose(
            source["Training compute (FLOP)"], row.training_compute_flop, rel_tol=1e-5
        ), row.model
        if pd.notna(row.parameters):
            assert math.isclose(source["Parameters"], row.parameters, rel_tol=1e-5), row.model
        for column, ours in (
            ("Hardware quantity", row.hardware_quantity),
            ("Training time (hours)", row.training_hours),
            ("Training compute cost (2023 USD)", row.training_cost_2023_usd),
        ):
            assert pd.isna(ours) == pd.isna(source[column]), (row.model, column)
            if pd.notna(ours):
                assert math.isclose(source[column], ours, rel_tol=1e-5), (row.model, column)
    epoch = epoch.assign(
        calendar=epoch["Publication date"].str[:4].astype(int), order=range(len(epoch))
    )
    top = (
        epoch.sort_values(["Training compute (FLOP)", "order"], ascending=[False, True])
        .groupby("calendar")
        .head(3)
    )
    assert set(top["Model"]) == set(models.loc[models["top3"], "model"])


@pytest.mark.skipif(
    not EPOCH_HARDWARE.exists(),
    reason="reference data not found: ../shared/data/reference (Epoch AI hardware) is absent",
)
def test_new_accelerator_rows_agree_with_epoch() -> None:
    """16-bit tensor peak within 1 % and bandwidth within 5 % of Epoch's for the rows since 2023."""
    epoch = pd.read_csv(EPOCH_HARDWARE).set_index("Hardware name")
    pairs = {
        "Instinct MI300X": "AMD Instinct MI300X",
        "B200": "NVIDIA B200",
        "TPU v4": "Google TPU v4",
        "TPU v5e": "Google TPU v5e",
        "TPU v5p": "Google TPU v5p",
    }
    table = ct.training_accelerators().set_index("name")
    for ours, theirs in pairs.items():
        peak = epoch.loc[theirs, "Tensor-FP16/BF16 performance (FLOP/s)"] / 1e12
        bandwidth = epoch.loc[theirs, "Memory bandwidth (byte/s)"] / 1e9
        assert table.loc[ours, "tensor_tflops"] == pytest.approx(peak, rel=0.01), ours
        assert table.loc[ours, "mem_bw_gbs"] == pytest.approx(bandwidth, rel=0.05), ours


# --- fitting growth ---------------------------------------------------------------------------


def test_decimal_year() -> None:
    assert ct.decimal_year(["2016-01-01"])[0] == pytest.approx(2016 + 0.5 / 366)
    assert ct.decimal_year(["2017-12-31"])[0] == pytest.approx(2017 + 364.5 / 365)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        ct.decimal_year(["2016/01/01"])


def test_compute_fit_recovers_a_known_doubling() -> None:
    """Synthetic models doubling every 6 months exactly give 6 months with a tight interval."""
    years = np.arange(2010, 2020, 0.25)
    table = pd.DataFrame(
        {
            "year": years,
            "training_compute_flop": 1e18 * 2 ** ((years - 2010) * 2),
            "top3": True,
        }
    )
    fit = ct.compute_fit(2012, 2018, table=table)
    assert fit.doubling_months == pytest.approx(6.0)
    assert fit.n == 24
    assert min(fit.years) >= 2012 and max(fit.years) < 2018
    assert ct.fit_window(fit) == "2012-01 to 2017-10"
    assert ct.fit_window(moore.fit_growth([2017, 2020, 2024], [1, 2, 5])) == "2017 to 2024"


def test_era_fits_show_the_deep_learning_break() -> None:
    fits = ct.era_fits()
    before = fits[f"before {ct.SPLIT_YEAR}"]
    since = fits["since the report"]
    # Before 2010 compute doubled at about Moore's pace; since the report far faster.
    assert 12 < before.doubling_months < 30
    assert since.doubling_months_ci[1] < before.doubling_months_ci[0]
    assert since.doubling_months_ci[1] < moore.transistor_fit().doubling_months
    assert max(fits[f"before {ct.SPLIT_YEAR}"].years) < ct.SPLIT_YEAR
    assert min(since.years) >= ct.REPORT_YEAR


def test_fit_table_states_window_and_both_intervals() -> None:
    table = ct.fit_table(ct.era_fits())
    assert list(table.index) == [label for label, _, _ in ct.ERAS]
    assert table["models"].min() >= 20
    assert table["first to last model"].str.fullmatch(r"\d{4}-\d\d to \d{4}-\d\d").all()


def test_bootstrap_interval_contains_the_fit() -> None:
    fit = ct.compute_fit(ct.REPORT_YEAR)
    low, high = ct.bootstrap_doubling_months(fit, resamples=500)
    assert low < fit.doubling_months < high
    assert ct.bootstrap_doubling_months(fit, resamples=500) == (low, high)  # seeded
    with pytest.raises(ValueError, match="resamples"):
        ct.bootstrap_doubling_months(fit, resamples=10)


def test_per_year_selection_is_a_subset() -> None:
    one = ct.compute_fit(ct.SPLIT_YEAR, per_year=1)
    three = ct.compute_fit(ct.SPLIT_YEAR)
    assert one.n < three.n
    assert one.doubling_months > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": 2020, "end": 2010}, "before"),
        ({"start": math.nan}, "finite"),
        ({"start": 2025.5}, "at least 3"),
        ({"per_year": 4}, "per_year"),
    ],
)
def test_compute_fit_rejects_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ct.compute_fit(**kwargs)


def test_doublings_above_trend() -> None:
    fit = ct.compute_fit(ct.SPLIT_YEAR, ct.REPORT_YEAR)
    on_line = float(fit.predict([2015.0])[0])
    assert ct.doublings_above_trend(fit, 2015.0, on_line) == pytest.approx(0.0, abs=1e-9)
    assert ct.doublings_above_trend(fit, 2015.0, 4 * on_line) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        ct.doublings_above_trend(fit, 2015.0, -1.0)


# --- 6ND and compute-optimal models ------------------------------------------------------------


def test_training_flop_and_compute_optimal() -> None:
    assert ct.training_flop(175e9, 300e9) == pytest.approx(3.15e23)
    parameters, tokens = ct.compute_optimal(5.88e23)
    assert parameters == pytest.approx(70e9, rel=1e-9)  # Chinchilla
    assert tokens == pytest.approx(1.4e12, rel=1e-9)
    assert ct.inference_break_even_tokens(70e9, 1.4e12) == pytest.approx(3 * 1.4e12)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_training_flop_rejects_bad_input(bad: float) -> None:
    with pytest.raises(ValueError):
        ct.training_flop(bad, 1e12)
    with pytest.raises(ValueError):
        ct.compute_optimal(bad)
    with pytest.raises(TypeError):
        ct.training_flop("70e9", 1e12)


def test_six_nd_matches_epoch_for_most_models() -> None:
    table = ct.six_nd_check()
    close = table["Epoch / 6ND"].between(0.9, 1.1)
    assert close.sum() >= 0.75 * len(table)
    utilisation = table["implied utilisation"].dropna()
    assert len(utilisation) >= 4
    assert utilisation.between(0.05, 1.0).all()


# --- hardware -----------------------------------------------------------------------------


def test_training_accelerators_since_2017() -> None:
    table = ct.training_accelerators()
    names = set(table["name"])
    assert {"Tesla V100 SXM2", "H100 SXM", "H200 SXM", "B200", "Instinct MI300X"} <= names
    assert {"TPU v4", "TPU v5p"} <= names
    assert not {"Tesla T4", "L4"} & names
    row = table.set_index("name").loc["H100 SXM"]
    assert row["tensor_ridge"] == pytest.approx(989e12 / 3350e9)
    fits = ct.hardware_fits(table)
    assert fits["16-bit tensor peak"].slope > fits["memory bandwidth"].slope > 0
    with pytest.raises(ValueError, match="no training accelerators"):
        ct.training_accelerators(2030)


def test_costs_grow_while_cost_per_flop_falls() -> None:
    costs = ct.training_costs()
    assert len(costs) >= 15
    assert (costs["usd_per_flop"] > 0).all()
    fits = ct.cost_fits(costs)
    assert fits["cost of a run"].slope_ci[0] > 0
    assert fits["cost per FLOP"].slope_ci[1] < 0


def test_run_time_seconds() -> None:
    assert ct.run_time_seconds(1e18, 1e15) == pytest.approx(1000)
    assert ct.run_time_seconds(1e18, 1e15, 0.5) == pytest.approx(2000)
    with pytest.raises(ValueError, match="at most 1"):
        ct.run_time_seconds(1e18, 1e15, 1.5)


# --- the claims ---------------------------------------------------------------------------


def test_every_chapter_9_claim_is_audited_with_a_computed_verdict() -> None:
    findings = ct.audit()
    assert [f.claim.id for f in findings] == [c.id for c in registered(9)]
    by_id = {f.claim.id: f for f in findings}
    assert by_id["ch9.demand-surging"].verdict is Verdict.HOLDS
    assert by_id["ch9.demand-doubles-3y"].verdict is Verdict.DOES_NOT_HOLD
    assert by_id["ch9.demand-doubles-3y"].ours > 10
    assert by_id["ch9.alphago-zero-hpc"].ours > 100
    gpu, tpu, named = ct.gpu_share_since()
    assert gpu + tpu >= named
    assert by_id["ch9.gpu-mainstream"].ours == pytest.approx(100 * gpu / named)
    for finding in findings:
        assert finding.note and finding.ours_text
