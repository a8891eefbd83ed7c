"""Tests of AlphaGo's networks, their FLOP count, the report's arithmetic and the audit."""

from __future__ import annotations

import pytest
import torch

from aicompute import alphago
from aicompute.claims import Verdict
from aicompute.flops import network_flops, torch_flops


def test_layer_lists_follow_the_paper():
    policy = alphago.policy_layers()
    value = alphago.value_layers()
    assert len(policy) == 13
    assert [policy[f"conv{i}"].kernel for i in range(1, 14)] == [5] + [3] * 11 + [1]
    assert policy["conv1"].in_channels == 48 and value["conv1"].in_channels == 49
    assert all(layer.out_height == 19 for layer in policy.values())
    assert value["fc14"].in_features == 361 and value["fc15"].out_features == 1


def test_flop_count_by_hand():
    # 2 x 361 positions x 192 filters x (48 x 25 | 192 x 9) terms, plus the 1x1 layer.
    conv1 = 2 * 361 * 192 * 48 * 25
    hidden = 11 * 2 * 361 * 192 * 192 * 9
    last = 2 * 361 * 192
    assert alphago.policy_flops() == conv1 + hidden + last
    value_conv1 = 2 * 361 * 192 * 49 * 25
    assert alphago.value_flops() == value_conv1 + hidden + last + 2 * 361 * 256 + 2 * 256


@pytest.mark.parametrize("filters", [192, 16])
def test_flop_counter_mode_agrees(filters):
    boards = alphago.random_boards(2)
    policy = alphago.policy_network(filters)
    assert torch_flops(policy, boards) == network_flops(alphago.policy_layers(filters, batch=2))
    value = alphago.value_network(filters)
    boards49 = alphago.random_boards(2, 49)
    assert torch_flops(value, boards49) == network_flops(alphago.value_layers(filters, batch=2))


def test_networks_produce_probabilities_and_values():
    with torch.no_grad():
        probabilities = alphago.policy_network(16)(alphago.random_boards(3))
        values = alphago.value_network(16)(alphago.random_boards(3, 49))
    assert probabilities.shape == (3, 361)
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(3))
    assert values.shape == (3, 1) and bool((values.abs() <= 1).all())


def test_networks_are_seeded():
    a = alphago.policy_network(8, seed=1)
    b = alphago.policy_network(8, seed=1)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))


def test_bad_input():
    with pytest.raises(ValueError, match="filters"):
        alphago.policy_network(0)
    with pytest.raises(ValueError, match="batch"):
        alphago.random_boards(0)
    with pytest.raises(ValueError, match="planes"):
        alphago.report_conv_flops(0, 5, 192)
    with pytest.raises(ValueError, match="efficiency"):
        alphago.seconds_on(1e15, 1e12, efficiency=1.5)
    with pytest.raises(ValueError, match="peak_flops"):
        alphago.seconds_on(1e15, 0)
    with pytest.raises(ValueError, match="gpus"):
        alphago.SearchBudget(30e9, gpus=0)
    with pytest.raises(ValueError, match="no fact"):
        alphago.paper_fact("tpus")
    with pytest.raises(ValueError, match="4-D"):
        alphago.evaluation_rate(alphago.policy_network(8), torch.zeros(48, 19, 19))


def test_report_arithmetic_reproduced_exactly():
    assert alphago.report_conv_flops(48, 5, 192) == pytest.approx(4.159e9, rel=2e-4)
    assert alphago.report_conv_flops(192, 3, 192, layers=11) == pytest.approx(23.715e9, rel=2e-5)
    report = alphago.report_budget()
    assert report.evaluations_per_gpu_second == pytest.approx(40)
    assert report.evaluations_per_second == pytest.approx(7040)
    assert report.positions_per_second == pytest.approx(3520)
    assert report.positions == pytest.approx(105_600)
    assert alphago.search_flops(100_000, 2 * 30e9) == pytest.approx(6e15)
    assert alphago.seconds_on(6e15, alphago.report_pc_flops()) / 60 == pytest.approx(80.7, abs=0.1)


def test_report_formula_overcounts_by_the_kernel_area():
    ours = network_flops({"c": alphago.policy_layers()["conv1"]})
    assert alphago.report_conv_flops(48, 5, 192) == 25 * ours


def test_rank_for_uses_neighbouring_rows():
    assert alphago.rank_for(300e3, "2015-11") == 328
    assert alphago.rank_for(80e3, "2011-06") == 114
    assert alphago.rank_for(11.38, "1997-06") == 260  # a tie goes to the listed system
    with pytest.raises(ValueError, match="do not bracket"):
        alphago.rank_for(1e6, "2015-11")
    with pytest.raises(ValueError, match="no curated TOP500 rows"):
        alphago.rank_for(1e3, "1999-06")
    with pytest.raises(ValueError, match="positive"):
        alphago.rank_for(-1, "2015-11")


def test_search_time_table():
    table = alphago.search_time_table(6e15, extra={"cluster": 176 * 1.2e12})
    assert len(alphago.search_time_table(1e15, names=["Tesla K40"])) == 1
    with pytest.raises(ValueError, match="not in the datasheet"):
        alphago.search_time_table(1e15, names=["Deep Thought"])
    assert "cluster" in set(table["processor"])
    xeon = table[table["processor"] == "Xeon E5-2699 v4"].iloc[0]
    assert xeon["seconds"] / 60 == pytest.approx(80.7, abs=0.1)
    assert table["seconds"].is_monotonic_increasing


def test_audit_is_complete_and_deterministic():
    first, second = alphago.audit(), alphago.audit()
    assert [f.claim.id for f in first] == [f.claim.id for f in second]
    assert [f.verdict for f in first] == [f.verdict for f in second]
    verdicts = {f.claim.id: f.verdict for f in first}
    assert verdicts["ch6.evaluation-30-gflop"] is Verdict.DOES_NOT_HOLD
    assert verdicts["ch6.deep-blue-rank-259"] is Verdict.HOLDS
    assert verdicts["ch6.watson-80-tflops"] is Verdict.MISLEADING
    # Watson's rank: the list never names it, the listed cluster's clock differs
    assert verdicts["ch6.watson-rank-192"] is Verdict.UNCHECKABLE
    # ranks are judged as ranks: 328, not 382, but rank 382's Rmax is within "about 300"
    assert verdicts["ch6.alphago-rank-382"] is Verdict.ROUGHLY
    # the 80 minutes are the GPUs' 30-s budget on the CPU; the 100,000 is judged elsewhere
    assert verdicts["ch6.search-on-pc-80-minutes"] is Verdict.ROUGHLY
    assert verdicts["ch6.100k-positions-in-30s"] is Verdict.DOES_NOT_HOLD
    assert all(f.claim.chapter == 6 for f in first)


def test_a_rank_is_judged_through_the_rmax_behind_it():
    from aicompute import claims

    claim = claims.get("ch6.alphago-rank-382")
    rank = alphago.rank_for(300e3, "2015-11")
    # "about 300" covers rank 382's 269.2 TFLOP/s; a figure printed as 300.0 would not
    loose = alphago._rank_finding(claim, rank, "2015-11", "300", "TFLOP/s", "test")
    exact = alphago._rank_finding(claim, rank, "2015-11", "300.0", "TFLOP/s", "test")
    same = alphago._rank_finding(claim, 382, "2015-11", "300.0", "TFLOP/s", "test")
    assert loose.verdict is Verdict.ROUGHLY
    assert exact.verdict is Verdict.DOES_NOT_HOLD
    assert same.verdict is Verdict.HOLDS
