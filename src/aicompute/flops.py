"""Counting a network's floating-point operations by formula, layer by layer.

A layer's FLOPs are counted the way the FLOP/s of hardware are: one multiply and one add per
term of every dot product, i.e. two FLOPs per multiply-accumulate (MAC).

* A 2-D convolution with ``C`` input channels, ``O`` filters of ``k x k``, over an output of
  ``H_out x W_out`` positions for each of ``B`` images, computes ``B * O * H_out * W_out`` dot
  products of length ``C * k * k``: ``2 * B * O * H_out * W_out * C * k * k`` FLOPs.
* A fully connected (linear) layer of ``n_in`` inputs and ``n_out`` outputs computes
  ``B * n_out`` dot products of length ``n_in``: ``2 * B * n_in * n_out`` FLOPs.

Biases, activation functions and the softmax add one or a few FLOPs per *output* element, a
fraction of a percent for the layers of this book; :func:`elementwise_flops` counts them
separately so that the main count stays comparable with PyTorch's own counter
(:func:`torch_flops`, ``torch.utils.flop_counter.FlopCounterMode``), which counts only the
matrix products and convolutions.

Layers are described by :class:`aicompute.im2col.ConvShape` (convolution, shared with chapter 5)
and :class:`LinearShape` here. :func:`network_flops` checks that consecutive layers fit together
(channels, feature counts) before adding them up, so a mistyped layer list fails loudly.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass

import pandas as pd

from aicompute import validate
from aicompute.im2col import ConvShape

__all__ = [
    "LinearShape",
    "Layer",
    "conv2d_output_size",
    "conv2d_flops",
    "linear_flops",
    "layer_flops",
    "layer_weights",
    "network_flops",
    "elementwise_flops",
    "flops_table",
    "torch_flops",
]


def _positive_int(name: str, value) -> int:
    return validate.positive_integer(name, value)


@dataclass(frozen=True)
class LinearShape:
    """A fully connected layer ``out = W @ in + b``, ``W`` of ``out_features x in_features``."""

    in_features: int
    out_features: int
    _: KW_ONLY
    batch: int = 1

    def __post_init__(self) -> None:
        for name in ("in_features", "out_features", "batch"):
            object.__setattr__(self, name, _positive_int(name, getattr(self, name)))

    @property
    def flops(self) -> int:
        """``2 * batch * in_features * out_features``."""
        return linear_flops(self.in_features, self.out_features, batch=self.batch)


Layer = ConvShape | LinearShape


def conv2d_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one axis: ``(size + 2 * padding - kernel) // stride + 1``."""
    size = _positive_int("size", size)
    kernel = _positive_int("kernel", kernel)
    stride = _positive_int("stride", stride)
    if isinstance(padding, bool):
        raise ValueError(f"padding must be an integer, got {padding!r}")
    try:
        padding = operator.index(padding)
    except TypeError:
        raise ValueError(f"padding must be an integer, got {padding!r}") from None
    if padding < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    if kernel > size + 2 * padding:
        raise ValueError(
            f"kernel {kernel} is larger than the padded input {size + 2 * padding} "
            f"({size} + 2 x padding {padding})"
        )
    return (size + 2 * padding - kernel) // stride + 1


def conv2d_flops(
    in_channels: int,
    out_channels: int,
    kernel: int,
    *,
    height: int,
    width: int,
    stride: int = 1,
    padding: int = 0,
    batch: int = 1,
) -> int:
    """FLOPs of a square-kernel convolution: ``2 * B * O * H_out * W_out * C * k * k``."""
    in_channels = _positive_int("in_channels", in_channels)
    out_channels = _positive_int("out_channels", out_channels)
    batch = _positive_int("batch", batch)
    out_h = conv2d_output_size(height, kernel, stride, padding)
    out_w = conv2d_output_size(width, kernel, stride, padding)
    return 2 * batch * out_channels * out_h * out_w * in_channels * kernel * kernel


def linear_flops(in_features: int, out_features: int, *, batch: int = 1) -> int:
    """FLOPs of a fully connected layer: ``2 * batch * in_features * out_features``."""
    return (
        2
        * _positive_int("batch", batch)
        * _positive_int("in_features", in_features)
        * _positive_int("out_features", out_features)
    )


def layer_flops(layer: Layer) -> int:
    """FLOPs of one layer (convolution or linear), by the formulas above."""
    if isinstance(layer, ConvShape):
        return conv2d_flops(
            layer.in_channels,
            layer.out_channels,
            layer.kernel,
            height=layer.height,
            width=layer.width,
            stride=layer.stride,
            padding=layer.padding,
            batch=layer.batch,
        )
    if isinstance(layer, LinearShape):
        return layer.flops
    raise ValueError(f"layer must be a ConvShape or LinearShape, got {type(layer).__name__}")


