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
:func:`time_layer` times the three ways (loops, im2col + GEMM, PyTorch) on one layer, and
:func:`audit` checks the chapter-5 claims of the report (제2장 제4절): the lowering itself, the
intensity argument, and the report's own matrix shapes for AlphaGo (192×9 and 9×69312).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from aicompute import data, validate
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check
from aicompute.timing import Timing, benchmark

__all__ = [
    "ConvShape",
    "im2col",
    "conv2d_gemm",
    "conv2d_naive",
    "shape_of",
    "ALPHAGO_FIRST",
    "ALPHAGO_3X3",
    "REPORT_LOWERING",
    "lowering_table",
    "report_board_matrix",
    "k40_balance",
    "max_lowering_error",
    "LayerTiming",
    "time_layer",
    "audit",
]


def _as_int(name: str, value) -> int:
    return validate.integer(name, value)


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
            f"x must be a 4-D NCHW array (batch, channels, height, width), got shape {x.shape}"
        )
    if 0 in x.shape:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"x must be numeric, got dtype {x.dtype}")
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


# --------------------------------------------------------------------------------------------
# AlphaGo's convolution layers (Silver et al. 2016, Methods): a 19 x 19 board, 48 input planes,
# 192 filters; the first layer 5 x 5 with zero padding 2, hidden layers 2-12 3 x 3 with padding 1,
# stride 1 throughout. Written out here so that this module does not import
# ``aicompute.alphago`` (which imports ConvShape from here); chapter 6 builds the full networks.
ALPHAGO_FIRST = ConvShape(48, 192, 5, padding=2, height=19, width=19)
ALPHAGO_3X3 = ConvShape(192, 192, 3, padding=1, height=19, width=19)

# What the report's shapes describe: F (192 x 9) @ D (9 x 69312) is the lowering of a 3 x 3
# convolution of ONE input channel, applied to a batch of 192 separate 19 x 19 planes.
REPORT_LOWERING = ConvShape(1, 192, 3, padding=1, height=19, width=19, batch=192)


def lowering_table(shapes: dict[str, ConvShape], itemsize: int = 4) -> pd.DataFrame:
    """One row per named layer: its GEMM shape, FLOPs, memory blow-up and arithmetic intensity.

    Bytes are at ``itemsize`` bytes per element (4: float32); intensity is FLOPs over the bytes
    of the GEMM's two operands and result, each moved once, and with the im2col copy added.
    """
    validate.instance("shapes", shapes, dict, "a dict of name -> ConvShape")
    if not shapes:
        raise ValueError("give at least one named ConvShape")
    rows = []
    for name, shape in shapes.items():
        if not isinstance(shape, ConvShape):
            raise ValueError(f"{name!r} is not a ConvShape: {shape!r}")
        m, n, k = shape.gemm_shape
        rows.append(
            {
                "layer": name,
                "filter matrix (M × K)": f"{m:,} × {k:,}",
                "lowered matrix (K × N)": f"{k:,} × {n:,}",
                "MFLOP": shape.flops / 1e6,
                "input (MiB)": shape.input_elements * _check_itemsize(itemsize) / 2**20,
                "lowered (MiB)": shape.lowered_bytes(itemsize) / 2**20,
                "blow-up (×)": shape.blowup,
                "intensity (FLOP/B)": shape.arithmetic_intensity(itemsize),
                "with im2col copy (FLOP/B)": shape.arithmetic_intensity(
                    itemsize, include_lowering=True
                ),
            }
        )
    return pd.DataFrame(rows).set_index("layer")


def report_board_matrix(x) -> np.ndarray:
    """The report's D for a 3 x 3, padding-1 layer: shape ``(9, C*H*W)`` for one image ``x``.

    It is im2col with the channels treated as a batch of one-channel images, i.e. the layer's
    lowered matrix ``(C*9, H*W)`` with the channel factor moved from the rows to the columns.
    """
    x = _check_input(x)
    if x.shape[0] != 1:
        raise ValueError(f"the report's D is for one board (batch 1), got batch {x.shape[0]}")
    _, channels, height, width = x.shape
    return im2col(x.reshape(channels, 1, height, width), 3, 1, 1)


# --------------------------------------------------------------------------------------------
# The report's claims (제2장 제4절; data/claims/ch5.csv) and their audit
# --------------------------------------------------------------------------------------------


def k40_balance() -> tuple[float, float, float]:
    """Peak FP32 FLOP/s, memory bandwidth (B/s) and their ratio (the ridge point, FLOP/byte)
    of the Tesla K40, the GPU of the report's arithmetic, from the curated ``im2col_k40`` table."""
    table = data.load("im2col_k40").set_index("fact")
    peak = float(table.loc["peak_fp32", "value"])
    bandwidth = float(table.loc["memory_bandwidth", "value"])
    return peak, bandwidth, peak / bandwidth


