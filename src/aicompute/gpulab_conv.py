"""Lab 4: convolution by im2col + GEMM on any array module, cuDNN's convolution, AlphaGo's rate.

The report (제2장 제4절) prices AlphaGo by its convolutions and assumes a K40 running cuDNN at
"about 1.2 TFLOPS" (Chetlur et al. 2014). Lab 4 measures, on the device in hand:

* one AlphaGo layer computed by explicit lowering (:func:`im2col_xp`, then one GEMM) in CuPy
  (NumPy without a GPU) against ``torch.nn.functional.conv2d`` (cuDNN on a GPU, oneDNN on a CPU);
* whole-network evaluations per second at batch 1 and batched, in FP32, TF32, FP16 and BF16
  where the device supports them, each checked against a float64 evaluation first.

:func:`im2col_xp` builds the lowered matrix with ``k^2`` strided slices, so the same code runs
on NumPy and CuPy arrays (``aicompute.im2col.im2col`` is the NumPy-only reference it is tested
against).
"""

from __future__ import annotations

import contextlib
import importlib
import types
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from aicompute import backend, flops, timing, validate
from aicompute.im2col import ConvShape

__all__ = [
    "PRECISIONS",
    "TOLERANCE",
    "GPU_WARMUP_SECONDS",
    "array_module_of",
    "im2col_xp",
    "conv2d_gemm_xp",
    "time_layer",
    "supported",
    "evaluation_rate",
    "network_flops",
    "rate_table",
    "plot_rates",
]

PRECISIONS = ("fp32", "tf32", "fp16", "bf16")
#: Relative error bound of a whole-network output against float64, per precision (13 layers of
#: rounding: 16-bit formats lose a few significant bits more than one GEMM does).
TOLERANCE = {"fp64": 1e-10, "fp32": 1e-4, "tf32": 1e-2, "fp16": 1e-2, "bf16": 3e-2}
#: Boards of each batch checked against float64 before timing.
CHECK_BOARDS = 4
#: Seconds each GPU measurement keeps running before it is timed (back to the working clock).
GPU_WARMUP_SECONDS = 0.2


def array_module_of(array, name: str = "array") -> types.ModuleType:
    """NumPy for NumPy arrays, CuPy for CuPy arrays (without importing CuPy needlessly);
    ``name`` is the argument named in the error otherwise."""
    if isinstance(array, np.ndarray):
        return np
    module = type(array).__module__.split(".")[0]
    if module == "cupy":
        return importlib.import_module("cupy")
    raise ValueError(f"{name} must be a NumPy or CuPy array, got {type(array).__name__}")