def layer_weights(layer: Layer) -> int:
    """Number of weights of one layer (without biases)."""
    if isinstance(layer, ConvShape):
        return layer.out_channels * layer.in_channels * layer.kernel**2
    if isinstance(layer, LinearShape):
        return layer.in_features * layer.out_features
    raise ValueError(f"layer must be a ConvShape or LinearShape, got {type(layer).__name__}")


def _outputs(layer: Layer) -> int:
    """Output elements per image (per batch entry)."""
    if isinstance(layer, ConvShape):
        return layer.out_channels * layer.out_height * layer.out_width
    return layer.out_features


def _check_chain(layers: Mapping[str, Layer]) -> None:
    """Each layer must take what the previous one produces (channels, size, feature count)."""
    validate.instance("layers", layers, Mapping, "a dict of layer shapes (name -> shape)")
    if not layers:
        raise ValueError("a network needs at least one layer")
    previous_name, previous = None, None
    for name, layer in layers.items():
        if not isinstance(layer, ConvShape | LinearShape):
            raise ValueError(f"layer {name!r} is a {type(layer).__name__}, not a layer shape")
        if previous is not None:
            if layer.batch != previous.batch:
                raise ValueError(
                    f"layer {name!r} has batch {layer.batch}, {previous_name!r} {previous.batch}"
                )
            if isinstance(layer, ConvShape) and isinstance(previous, ConvShape):
                if layer.in_channels != previous.out_channels:
                    raise ValueError(
                        f"mismatched channels: layer {name!r} expects {layer.in_channels} input "
                        f"channels but {previous_name!r} produces {previous.out_channels}"
                    )
                if (layer.height, layer.width) != (previous.out_height, previous.out_width):
                    raise ValueError(
                        f"layer {name!r} expects {layer.height}x{layer.width} inputs but "
                        f"{previous_name!r} produces {previous.out_height}x{previous.out_width}"
                    )
            elif isinstance(layer, LinearShape):
                if layer.in_features != _outputs(previous):
                    raise ValueError(
                        f"layer {name!r} expects {layer.in_features} inputs but "
                        f"{previous_name!r} produces {_outputs(previous)} values"
                    )
            else:
                raise ValueError(f"layer {name!r}: a convolution cannot follow a linear layer")
        previous_name, previous = name, layer


def network_flops(layers: Mapping[str, Layer]) -> int:
    """Total FLOPs of a chain of layers (name -> shape), after checking that they fit together."""
    _check_chain(layers)
    return sum(layer_flops(layer) for layer in layers.values())


def elementwise_flops(layers: Mapping[str, Layer], *, softmax: bool = False) -> int:
    """FLOPs outside the dot products: one bias add and one activation per output element.

    With ``softmax=True`` the last layer's outputs also pay about three FLOPs each (exponential,
    sum, division), counting an exponential as one FLOP, as hardware peaks do not.
    """
    _check_chain(layers)
    total = sum(2 * layer.batch * _outputs(layer) for layer in layers.values())
    if softmax:
        last = list(layers.values())[-1]
        total += 3 * last.batch * _outputs(last)
    return total


def _shape_text(layer: Layer) -> str:
    if isinstance(layer, ConvShape):
        return (
            f"conv {layer.kernel}×{layer.kernel}, {layer.in_channels}→{layer.out_channels}, "
            f"pad {layer.padding}, {layer.height}×{layer.width}"
        )
    return f"linear {layer.in_features}→{layer.out_features}"


def flops_table(layers: Mapping[str, Layer]) -> pd.DataFrame:
    """One row per layer: what it is, its weights, MFLOP and share of the network's FLOPs."""
    total = network_flops(layers)
    rows = [
        {
            "layer": name,
            "shape": _shape_text(layer),
            "weights": layer_weights(layer),
            "MFLOP": layer_flops(layer) / 1e6,
            "share (%)": 100 * layer_flops(layer) / total,
        }
        for name, layer in layers.items()
    ]
    return pd.DataFrame(rows).set_index("layer")


def torch_flops(model, example) -> int:
    """FLOPs of ``model(example)`` as PyTorch's ``FlopCounterMode`` counts them (an independent
    check of the formulas: it counts 2 FLOPs per MAC of convolutions and matrix products)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    if not isinstance(example, torch.Tensor):
        raise ValueError(f"example must be a torch.Tensor, got {type(example).__name__}")
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(example)
    return int(counter.get_total_flops())