def max_lowering_error(seed: int = 0) -> float:
    """Largest relative difference between im2col + GEMM and the seven loops (float64).

    Small seeded layers with batch, channels, stride and padding; deterministic and fast.
    """
    rng = np.random.default_rng(validate.integer("seed", seed))
    worst = 0.0
    for batch, channels, size, filters, kernel, stride, padding in [
        (2, 3, 7, 4, 3, 1, 1),
        (1, 4, 9, 3, 5, 2, 2),
        (1, 2, 6, 2, 2, 1, 0),
    ]:
        x = rng.standard_normal((batch, channels, size, size))
        w = rng.standard_normal((filters, channels, kernel, kernel))
        reference = conv2d_naive(x, w, stride, padding)
        lowered = conv2d_gemm(x, w, stride, padding)
        worst = max(worst, float(np.abs(lowered - reference).max() / np.abs(reference).max()))
    return worst


def _shape_text(rows: int, cols: int) -> str:
    return f"{rows:,} × {cols:,}"


@audits("ch5.report-lowering-shapes")
def _report_shapes_finding(claim: Claim) -> Finding:
    m, n, k = ALPHAGO_3X3.gemm_shape
    rm, rn, rk = REPORT_LOWERING.gemm_shape
    report_f, report_d = (192, 9), (9, 69312)  # the report's F and D
    shapes_hold = report_f == (m, k) and report_d == (k, n)
    # the report offers the shapes "by analogy": an analogy that keeps the work is misleading
    same_work = REPORT_LOWERING.flops == ALPHAGO_3X3.flops
    if shapes_hold:
        verdict = Verdict.HOLDS
    else:
        verdict = Verdict.MISLEADING if same_work else Verdict.DOES_NOT_HOLD
    return check(
        claim,
        None,
        verdict=verdict,
        ours_text=f"F {_shape_text(m, k)}, D {_shape_text(k, n)}",
        note=(
            "offered as an analogy, so judged as one: it keeps the work but not the layer. "
            f"A 3×3 filter spans all 192 input planes: K = 192 × 9 = {k:,} terms per output, "
            "not 9; 69,312 = 192 planes × 361 points belongs to D's rows, not its columns. "
            "The report's F·D is the lowering of a one-channel 3×3 convolution over a batch "
            f"of 192 planes: {rm}×{rn:,} outputs instead of {m}×{n}, {rm * rk:,} weights "
            f"instead of {ALPHAGO_3X3.weights:,}. Its FLOP count "
            f"({REPORT_LOWERING.flops / 1e6:.1f} M; layer {ALPHAGO_3X3.flops / 1e6:.1f} M) "
            f"and D's size ({REPORT_LOWERING.lowered_elements:,} elements; layer "
            f"{ALPHAGO_3X3.lowered_elements:,}) are all that carry over"
        ),
    )


@audits("ch5.conv-is-matmul")
def _conv_is_matmul_finding(claim: Claim) -> Finding:
    error = max_lowering_error()
    exact = error < 1e-12
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if exact else Verdict.DOES_NOT_HOLD,
        ours_text=f"im2col + one GEMM = the loops (largest relative difference {error:.0e})",
        note=(
            f"the duplication: each input value is copied into up to k² columns, "
            f"{ALPHAGO_3X3.blowup:g}× the input for a 3×3 layer, "
            f"{ALPHAGO_FIRST.blowup:g}× for AlphaGo's 5×5 first layer"
        ),
    )


@audits("ch5.cnn-inherits-gemm-intensity")
def _gemm_intensity_finding(claim: Claim) -> Finding:
    _, _, ridge = k40_balance()
    intensity = ALPHAGO_3X3.arithmetic_intensity(4)
    with_lowering = ALPHAGO_3X3.arithmetic_intensity(4, include_lowering=True)
    report_intensity = REPORT_LOWERING.arithmetic_intensity(4)
    return check(
        claim,
        intensity,
        verdict=Verdict.HOLDS if with_lowering > ridge else Verdict.DOES_NOT_HOLD,
        ours_text=(
            f"{intensity:.0f} FLOP/byte ({with_lowering:.0f} counting the im2col copy) "
            f"vs the K40's ridge point {ridge:.1f}"
        ),
        note=(
            "AlphaGo's 3×3 layer, FP32, batch 1, each operand moved once: above the ridge, "
            f"so compute-bound; the report's own 192×9 · 9×69,312 shapes would give "
            f"{report_intensity:.1f} FLOP/byte, below it"
        ),
    )


def audit() -> list[Finding]:
    """Every chapter-5 claim, recomputed from the layer shapes and the K40 datasheet."""
    return audit_chapter(5)