def _check_geometry(x, kernel: int, stride: int, padding: int) -> tuple[int, int]:
    if getattr(x, "ndim", None) != 4:
        raise ValueError(f"input must be a 4-D NCHW array, got shape {getattr(x, 'shape', None)}")
    for name, value, low in (("kernel", kernel, 1), ("stride", stride, 1), ("padding", padding, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer of at least {low}, got {value!r}")
    _, _, height, width = x.shape
    out_h = (height + 2 * padding - kernel) // stride + 1
    out_w = (width + 2 * padding - kernel) // stride + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f"kernel {kernel} does not fit a {height}x{width} input with padding {padding}"
        )
    return out_h, out_w


def im2col_xp(x, kernel: int, stride: int = 1, padding: int = 0):
    """Lowered matrix ``(C*k*k, B*H_out*W_out)`` of ``x`` (NCHW), on ``x``'s own device.

    Same row and column order as :func:`aicompute.im2col.im2col`: row ``c*k*k + i*k + j``,
    column ``n*H_out*W_out + y*W_out + x``.
    """
    xp = array_module_of(x, "x")
    out_h, out_w = _check_geometry(x, kernel, stride, padding)
    batch, channels, _, _ = x.shape
    padded = xp.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    cols = xp.empty((channels, kernel, kernel, batch, out_h, out_w), dtype=x.dtype)
    for i in range(kernel):
        for j in range(kernel):
            window = padded[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
            cols[:, i, j] = window.transpose(1, 0, 2, 3)
    return cols.reshape(channels * kernel * kernel, batch * out_h * out_w)


def conv2d_gemm_xp(x, w, stride: int = 1, padding: int = 0):
    """Convolution (cross-correlation) of ``x`` (B, C, H, W) by ``w`` (O, C, k, k).

    im2col on ``x``'s device, then one GEMM of the flattened filters with the lowered matrix.
    """
    array_module_of(x, "x")
    if getattr(w, "ndim", None) != 4 or w.shape[2] != w.shape[3]:
        raise ValueError(
            f"weights must be (O, C, k, k) with a square kernel, got {getattr(w, 'shape', None)}"
        )
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"weights expect {w.shape[1]} input channels, input has {x.shape[1]}")
    if array_module_of(w) is not array_module_of(x):
        raise ValueError("input and weights must live on the same device")
    out_h, out_w = _check_geometry(x, w.shape[2], stride, padding)
    lowered = im2col_xp(x, w.shape[2], stride, padding)
    product = w.reshape(w.shape[0], -1) @ lowered  # (O, B*H_out*W_out): one GEMM
    product = product.reshape(w.shape[0], x.shape[0], out_h, out_w)
    return product.transpose(1, 0, 2, 3)


def _layer_operands(shape: ConvShape, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 1.5, (shape.batch, shape.in_channels, shape.height, shape.width))
    w = rng.uniform(
        -1.0, 1.0, (shape.out_channels, shape.in_channels, shape.kernel, shape.kernel)
    ) / np.sqrt(shape.in_channels * shape.kernel**2)
    return x.astype(np.float32), w.astype(np.float32)


@contextlib.contextmanager
def _tf32(enabled: bool):
    """Allow or forbid TF32 in PyTorch's CUDA matmuls and cuDNN convolutions, then restore."""
    torch = importlib.import_module("torch")
    before = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def time_layer(
    shape: ConvShape, *, xp=None, device=None, repeat: int = 5, seed: int = 0
) -> dict[str, float | str]:
    """Time one FP32 layer by im2col + GEMM on ``xp`` and by ``torch`` conv2d on ``device``.

    Both results are checked against float64 first (relative error at most 1e-4; TF32 is
    switched off so both sides compute in FP32). Returns seconds and GFLOP/s of each method.
    On a GPU each method runs for :data:`GPU_WARMUP_SECONDS` before it is timed: the float64
    check on the host leaves the GPU idle, and an idle GPU drops its clock.
    """
    validate.instance("shape", shape, ConvShape)
    import torch
    import torch.nn.functional as F

    xp = xp if xp is not None else backend.array_module()
    device = torch.device(device if device is not None else backend.torch_device())
    x, w = _layer_operands(shape, seed)
    s, p = shape.stride, shape.padding
    reference = F.conv2d(
        torch.from_numpy(x).double(), torch.from_numpy(w).double(), stride=s, padding=p
    ).numpy()
    x_xp, w_xp = xp.asarray(x), xp.asarray(w)
    x_t, w_t = torch.from_numpy(x).to(device), torch.from_numpy(w).to(device)
    with _tf32(False):
        ours = backend.to_numpy(conv2d_gemm_xp(x_xp, w_xp, s, p))
        theirs = F.conv2d(x_t, w_t, stride=s, padding=p).cpu().numpy()
        for label, got in (("im2col + GEMM", ours), ("torch conv2d", theirs)):
            error = float(np.linalg.norm(got - reference) / np.linalg.norm(reference))
            if not error <= 1e-4:
                raise ValueError(f"{label} is wrong: relative error {error:.2e}")
        lowering = timing.benchmark(
            lambda: im2col_xp(x_xp, shape.kernel, s, p),
            repeat=repeat,
            gpu_warmup_seconds=GPU_WARMUP_SECONDS,
            device=xp,
        )
        gemm = timing.benchmark(
            lambda: conv2d_gemm_xp(x_xp, w_xp, s, p),
            repeat=repeat,
            gpu_warmup_seconds=GPU_WARMUP_SECONDS,
            device=xp,
        )
        conv = timing.benchmark(
            lambda: F.conv2d(x_t, w_t, stride=s, padding=p),
            repeat=repeat,
            gpu_warmup_seconds=GPU_WARMUP_SECONDS,
            device=device,
        )
    return {
        "batch": shape.batch,
        "im2col_s": lowering.median,
        "im2col_gemm_s": gemm.median,
        "torch_s": conv.median,
        "im2col_gemm_gflops": shape.flops / gemm.median / 1e9,
        "torch_gflops": shape.flops / conv.median / 1e9,
        "lowering_share": lowering.median / gemm.median,
        "xp": "cupy" if backend.on_gpu(xp) else "numpy",
        "torch_device": device.type,
    }


def supported(precision: str, device: str) -> tuple[bool, str]:
    """Can PyTorch evaluate a network in ``precision`` on ``device`` here, fast? And why not."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device == "cpu":
        if precision in ("fp32", "bf16"):
            return True, "PyTorch CPU (oneDNN)"
        return False, f"{precision.upper()} has no fast CPU path"
    status = backend.cuda_precision_support(precision)
    return (True, "cuDNN") if status.usable else (False, status.reason)


def _dtype(precision: str):
    torch = importlib.import_module("torch")
    return {
        "fp32": torch.float32,
        "tf32": torch.float32,
        "fp16": torch.float16,
        "bf16": torch.bfloat16,
    }[precision]


def network_flops(net, board: tuple[int, int, int] = (48, 19, 19)) -> int:
    """FLOPs of one evaluation of ``net`` on one board, as PyTorch's ``FlopCounterMode`` counts
    them (2 per multiply-add of convolutions and matrix products), via ``flops.torch_flops``."""
    import torch

    validate.instance("net", net, torch.nn.Module, "a torch.nn.Module")
    if len(board) != 3 or min(board) < 1:
        raise ValueError(f"board must be (planes, height, width), got {board}")
    first = next(net.parameters())
    example = torch.zeros((1, *board), dtype=first.dtype, device=first.device)
    total = flops.torch_flops(net, example)
    if total == 0:
        raise ValueError("the network has no convolution or matrix product to count")
    return total


def evaluation_rate(
    net,
    batch: int,
    precision: str,
    device: str,
    *,
    board: tuple[int, int, int] = (48, 19, 19),
    repeat: int = 5,
    seed: int = 0,
) -> dict[str, float | str | int]:
    """Board evaluations per second of ``net`` at ``batch`` boards per call.

    The network's output in ``precision`` is first compared with a float64 evaluation of the
    same weights on the first :data:`CHECK_BOARDS` boards (random 0/1 feature planes, as
    AlphaGo's inputs are binary); raises ``ValueError`` beyond :data:`TOLERANCE`. ``net`` is
    not modified (a copy is cast).
    """
    import copy

    import torch

    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    ok, why = supported(precision, device)
    if not ok:
        raise ValueError(f"cannot evaluate in {precision} on {device}: {why}")
    generator = torch.Generator().manual_seed(seed)
    boards = torch.randint(0, 2, (batch, *board), generator=generator).float()
    dev = torch.device(device)
    checked = min(batch, CHECK_BOARDS)  # the check needs a few boards, not the whole batch
    reference_net = copy.deepcopy(net).to(device=dev, dtype=torch.float64).eval()
    with torch.no_grad():
        reference = reference_net(boards[:checked].to(device=dev, dtype=torch.float64)).cpu()
    del reference_net
    dtype = _dtype(precision)
    fmt = (
        torch.channels_last
        if dev.type == "cuda" and precision != "fp32"
        else torch.contiguous_format
    )
    model = copy.deepcopy(net).to(device=dev, dtype=dtype, memory_format=fmt).eval()
    inputs = boards.to(device=dev, dtype=dtype).contiguous(memory_format=fmt)
    with torch.no_grad(), _tf32(precision == "tf32"):
        got = model(inputs[:checked]).double().cpu()
        error = float(torch.linalg.norm(got - reference) / torch.linalg.norm(reference))
        if not error <= TOLERANCE[precision]:
            raise ValueError(f"{precision} evaluation differs from float64 by {error:.2e}")
        t = timing.benchmark(
            lambda: model(inputs),
            repeat=repeat,
            warmup=2,
            device=dev,
            gpu_warmup_seconds=GPU_WARMUP_SECONDS,
        )
    per_evaluation = network_flops(net, board)
    return {
        "precision": precision,
        "device": device,
        "batch": batch,
        "seconds": t.median,
        "evaluations_per_s": batch / t.median,
        "tflops": batch * per_evaluation / t.median / 1e12,
        "rel_error": error,
    }


def rate_table(
    net,
    batches: Sequence[int],
    precisions: Sequence[str],
    device: str,
    *,
    board: tuple[int, int, int] = (48, 19, 19),
    repeat: int = 5,
) -> pd.DataFrame:
    """:func:`evaluation_rate` for every supported precision and batch, as one table."""
    batches = validate.positive_integers("batches", batches)
    precisions = validate.sequence("precisions", precisions, "a list of precision names")
    if not batches or not precisions:
        raise ValueError("give at least one batch size and one precision")
    rows = []
    for precision in precisions:
        if not supported(precision, device)[0]:
            continue
        for batch in batches:
            rows.append(evaluation_rate(net, batch, precision, device, board=board, repeat=repeat))
    if not rows:
        raise ValueError(f"none of {list(precisions)} is supported on {device}")
    return pd.DataFrame(rows)


def plot_rates(rates: pd.DataFrame, references: dict[str, float], *, title: str = ""):
    """Evaluations per second against batch, one line per precision; ``references`` (label:
    evaluations per second) drawn as horizontal lines. Returns ``(fig, ax)``."""
    from matplotlib.ticker import NullFormatter

    from aicompute import plotting

    if validate.frame("rates", rates, ["precision", "batch", "evaluations_per_s"]).empty:
        raise ValueError("nothing to plot: the table is empty")
    validate.instance("references", references, Mapping, "a dict of label -> evaluations/s")
    fig, ax = plotting.new_figure(
        "boards per call (batch)", "evaluations per second (1/s)", logx=True, logy=True, title=title
    )
    for index, (precision, group) in enumerate(rates.groupby("precision", sort=False)):
        ax.plot(
            group["batch"],
            group["evaluations_per_s"],
            marker=plotting.MARKERS[index % 8],
            color=plotting.color_for(index),
            label=f"measured, {precision.upper()}",
        )
    values = list(rates["evaluations_per_s"])
    for index, (label, value) in enumerate(references.items()):
        value = validate.positive_number(f"reference {label!r}", value)
        ax.axhline(
            value,
            color=plotting.OKABE_ITO["black"],
            linestyle=(":", "--", "-.")[index % 3],
            label=label,
        )
        values.append(value)
    ax.set_ylim(min(values) / 2, max(values) * 6)  # room for the legend above the lines
    batches = sorted(set(int(b) for b in rates["batch"]))
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.xaxis.set_minor_formatter(NullFormatter())
    fig.legend(loc="outside lower center", ncols=2, fontsize=9)  # off the curves
    return fig, ax
