"""Convolution as one matrix product: im2col ("lowering") and the GEMM it feeds.

A convolution layer with ``C`` input channels, ``O`` filters of size ``k x k``, stride ``s`` and
zero padding ``p`` over a batch of ``B`` images of ``H x W`` pixels computes, for every image
``n``, filter ``o`` and output position ``(y, x)``,

    out[n, o, y, x] = sum over c, i, j of  w[o, c, i, j] * x_pad[n, c, s*y + i, s*x + j].

im2col copies every ``C x k x k`` input patch into one column of a *lowered* matrix of shape
``(C*k*k, B*H_out*W_out)``; the filters, flattened, form a ``(O, C*k*k)`` matrix; and the whole
layer becomes one product of the two (Chetlur et al. 2014, cuDNN), which is why convolutional
networks inherit the high arithmetic intensity of GEMM. The price is memory: each input pixel
appears in up to ``k*k`` columns.

:class:`ConvShape` describes a layer and the shapes, bytes and FLOPs of its lowered product;
:func:`im2col`, :func:`conv2d_gemm` and :func:`conv2d_naive` compute it (NCHW layout, NumPy).
"""

from __future__ import annotations

import operator
from dataclasses import KW_ONLY, dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "ConvShape",
    "im2col",
    "conv2d_gemm",
    "conv2d_naive",
    "shape_of",
]


def _as_int(name: str, value) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _output_size(size: int, kernel: int, stride: int, padding: int, axis: str) -> int:
    padded = size + 2 * padding
    if kernel > padded:
        raise ValueError(
            f"kernel {kernel} is larger than the padded input {axis} {padded} "
            f"({size} + 2 x padding {padding})"
        )
    return (padded - kernel) // stride + 1


def _check_geometry(kernel, stride, padding) -> tuple[int, int, int]:
    kernel = _as_int("kernel", kernel)
    stride = _as_int("stride", stride)
    padding = _as_int("padding", padding)
    if kernel < 1:
        raise ValueError(f"kernel must be positive, got {kernel}")
    if stride < 1:
        raise ValueError(f"stride must be positive, got {stride}")
    if padding < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    return kernel, stride, padding


@dataclass(frozen=True)
class ConvShape:
    """A square-kernel 2-D convolution layer and the GEMM it lowers to.

    ``in_channels``, ``out_channels`` and ``kernel`` may be given by position; everything else
    by keyword, e.g. AlphaGo's first layer
    ``ConvShape(48, 192, 5, padding=2, height=19, width=19)``.

    The lowered product is ``(M x K) @ (K x N)`` with ``M = out_channels`` (one row per filter),
    ``K = in_channels * kernel**2`` (one patch: the sum of one output element) and
    ``N = batch * out_height * out_width`` (one column per output position).
    """

    in_channels: int
    out_channels: int
    kernel: int
    _: KW_ONLY
    stride: int = 1
    padding: int = 0
    height: int
    width: int
    batch: int = 1

    def __post_init__(self) -> None:
        for name in ("in_channels", "out_channels", "height", "width", "batch"):
            value = _as_int(name, getattr(self, name))
            if value < 1:
                raise ValueError(f"{name} must be positive, got {value}")
            object.__setattr__(self, name, value)
        kernel, stride, padding = _check_geometry(self.kernel, self.stride, self.padding)
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "stride", stride)
        object.__setattr__(self, "padding", padding)
        _output_size(self.height, kernel, stride, padding, "height")
        _output_size(self.width, kernel, stride, padding, "width")

    @property
    def out_height(self) -> int:
        """Rows of each output feature map."""
        return _output_size(self.height, self.kernel, self.stride, self.padding, "height")

    @property
    def out_width(self) -> int:
        """Columns of each output feature map."""
        return _output_size(self.width, self.kernel, self.stride, self.padding, "width")

    @property
    def gemm_shape(self) -> tuple[int, int, int]:
        """``(M, N, K)`` of the lowered product: filters, output positions, patch length."""
        return (
            self.out_channels,
            self.batch * self.out_height * self.out_width,
            self.in_channels * self.kernel**2,
        )

    @property
    def flops(self) -> int:
        """FLOPs of the layer (= of its GEMM): ``2 M N K``, a multiply and an add per term."""
        m, n, k = self.gemm_shape
        return 2 * m * n * k

    @property
    def weights(self) -> int:
        """Number of filter weights (elements of the ``M x K`` filter matrix), without biases."""
        m, _, k = self.gemm_shape
        return m * k

    @property
    def input_elements(self) -> int:
        """Elements of the (unpadded) input tensor ``B x C x H x W``."""
        return self.batch * self.in_channels * self.height * self.width

    @property
    def output_elements(self) -> int:
        """Elements of the output tensor ``B x O x H_out x W_out`` (= ``M N``)."""
        m, n, _ = self.gemm_shape
        return m * n

    @property
    def lowered_elements(self) -> int:
        """Elements of the lowered (im2col) matrix, ``K x N``."""
        _, n, k = self.gemm_shape
        return k * n

    def lowered_bytes(self, itemsize: int = 4) -> int:
        """Bytes of the lowered matrix at ``itemsize`` bytes per element (4 for float32)."""
        return self.lowered_elements * _check_itemsize(itemsize)

    @property
    def blowup(self) -> float:
        """How many times larger the lowered matrix is than the input it was copied from."""
        return self.lowered_elements / self.input_elements

    def gemm_bytes(self, itemsize: int = 4) -> int:
        """Least memory traffic of the GEMM: read both operands, write the result, once each."""
        m, n, k = self.gemm_shape
        return (m * k + k * n + m * n) * _check_itemsize(itemsize)

    def arithmetic_intensity(self, itemsize: int = 4, *, include_lowering: bool = False) -> float:
        """FLOPs per byte of the lowered GEMM (its best case: each operand moved once).

        With ``include_lowering=True`` the traffic of building the lowered matrix explicitly is
        added: read the input once and write the ``K x N`` matrix (which the GEMM then reads).
        """
        moved = self.gemm_bytes(itemsize)
        if include_lowering:
            moved += (self.input_elements + self.lowered_elements) * _check_itemsize(itemsize)
        return self.flops / moved


