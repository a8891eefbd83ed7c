"""Lab 4 helpers: device-generic im2col, the layer timing, network FLOPs and evaluation rates."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aicompute import gpulab_conv as gc
from aicompute import im2col


@pytest.mark.parametrize(
    "kernel, stride, padding", [(1, 1, 0), (3, 1, 1), (5, 1, 2), (3, 2, 0), (2, 3, 1)]
)
def test_im2col_xp_matches_the_numpy_reference(kernel, stride, padding) -> None:
    x = np.random.default_rng(kernel).uniform(0.5, 1.5, (2, 3, 9, 8)).astype(np.float32)
    np.testing.assert_array_equal(
        gc.im2col_xp(x, kernel, stride, padding), im2col.im2col(x, kernel, stride, padding)
    )


def test_conv2d_gemm_xp_matches_torch() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 1.5, (2, 4, 19, 19))
    w = rng.uniform(-1, 1, (6, 4, 3, 3))
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1)
    np.testing.assert_allclose(gc.conv2d_gemm_xp(x, w, 1, 1), want.numpy(), rtol=1e-12)


def test_bad_input_raises() -> None:
    x = np.ones((1, 2, 5, 5), np.float32)
    with pytest.raises(ValueError):
        gc.im2col_xp(x[0], 3)
    with pytest.raises(ValueError):
        gc.im2col_xp(x, 7)  # kernel larger than the padded input
    with pytest.raises(ValueError):
        gc.im2col_xp(x, 3, stride=0)
    with pytest.raises(ValueError):
        gc.conv2d_gemm_xp(x, np.ones((4, 3, 3, 3), np.float32))  # channel mismatch
    with pytest.raises(ValueError):
        gc.conv2d_gemm_xp(x, np.ones((4, 2, 3, 2), np.float32))  # not square
    with pytest.raises(ValueError):
        gc.array_module_of([1, 2, 3])


def test_time_layer_on_the_cpu(cpu_only) -> None:
    shape = im2col.ConvShape(8, 16, 3, padding=1, height=9, width=9, batch=2)
    row = gc.time_layer(shape, repeat=3)
    assert row["xp"] == "numpy" and row["torch_device"] == "cpu"
    assert row["im2col_gemm_gflops"] == pytest.approx(shape.flops / row["im2col_gemm_s"] / 1e9)
    assert 0 < row["lowering_share"]


def _tiny_net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(4, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 1, 1),
        torch.nn.Flatten(),
        torch.nn.Linear(25, 3),
    )


def test_network_flops_counts_conv_and_linear() -> None:
    # conv 3x3: 2 * (8*5*5 outputs) * (4*3*3); conv 1x1: 2 * 25 * 8; linear: 2 * 3 * 25
    assert gc.network_flops(_tiny_net(), (4, 5, 5)) == 2 * 200 * 36 + 2 * 25 * 8 + 2 * 3 * 25
    with pytest.raises(ValueError):
        gc.network_flops(_tiny_net(), (4, 5))


def test_evaluation_rate_checks_against_float64(cpu_only) -> None:
    net = _tiny_net()
    before = [p.clone() for p in net.parameters()]
    row = gc.evaluation_rate(net, 4, "fp32", "cpu", board=(4, 5, 5), repeat=3)
    assert row["batch"] == 4 and row["evaluations_per_s"] > 0
    assert 0 < row["rel_error"] <= gc.TOLERANCE["fp32"]
    bf16 = gc.evaluation_rate(net, 2, "bf16", "cpu", board=(4, 5, 5), repeat=3)
    assert gc.TOLERANCE["fp32"] < bf16["rel_error"] <= gc.TOLERANCE["bf16"]
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert next(net.parameters()).dtype == torch.float32  # the caller's net is not cast


def test_rates_refuse_unsupported_cases(cpu_only) -> None:
    net = _tiny_net()
    with pytest.raises(ValueError):
        gc.evaluation_rate(net, 0, "fp32", "cpu", board=(4, 5, 5))
    with pytest.raises(ValueError):
        gc.evaluation_rate(net, 1, "fp16", "cpu", board=(4, 5, 5))
    with pytest.raises(ValueError):
        gc.evaluation_rate(net, 1, "fp32", "cuda", board=(4, 5, 5))
    with pytest.raises(ValueError):
        gc.supported("int8", "cpu")
    assert not gc.supported("tf32", "cuda")[0]
    with pytest.raises(ValueError):
        gc.rate_table(net, [1], ["fp16"], "cpu")
    with pytest.raises(ValueError):
        gc.rate_table(net, [], ["fp32"], "cpu")


def test_plot_rates() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    rates = pd.DataFrame(
        {
            "precision": ["fp32", "fp32", "bf16"],
            "batch": [1, 8, 1],
            "evaluations_per_s": [40.0, 45.0, 70.0],
        }
    )
    fig, ax = gc.plot_rates(rates, {"report": 40.0})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "8"]
    plt.close(fig)
    with pytest.raises(ValueError):
        gc.plot_rates(rates, {"bad": 0.0})
    with pytest.raises(ValueError):
        gc.plot_rates(rates.iloc[0:0], {})
