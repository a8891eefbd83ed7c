"""Tests of the im2col lowering: shapes, validation, and agreement with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aicompute.im2col import ConvShape, conv2d_gemm, conv2d_naive, im2col, shape_of

CASES = [  # batch, channels, height, width, filters, kernel, stride, padding
    (2, 3, 7, 6, 4, 3, 1, 1),
    (1, 2, 9, 9, 3, 5, 2, 2),
    (3, 4, 5, 8, 2, 2, 3, 0),
    (1, 1, 4, 4, 1, 1, 1, 0),
]


def _random(case, seed=0):
    batch, channels, height, width, filters, kernel, _, _ = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, channels, height, width))
    w = rng.standard_normal((filters, channels, kernel, kernel))
    return x, w


@pytest.mark.parametrize("case", CASES)
def test_gemm_and_naive_match_torch_conv2d(case):
    x, w = _random(case)
    stride, padding = case[6], case[7]
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=stride, padding=padding)
    np.testing.assert_allclose(conv2d_gemm(x, w, stride, padding), expected.numpy(), atol=1e-12)
    np.testing.assert_allclose(conv2d_naive(x, w, stride, padding), expected.numpy(), atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_im2col_matches_torch_unfold(case):
    x, _ = _random(case)
    kernel, stride, padding = case[5], case[6], case[7]
    unfolded = F.unfold(torch.from_numpy(x), kernel, padding=padding, stride=stride).numpy()
    # unfold: (B, C*k*k, L); ours: (C*k*k, B*L) with images side by side.
    expected = unfolded.transpose(1, 0, 2).reshape(unfolded.shape[1], -1)
    lowered = im2col(x, kernel, stride, padding)
    assert lowered.shape == expected.shape
    np.testing.assert_array_equal(lowered, expected)


def test_im2col_small_example_by_hand():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    lowered = im2col(x, 2)
    # Four 2x2 patches, one per column, in row-major order of the output.
    expected = np.array([[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]], dtype=float)
    np.testing.assert_array_equal(lowered, expected)


def test_float32_stays_float32():
    x, w = _random(CASES[0])
    out = conv2d_gemm(x.astype(np.float32), w.astype(np.float32), 1, 1)
    assert out.dtype == np.float32


def test_alphago_layer_shapes():
    first = ConvShape(48, 192, 5, padding=2, height=19, width=19)
    middle = ConvShape(192, 192, 3, padding=1, height=19, width=19)
    assert (first.out_height, first.out_width) == (19, 19)
    assert first.gemm_shape == (192, 361, 1200)
    assert middle.gemm_shape == (192, 361, 1728)
    assert middle.flops == 2 * 192 * 361 * 1728
    assert middle.lowered_bytes(4) == 1728 * 361 * 4
    assert middle.blowup == 9.0
    assert first.blowup == 25.0
    assert middle.weights == 192 * 192 * 9
    assert middle.gemm_bytes(4) == 4 * (192 * 1728 + 1728 * 361 + 192 * 361)
    assert middle.arithmetic_intensity(4) == pytest.approx(middle.flops / middle.gemm_bytes(4))
    assert middle.arithmetic_intensity(4, include_lowering=True) < middle.arithmetic_intensity(4)


def test_shape_with_stride_and_batch():
    shape = ConvShape(3, 8, 3, stride=2, padding=1, height=10, width=7, batch=4)
    assert (shape.out_height, shape.out_width) == (5, 4)
    assert shape.gemm_shape == (8, 4 * 5 * 4, 27)
    x = np.zeros((4, 3, 10, 7))
    assert im2col(x, 3, 2, 1).shape == (27, 80)
    assert shape_of(x, np.zeros((8, 3, 3, 3)), 2, 1) == shape


def test_convshape_accepts_numpy_integers():
    shape = ConvShape(np.int64(2), 3, 3, height=np.int32(5), width=5)
    assert shape.in_channels == 2 and isinstance(shape.height, int)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(padding=-1), "padding must be non-negative"),
        (dict(kernel=7), "larger than the padded input"),
        (dict(stride=0), "stride must be positive"),
        (dict(height=0), "height must be positive"),
        (dict(in_channels=-3), "in_channels must be positive"),
        (dict(batch=0), "batch must be positive"),
        (dict(kernel=2.5), "kernel must be an integer"),
        (dict(width=True), "width must be an integer"),
    ],
)
def test_convshape_rejects_bad_layers(kwargs, message):
    args = dict(in_channels=2, out_channels=3, kernel=3, height=5, width=5) | kwargs
    with pytest.raises(ValueError, match=message):
        ConvShape(**args)


def test_kernel_fits_once_padded():
    assert ConvShape(1, 1, 7, padding=1, height=5, width=5).out_height == 1


def test_bad_inputs_raise_clear_errors():
    x = np.zeros((1, 3, 5, 5))
    with pytest.raises(ValueError, match="mismatched channels"):
        conv2d_gemm(x, np.zeros((4, 2, 3, 3)))
    with pytest.raises(ValueError, match="mismatched channels"):
        conv2d_naive(x, np.zeros((4, 2, 3, 3)))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d_gemm(x, np.zeros((4, 3, 7, 7)), padding=0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        im2col(x, 8, padding=1)
    with pytest.raises(ValueError, match="padding must be non-negative"):
        im2col(x, 3, padding=-1)
    with pytest.raises(ValueError, match="padding must be non-negative"):
        conv2d_gemm(x, np.zeros((4, 3, 3, 3)), padding=-2)
    with pytest.raises(ValueError, match="4-D NCHW"):
        im2col(np.zeros((3, 5, 5)), 3)
    with pytest.raises(ValueError, match="square kernels"):
        conv2d_gemm(x, np.zeros((4, 3, 3, 2)))
    with pytest.raises(ValueError, match="itemsize"):
        ConvShape(1, 1, 1, height=1, width=1).lowered_bytes(3)


def test_report_shapes_are_a_one_channel_batch():
    from aicompute.im2col import ALPHAGO_3X3, REPORT_LOWERING

    assert REPORT_LOWERING.gemm_shape == (192, 69312, 9)
    assert 192 * 361 == 69312
    # Same FLOPs and the same number of lowered elements, but not the same product.
    assert REPORT_LOWERING.flops == ALPHAGO_3X3.flops
    assert REPORT_LOWERING.lowered_elements == ALPHAGO_3X3.lowered_elements
    assert REPORT_LOWERING.output_elements == 192 * ALPHAGO_3X3.output_elements
    assert REPORT_LOWERING.arithmetic_intensity(4) < ALPHAGO_3X3.arithmetic_intensity(4) / 10


def test_k40_balance_from_the_curated_table():
    from aicompute.im2col import k40_balance

    peak, bandwidth, ridge = k40_balance()
    assert peak == pytest.approx(4.29e12)
    assert bandwidth == pytest.approx(288e9)
    assert ridge == pytest.approx(peak / bandwidth)


def test_audit_is_deterministic_and_covers_chapter_5():
    from aicompute import claims
    from aicompute.im2col import audit

    first, second = audit(), audit()
    assert [f.claim.id for f in first] == [c.id for c in claims.registered(5)]  # table order
    assert [(f.verdict, f.ours_text) for f in first] == [(f.verdict, f.ours_text) for f in second]
    verdicts = {f.claim.id: f.verdict for f in first}
    # offered "by analogy": it keeps the work but not the layer
    assert verdicts["ch5.report-lowering-shapes"] is claims.Verdict.MISLEADING
    assert verdicts["ch5.conv-is-matmul"] is claims.Verdict.HOLDS


def test_max_lowering_error_is_rounding_only():
    from aicompute.im2col import max_lowering_error

    assert 0 <= max_lowering_error() < 1e-12


def test_time_layer_on_a_small_layer():
    from aicompute.im2col import time_layer

    shape = ConvShape(4, 3, 3, padding=1, height=6, width=6)
    timing = time_layer(shape, naive_in_channels=2, naive_out_channels=1, repeat=3)
    assert timing.naive_shape.gemm_shape == (1, 36, 18)
    assert timing.max_difference < 1e-5
    assert timing.naive_seconds == pytest.approx(timing.naive.median * shape.flops / (2 * 36 * 18))
    assert set(timing.rates()) == {"loops (extrapolated)", "im2col + GEMM (NumPy)", "torch conv2d"}
    with pytest.raises(ValueError, match="naive_in_channels"):
        time_layer(shape, naive_in_channels=5)


def test_report_board_matrix_rearranges_the_lowered_matrix():
    from aicompute.im2col import report_board_matrix

    x = np.random.default_rng(1).standard_normal((1, 5, 4, 4))
    d_report = report_board_matrix(x)
    d_layer = im2col(x, 3, 1, 1)  # (5*9, 16)
    assert d_report.shape == (9, 5 * 16)
    np.testing.assert_array_equal(
        d_layer.reshape(5, 9, 16).transpose(1, 0, 2).reshape(9, -1), d_report
    )
    with pytest.raises(ValueError, match="batch 1"):
        report_board_matrix(np.zeros((2, 5, 4, 4)))


def test_lowering_table_rows():
    from aicompute.im2col import ALPHAGO_3X3, lowering_table

    table = lowering_table({"3x3": ALPHAGO_3X3})
    row = table.loc["3x3"]
    assert row["filter matrix (M × K)"] == "192 × 1,728"
    assert row["blow-up (×)"] == 9.0
    assert row["lowered (MiB)"] == pytest.approx(1728 * 361 * 4 / 2**20)
    with pytest.raises(ValueError, match="at least one"):
        lowering_table({})
    with pytest.raises(ValueError, match="not a ConvShape"):
        lowering_table({"bad": (1, 2, 3)})