def _check_itemsize(itemsize) -> int:
    itemsize = _as_int("itemsize", itemsize)
    if itemsize not in (1, 2, 4, 8):
        raise ValueError(f"itemsize must be 1, 2, 4 or 8 bytes, got {itemsize}")
    return itemsize


def _check_input(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(
            f"input must be a 4-D NCHW array (batch, channels, height, width), got shape {x.shape}"
        )
    if 0 in x.shape:
        raise ValueError(f"input must not be empty, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"input must be numeric, got dtype {x.dtype}")
    return x


def _check_weights(w, channels: int) -> np.ndarray:
    w = np.asarray(w)
    if w.ndim != 4:
        raise ValueError(
            f"weights must be a 4-D array (out_channels, in_channels, k, k), got shape {w.shape}"
        )
    if w.shape[2] != w.shape[3]:
        raise ValueError(f"only square kernels are supported, got {w.shape[2]}x{w.shape[3]}")
    if w.shape[1] != channels:
        raise ValueError(
            f"weights expect {w.shape[1]} input channels but the input has {channels} "
            "(mismatched channels)"
        )
    if 0 in w.shape:
        raise ValueError(f"weights must not be empty, got shape {w.shape}")
    return w


def shape_of(x, w, stride: int = 1, padding: int = 0) -> ConvShape:
    """The :class:`ConvShape` of convolving input ``x`` (NCHW) with filters ``w`` (OCkk)."""
    x = _check_input(x)
    w = _check_weights(w, x.shape[1])
    batch, channels, height, width = x.shape
    return ConvShape(
        channels,
        w.shape[0],
        w.shape[2],
        stride=stride,
        padding=padding,
        height=height,
        width=width,
        batch=batch,
    )


def im2col(x, kernel: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """The lowered matrix of ``x`` (NCHW): shape ``(C*k*k, B*H_out*W_out)``, a new array.

    Row ``c*k*k + i*k + j`` holds input channel ``c`` at kernel offset ``(i, j)``; column
    ``n*H_out*W_out + y*W_out + x`` is output position ``(y, x)`` of image ``n``. This is the
    row order of ``torch.nn.functional.unfold`` (whose columns are per image).
    """
    x = _check_input(x)
    kernel, stride, padding = _check_geometry(kernel, stride, padding)
    batch, channels, height, width = x.shape
    out_h = _output_size(height, kernel, stride, padding, "height")
    out_w = _output_size(width, kernel, stride, padding, "width")
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    # A view (no copy): windows[n, c, y, x, i, j] = padded[n, c, y + i, x + j].
    windows = sliding_window_view(padded, (kernel, kernel), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :out_h, :out_w]
    # (C, k, k, B, H_out, W_out): the reshape copies, materialising the lowered matrix.
    lowered = windows.transpose(1, 4, 5, 0, 2, 3)
    return lowered.reshape(channels * kernel * kernel, batch * out_h * out_w)


def conv2d_gemm(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Convolution (cross-correlation, as in deep learning) by im2col then one GEMM.

    ``x`` is ``(B, C, H, W)``, ``w`` is ``(O, C, k, k)``; returns ``(B, O, H_out, W_out)``.
    """
    shape = shape_of(x, w, stride, padding)
    w = np.asarray(w)
    lowered = im2col(x, shape.kernel, shape.stride, shape.padding)
    product = w.reshape(shape.out_channels, -1) @ lowered  # (O, B*H_out*W_out)
    product = product.reshape(shape.out_channels, shape.batch, shape.out_height, shape.out_width)
    return np.ascontiguousarray(product.transpose(1, 0, 2, 3))


def conv2d_naive(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Convolution straight from its definition: seven nested Python loops, one term at a time.

    Slow on purpose (the baseline the lowering is measured against); keep inputs small.
    """
    shape = shape_of(x, w, stride, padding)
    x = np.asarray(x)
    w = np.asarray(w)
    p, s, k = shape.padding, shape.stride, shape.kernel
    padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).tolist()
    weights = w.tolist()
    out = [
        [[[0.0] * shape.out_width for _ in range(shape.out_height)] for _ in weights]
        for _ in range(shape.batch)
    ]
    for n in range(shape.batch):
        for o in range(shape.out_channels):
            for y in range(shape.out_height):
                for xo in range(shape.out_width):
                    total = 0.0
                    for c in range(shape.in_channels):
                        plane = padded[n][c]
                        filt = weights[o][c]
                        for i in range(k):
                            row = plane[s * y + i]
                            frow = filt[i]
                            for j in range(k):
                                total += frow[j] * row[s * xo + j]
                    out[n][o][y][xo] = total
    return np.asarray(out, dtype=np.result_type(x.dtype, w.dtype, np.float32))
