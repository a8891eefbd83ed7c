"""Tests of FLOP counting by formula: conv and linear layers, networks, and PyTorch's counter."""

from __future__ import annotations

import pytest
import torch

from aicompute.flops import (
    LinearShape,
    conv2d_flops,
    conv2d_output_size,
    elementwise_flops,
    flops_table,
    layer_flops,
    layer_weights,
    linear_flops,
    network_flops,
    torch_flops,
)
from aicompute.im2col import ConvShape


def test_conv2d_flops_small_case_by_hand():
    # 1 image, 2 channels, 4x4, three 3x3 filters, no padding: 2x2 outputs, 18 MACs each.
    assert conv2d_flops(2, 3, 3, height=4, width=4) == 2 * 3 * 2 * 2 * 2 * 9
    # Padding 1 keeps 4x4; stride 2 halves it; batch multiplies.
    assert conv2d_flops(2, 3, 3, height=4, width=4, padding=1) == 2 * 3 * 16 * 18
    assert conv2d_flops(2, 3, 3, height=4, width=4, padding=1, stride=2) == 2 * 3 * 4 * 18
    assert conv2d_flops(2, 3, 3, height=4, width=4, batch=5) == 5 * 2 * 3 * 4 * 18


@pytest.mark.parametrize(
    "args",
    [(48, 192, 5, 2, 1), (192, 192, 3, 1, 1), (3, 8, 4, 0, 2), (5, 2, 1, 0, 1)],
)
def test_conv2d_flops_agrees_with_convshape(args):
    c_in, c_out, k, p, s = args
    shape = ConvShape(c_in, c_out, k, padding=p, stride=s, height=19, width=17, batch=3)
    assert layer_flops(shape) == shape.flops
    assert layer_weights(shape) == shape.weights


def test_linear_flops():
    assert linear_flops(361, 256) == 2 * 361 * 256
    assert LinearShape(361, 256, batch=4).flops == 4 * 2 * 361 * 256
    assert layer_weights(LinearShape(10, 3)) == 30


def test_output_size():
    assert conv2d_output_size(19, 5, 1, 2) == 19
    assert conv2d_output_size(19, 3, 2, 1) == 10
    assert conv2d_output_size(3, 3) == 1


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d_flops(1, 1, 7, height=3, width=3, padding=1)
    with pytest.raises(ValueError, match="padding must be non-negative"):
        conv2d_flops(1, 1, 3, height=5, width=5, padding=-1)
    with pytest.raises(ValueError, match="in_channels must be positive"):
        conv2d_flops(0, 1, 3, height=5, width=5)
    with pytest.raises(ValueError, match="must be an integer"):
        conv2d_flops(1.5, 1, 3, height=5, width=5)
    with pytest.raises(ValueError, match="must be an integer"):
        linear_flops(True, 3)
    with pytest.raises(ValueError, match="out_features must be positive"):
        LinearShape(3, 0)
    with pytest.raises(ValueError, match="ConvShape or LinearShape"):
        layer_flops((3, 3))


def test_network_checks_that_layers_fit():
    a = ConvShape(4, 8, 3, padding=1, height=5, width=5)
    b = ConvShape(8, 2, 1, height=5, width=5)
    assert network_flops({"a": a, "b": b}) == a.flops + b.flops
    with pytest.raises(ValueError, match="mismatched channels"):
        network_flops({"a": a, "b": ConvShape(6, 2, 1, height=5, width=5)})
    with pytest.raises(ValueError, match="expects 5x5"):
        network_flops({"a": ConvShape(4, 8, 3, height=5, width=5), "b": b})
    with pytest.raises(ValueError, match="expects 49 inputs"):
        network_flops({"b": b, "fc": LinearShape(49, 3)})
    assert network_flops({"b": b, "fc": LinearShape(50, 3)}) == b.flops + 2 * 50 * 3
    with pytest.raises(ValueError, match="cannot follow a linear"):
        network_flops({"fc": LinearShape(50, 200), "b": b})
    with pytest.raises(ValueError, match="at least one layer"):
        network_flops({})


def test_elementwise_and_table():
    a = ConvShape(4, 8, 3, padding=1, height=5, width=5)
    fc = LinearShape(200, 3)
    assert elementwise_flops({"a": a, "fc": fc}) == 2 * 200 + 2 * 3
    assert elementwise_flops({"a": a, "fc": fc}, softmax=True) == 2 * 200 + 2 * 3 + 9
    table = flops_table({"a": a, "fc": fc})
    assert list(table.index) == ["a", "fc"]
    assert table["share (%)"].sum() == pytest.approx(100)
    assert table.loc["fc", "MFLOP"] == pytest.approx(1200 / 1e6)


def test_torch_counter_agrees_with_formula():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(4, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 2, 3, stride=2),
        torch.nn.Flatten(),
        torch.nn.Linear(2 * 2 * 2, 5),
    )
    layers = {
        "c1": ConvShape(4, 8, 3, padding=1, height=6, width=6, batch=3),
        "c2": ConvShape(8, 2, 3, stride=2, height=6, width=6, batch=3),
        "fc": LinearShape(8, 5, batch=3),
    }
    assert torch_flops(net, torch.zeros(3, 4, 6, 6)) == network_flops(layers)
    with pytest.raises(ValueError, match="torch.Tensor"):
        torch_flops(net, [[0.0]])


def test_numpy_integers_are_accepted():
    import numpy as np

    assert conv2d_output_size(np.int64(19), np.int64(3), 1, np.int64(1)) == 19
    with pytest.raises(ValueError, match="padding must be an integer"):
        conv2d_output_size(19, 3, 1, 1.0)