# --------------------------------------------------------------------------------------------
# Timing one layer three ways: the loops, im2col + GEMM, and torch
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerTiming:
    """Measured seconds of one layer computed three ways, and how they compare.

    The seven loops are timed on ``naive_shape`` (a few channels of the layer) and scaled up by
    FLOPs, since their cost is the same per term: ``naive_seconds`` is an extrapolation.
    """

    shape: ConvShape
    naive_shape: ConvShape
    naive: Timing
    lowering: Timing
    gemm: Timing
    torch: Timing
    max_difference: float

    @property
    def naive_seconds(self) -> float:
        """Loops over the whole layer, extrapolated from the subset by FLOPs (s)."""
        return self.naive.median * self.shape.flops / self.naive_shape.flops

    @property
    def loops_over_gemm(self) -> float:
        """How many times faster im2col + GEMM is than the loops."""
        return self.naive_seconds / self.gemm.median

    @property
    def gemm_over_torch(self) -> float:
        """How many times slower im2col + GEMM is than PyTorch's convolution (1 = as fast)."""
        return self.gemm.median / self.torch.median

    @property
    def lowering_share(self) -> float:
        """Fraction of the im2col + GEMM time spent building the lowered matrix."""
        return self.lowering.median / self.gemm.median

    def rates(self) -> dict[str, float]:
        """FLOP/s of each method (the loops' rate as measured on the subset)."""
        return {
            "loops (extrapolated)": self.shape.flops / self.naive_seconds,
            "im2col + GEMM (NumPy)": self.gemm.rate(self.shape.flops),
            "torch conv2d": self.torch.rate(self.shape.flops),
        }


def _interleaved(functions, rounds: int) -> list[Timing]:
    """Time several functions in alternating rounds, so that a change in the machine's load
    (other programs) affects all of them alike; each round contributes one sample per function
    (the median of a short :func:`benchmark`)."""
    rounds = _as_int("repeat", rounds)
    if rounds < 3:
        raise ValueError(f"repeat must be at least 3, got {rounds}")
    numbers = [benchmark(fn, repeat=3, warmup=1, device="cpu").number for fn in functions]
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(rounds):
        for fn, number, collected in zip(functions, numbers, samples, strict=True):
            collected.append(benchmark(fn, repeat=3, warmup=0, number=number, device="cpu").median)
    return [
        Timing(samples=tuple(collected), number=number, device="cpu")
        for collected, number in zip(samples, numbers, strict=True)
    ]


def time_layer(
    shape: ConvShape,
    *,
    naive_in_channels: int = 4,
    naive_out_channels: int = 1,
    repeat: int = 5,
    seed: int = 0,
) -> LayerTiming:
    """Time ``shape`` (float32) by the loops (on a channel subset), im2col + GEMM and torch.

    The fast methods are timed in ``repeat`` interleaved rounds (see :func:`_interleaved`), with
    as many threads as NumPy's BLAS and torch are set to use. Checks first that im2col + GEMM
    and ``torch.nn.functional.conv2d`` agree on the full layer.
    """
    validate.instance("shape", shape, ConvShape)
    import torch
    import torch.nn.functional as F

    naive_in_channels = _as_int("naive_in_channels", naive_in_channels)
    naive_out_channels = _as_int("naive_out_channels", naive_out_channels)
    if not 1 <= naive_in_channels <= shape.in_channels:
        raise ValueError(
            f"naive_in_channels must be 1..{shape.in_channels}, got {naive_in_channels}"
        )
    if not 1 <= naive_out_channels <= shape.out_channels:
        raise ValueError(
            f"naive_out_channels must be 1..{shape.out_channels}, got {naive_out_channels}"
        )
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((shape.batch, shape.in_channels, shape.height, shape.width))
    w = rng.standard_normal((shape.out_channels, shape.in_channels, shape.kernel, shape.kernel))
    x = x.astype(np.float32)
    w = w.astype(np.float32) / np.float32(np.sqrt(shape.in_channels * shape.kernel**2))
    s, p = shape.stride, shape.padding
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)

    ours = conv2d_gemm(x, w, s, p)
    theirs = F.conv2d(xt, wt, stride=s, padding=p).numpy()
    difference = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
    if difference > 1e-4:
        raise RuntimeError(f"im2col + GEMM differs from torch by {difference:.2g} (relative)")

    xs = np.ascontiguousarray(x[:, :naive_in_channels])
    ws = np.ascontiguousarray(w[:naive_out_channels, :naive_in_channels])
    naive_shape = shape_of(xs, ws, s, p)
    naive = benchmark(
        lambda: conv2d_naive(xs, ws, s, p), repeat=3, warmup=1, number=1, device="cpu"
    )
    with torch.no_grad():
        lowering, gemm, conv = _interleaved(
            [
                lambda: im2col(x, shape.kernel, s, p),
                lambda: conv2d_gemm(x, w, s, p),
                lambda: F.conv2d(xt, wt, stride=s, padding=p),
            ],
            rounds=repeat,
        )
    return LayerTiming(shape, naive_shape, naive, lowering, gemm, conv, difference)
