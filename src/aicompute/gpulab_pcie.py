"""The PCIe bottleneck: host-device transfer rates, and when offloading to the GPU pays.

A GPU computes on its own memory. Data on the host must first cross the PCIe link, an order of
magnitude slower than the GPU's memory (the report, 제2장 제3절: "PCIe는 GPU를 활용함에 있어 가장
먼저 직면하는 병목이다"). Lab 3 measures

* host-to-device (H2D) and device-to-host (D2H) bandwidth against transfer size, from *pageable*
  host memory (ordinary allocations, which the driver first copies into a pinned staging buffer)
  and from *pinned* (page-locked) memory, which the GPU's copy engines read directly;
* the end-to-end time of offloading a vector add (``c = a + b``) and a matrix product
  (``C = A B``): send the inputs, compute, bring the result back. The offload pays from the size
  at which that total beats the CPU computing in place.

Without a GPU the transfers cannot be measured. :func:`offload_model_seconds` then estimates the
offload from a link and a GPU's datasheet (a lower bound: full link rate, roofline-speed kernels),
and the CPU side is measured as usual, so the break-even argument can still be followed.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from aicompute import backend, timing, validate

__all__ = [
    "DIRECTIONS",
    "MEMORY_KINDS",
    "OFFLOAD_OPS",
    "transfer_bandwidth",
    "transfer_sweep",
    "offload_work",
    "offload_model_seconds",
    "cpu_seconds",
    "gpu_offload_seconds",
    "break_even",
    "offload_table",
    "host_copy_sweep",
    "device_copy_bandwidth",
    "datasheet_model",
    "model_from_tables",
    "plot_transfers",
    "plot_offload",
]

DIRECTIONS = ("h2d", "d2h")
MEMORY_KINDS = ("pageable", "pinned")
OFFLOAD_OPS = ("vadd", "gemm")


def _positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, got {value!r}")
    return int(value)


def _require_gpu() -> None:
    if not backend.torch_cuda_status().usable:
        raise ValueError(
            "transfers need a usable CUDA GPU through PyTorch: "
            f"{backend.torch_cuda_status().reason}"
        )


def transfer_bandwidth(
    nbytes: int, direction: str, memory: str, *, repeat: int = 7
) -> tuple[float, timing.Timing]:
    """Bandwidth (GB/s) of one ``nbytes`` copy between host and GPU, and its timing.

    ``direction`` is ``"h2d"`` or ``"d2h"``; ``memory`` is ``"pageable"`` or ``"pinned"``. The copy
    is checked (random bytes arrive unchanged) before it is timed. Needs a CUDA GPU.
    """
    nbytes = _positive_int("nbytes", nbytes)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if memory not in MEMORY_KINDS:
        raise ValueError(f"memory must be one of {MEMORY_KINDS}, got {memory!r}")
    _require_gpu()
    torch = importlib.import_module("torch")
    generator = torch.Generator().manual_seed(11)
    host = torch.randint(1, 256, (nbytes,), dtype=torch.uint8, generator=generator)
    if memory == "pinned":
        host = host.pin_memory()
    device = torch.empty(nbytes, dtype=torch.uint8, device="cuda")
    device.copy_(host)
    back = torch.empty_like(host)
    back.copy_(device)
    torch.cuda.synchronize()
    if not torch.equal(back, host):
        raise ValueError("a host-device round trip changed the data")
    pinned = memory == "pinned"
    if direction == "h2d":

        def copy():
            device.copy_(host, non_blocking=pinned)
    else:

        def copy():
            host.copy_(device, non_blocking=pinned)

    t = timing.benchmark(copy, repeat=repeat, warmup=2, device=torch.device("cuda"))
    return nbytes / t.median / 1e9, t


def transfer_sweep(sizes: Sequence[int], *, repeat: int = 5) -> pd.DataFrame:
    """Bandwidth of every direction and memory kind at every size (bytes). Needs a CUDA GPU."""
    sizes = validate.positive_integers("sizes", sizes)
    if not sizes:
        raise ValueError("give at least one size")
    rows = []
    for memory in MEMORY_KINDS:
        for direction in DIRECTIONS:
            for nbytes in sizes:
                gbs, t = transfer_bandwidth(nbytes, direction, memory, repeat=repeat)
                rows.append(
                    {
                        "direction": direction,
                        "memory": memory,
                        "bytes": int(nbytes),
                        "seconds": t.median,
                        "gbs": gbs,
                    }
                )
    return pd.DataFrame(rows)


def offload_work(op: str, n: int, itemsize: int = 4) -> dict[str, float]:
    """Work of offloading ``op`` at size ``n``: FLOPs, bytes sent, returned, moved on the GPU.

    ``vadd``: ``c = a + b`` on vectors of ``n`` (``n`` FLOPs; 2n elements in, n out).
    ``gemm``: ``C = A B`` on ``n x n`` matrices (``2 n^3`` FLOPs; 2n^2 in, n^2 out).
    """
    if op not in OFFLOAD_OPS:
        raise ValueError(f"op must be one of {OFFLOAD_OPS}, got {op!r}")
    n = _positive_int("n", n)
    if itemsize not in (2, 4, 8):
        raise ValueError(f"itemsize must be 2, 4 or 8, got {itemsize!r}")
    elements = float(n) if op == "vadd" else float(n) ** 2
    flops = elements if op == "vadd" else 2.0 * float(n) ** 3
    return {
        "flops": flops,
        "h2d_bytes": 2 * elements * itemsize,
        "d2h_bytes": elements * itemsize,
        "device_bytes": 3 * elements * itemsize,
    }


def offload_model_seconds(
    op: str,
    n: int,
    *,
    link_gbs: float,
    gpu_gflops: float,
    gpu_gbs: float,
    itemsize: int = 4,
    latency_s: float = 10e-6,
) -> float:
    """Lower-bound offload time: transfers at ``link_gbs`` plus a roofline-speed kernel.

    ``latency_s`` is paid three times (two copies in, one out, each a separate DMA), a typical
    order of magnitude for a launch or small copy. The kernel takes
    ``max(flops / gpu_gflops, device_bytes / gpu_gbs)``.
    """
    for name, value in (("link_gbs", link_gbs), ("gpu_gflops", gpu_gflops), ("gpu_gbs", gpu_gbs)):
        validate.positive_number(name, value)
    if latency_s < 0:
        raise ValueError(f"latency_s must be non-negative, got {latency_s}")
    work = offload_work(op, n, itemsize)
    transfer = (work["h2d_bytes"] + work["d2h_bytes"]) / (link_gbs * 1e9)
    kernel = max(work["flops"] / (gpu_gflops * 1e9), work["device_bytes"] / (gpu_gbs * 1e9))
    return transfer + kernel + 3 * latency_s


def _host_operands(op: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    shape = (n,) if op == "vadd" else (n, n)
    a = rng.uniform(0.5, 1.5, shape).astype(np.float32)
    b = rng.uniform(0.5, 1.5, shape).astype(np.float32)
    return a, b


def _check_result(op: str, got: np.ndarray, a: np.ndarray, b: np.ndarray, where: str) -> None:
    want = a.astype(np.float64) + b if op == "vadd" else a.astype(np.float64) @ b
    error = float(np.linalg.norm(got - want) / np.linalg.norm(want))
    if not error <= 1e-5:
        raise ValueError(f"{op} on the {where} is wrong: relative error {error:.2e}")


def cpu_seconds(op: str, n: int, *, repeat: int = 5, seed: int = 0) -> timing.Timing:
    """Median time of ``op`` (FP32) computed in place on the CPU with NumPy, checked first."""
    if op not in OFFLOAD_OPS:
        raise ValueError(f"op must be one of {OFFLOAD_OPS}, got {op!r}")
    n = _positive_int("n", n)
    a, b = _host_operands(op, n, seed)
    out = np.empty_like(a)
    compute = np.add if op == "vadd" else np.matmul
    compute(a, b, out=out)
    _check_result(op, out, a, b, "CPU")
    return timing.benchmark(
        lambda: compute(a, b, out=out), repeat=repeat, warmup=1, min_sample_time=0.01, device="cpu"
    )


def gpu_offload_seconds(
    op: str, n: int, memory: str = "pageable", *, repeat: int = 5, seed: int = 0
) -> timing.Timing:
    """Median end-to-end time of offloading ``op``: inputs to the GPU, compute, result back.

    Host arrays live in ``memory`` (pageable or pinned). Checked against float64 first. Needs a
    CUDA GPU (PyTorch).
    """
    if op not in OFFLOAD_OPS:
        raise ValueError(f"op must be one of {OFFLOAD_OPS}, got {op!r}")
    if memory not in MEMORY_KINDS:
        raise ValueError(f"memory must be one of {MEMORY_KINDS}, got {memory!r}")
    n = _positive_int("n", n)
    _require_gpu()
    torch = importlib.import_module("torch")
    a_np, b_np = _host_operands(op, n, seed)
    a, b = torch.from_numpy(a_np), torch.from_numpy(b_np)
    c = torch.empty_like(a)
    if memory == "pinned":
        a, b, c = a.pin_memory(), b.pin_memory(), c.pin_memory()
    pinned = memory == "pinned"
    cuda = torch.device("cuda")
    allow_tf32 = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False  # FP32 on both sides, as on the CPU

    def offload():
        a_gpu = a.to(cuda, non_blocking=pinned)
        b_gpu = b.to(cuda, non_blocking=pinned)
        c_gpu = a_gpu + b_gpu if op == "vadd" else a_gpu @ b_gpu
        c.copy_(c_gpu, non_blocking=pinned)

    try:
        offload()
        torch.cuda.synchronize()
        _check_result(op, c.numpy(), a_np, b_np, "GPU")
        return timing.benchmark(offload, repeat=repeat, warmup=2, min_sample_time=0.01, device=cuda)
    finally:
        torch.backends.cuda.matmul.allow_tf32 = allow_tf32


def break_even(sizes: Sequence[int], cpu: Sequence[float], offload: Sequence[float]) -> int | None:
    """The smallest size from which offloading is faster at this and every larger size.

    ``sizes`` ascending; ``cpu`` and ``offload`` are seconds at those sizes. ``None`` if the
    offload is still slower at the largest size.
    """
    sizes = validate.positive_integers("sizes", sizes)
    cpu = validate.finite_array("cpu", validate.sequence("cpu", cpu)).tolist()
    offload = validate.finite_array("offload", validate.sequence("offload", offload)).tolist()
    if not (len(sizes) == len(cpu) == len(offload)) or not sizes:
        raise ValueError("sizes, cpu and offload must be non-empty and of equal length")
    if any(b <= a for a, b in zip(sizes, sizes[1:], strict=False)):
        raise ValueError("sizes must be strictly increasing")
    if any(not (t > 0) for t in list(cpu) + list(offload)):
        raise ValueError("times must be positive")
    answer = None
    for n, t_cpu, t_gpu in zip(reversed(sizes), reversed(cpu), reversed(offload), strict=True):
        if t_gpu < t_cpu:
            answer = n
        else:
            break
    return answer


def offload_table(
    op: str,
    sizes: Sequence[int],
    *,
    model: dict[str, float] | None = None,
    memory: str = "pinned",
    repeat: int = 5,
) -> pd.DataFrame:
    """CPU time and offload time of ``op`` at each size.

    On a GPU both are measured (``offload_source = "measured"``). Without one, pass ``model``
    (``link_gbs``, ``gpu_gflops``, ``gpu_gbs``) and the offload is estimated with
    :func:`offload_model_seconds` (``"model"``); the CPU time is measured either way.
    """
    sizes = validate.positive_integers("sizes", sizes)
    if not sizes:
        raise ValueError("give at least one size")
    on_gpu = backend.torch_cuda_status().usable
    if not on_gpu and model is None:
        raise ValueError("no GPU here: pass model=dict(link_gbs=..., gpu_gflops=..., gpu_gbs=...)")
    rows = []
    for n in sizes:
        t_cpu = cpu_seconds(op, n, repeat=repeat).median
        if on_gpu:
            t_off = gpu_offload_seconds(op, n, memory, repeat=repeat).median
            source = f"measured ({memory})"
        else:
            t_off = offload_model_seconds(op, n, **model)
            source = "model"
        work = offload_work(op, n)
        rows.append(
            {
                "op": op,
                "n": int(n),
                "flops": work["flops"],
                "cpu_s": t_cpu,
                "offload_s": t_off,
                "speedup": t_cpu / t_off,
                "offload_source": source,
            }
        )
    return pd.DataFrame(rows)


def host_copy_sweep(sizes: Sequence[int], *, repeat: int = 5) -> pd.DataFrame:
    """Host memory-to-memory copy bandwidth at each size (bytes), with NumPy.

    The first step of every pageable transfer is such a copy, into the driver's pinned staging
    buffer; without a GPU it is the part of the path this machine can measure.
    """
    sizes = validate.positive_integers("sizes", sizes)
    if not sizes:
        raise ValueError("give at least one size")
    rng = np.random.default_rng(5)
    rows = []
    for nbytes in sizes:
        nbytes = _positive_int("size", nbytes)
        src = rng.integers(1, 256, nbytes, dtype=np.uint8)
        dst = np.empty_like(src)
        np.copyto(dst, src)
        if not np.array_equal(dst, src):
            raise ValueError("host copy changed the data")
        t = timing.benchmark(
            lambda dst=dst, src=src: np.copyto(dst, src),
            repeat=repeat,
            warmup=1,
            min_sample_time=0.01,
            device="cpu",
        )
        rows.append(
            {
                "direction": "host copy",
                "memory": "pageable",
                "bytes": nbytes,
                "seconds": t.median,
                "gbs": nbytes / t.median / 1e9,
            }
        )
    return pd.DataFrame(rows)


def device_copy_bandwidth(nbytes: int = 2**30, *, repeat: int = 7) -> float:
    """GPU memory bandwidth (GB/s) from a device-to-device copy (2 x nbytes moved). Needs CUDA."""
    nbytes = _positive_int("nbytes", nbytes, 1024)
    repeat = _positive_int("repeat", repeat, 3)
    _require_gpu()
    torch = importlib.import_module("torch")
    src = torch.randint(1, 256, (nbytes,), dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    dst.copy_(src)
    if not torch.equal(dst, src):
        raise ValueError("device copy changed the data")
    t = timing.benchmark(
        lambda: dst.copy_(src), repeat=repeat, warmup=2, device=torch.device("cuda")
    )
    return 2 * nbytes / t.median / 1e9


def datasheet_model(row, link_gbs: float) -> dict[str, float]:
    """Model parameters for :func:`offload_model_seconds` from a datasheet row and a link.

    ``row`` has ``fp32_tflops`` and ``mem_bw_gbs`` (a ``hardware.lookup`` row, or a dict).
    """
    if row is None:
        raise ValueError("no datasheet row")
    try:
        gflops = float(row["fp32_tflops"]) * 1e3
        gbs = float(row["mem_bw_gbs"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"datasheet row lacks fp32_tflops or mem_bw_gbs: {error}") from None
    model = {"link_gbs": float(link_gbs), "gpu_gflops": gflops, "gpu_gbs": gbs}
    for name, value in model.items():
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name} must be positive and finite, got {value}")
    return model


def plot_transfers(
    table: pd.DataFrame, *, references: dict[str, float] | None = None, title: str = ""
):
    """Bandwidth against transfer size, one line per direction and memory kind; ``references``
    (label: GB/s) are drawn as horizontal lines (link rates, device memory)."""
    from aicompute import plotting

    if validate.frame("table", table, ["direction", "memory", "bytes", "gbs"]).empty:
        raise ValueError("nothing to plot: the table is empty")
    fig, ax = plotting.new_figure(
        "transfer size (bytes)", "bandwidth (GB/s)", logx=True, logy=True, title=title
    )
    groups = list(dict.fromkeys(zip(table["direction"], table["memory"], strict=True)))
    for index, (direction, memory) in enumerate(groups):
        rows = table[(table["direction"] == direction) & (table["memory"] == memory)]
        ax.plot(
            rows["bytes"],
            rows["gbs"],
            marker=plotting.MARKERS[index % 8],
            color=plotting.color_for(index),
            label=f"{direction}, {memory}",
        )
    styles = [":", "--", "-.", (0, (5, 1)), (0, (1, 3))]
    for index, (label, value) in enumerate((references or {}).items()):
        value = validate.positive_number(f"reference {label!r}", value)
        ax.axhline(
            value,
            color=plotting.OKABE_ITO["black"],
            linestyle=styles[index % 5],
            linewidth=1.2,
            label=f"{label}: {value:,.1f} GB/s",
        )
    # Below the plot: a legend inside would cover measured points.
    fig.legend(loc="outside lower center", ncols=2, fontsize=9)
    return fig, ax


def plot_offload(tables: dict[str, pd.DataFrame], *, title: str = ""):
    """CPU time and offload time against size, one panel per op, break-even marked."""
    from matplotlib.ticker import NullFormatter

    from aicompute import plotting

    validate.instance("tables", tables, Mapping, "a dict of op -> offload table")
    if not tables:
        raise ValueError("nothing to plot")
    for op, table in tables.items():
        validate.frame(f"tables[{op!r}]", table, ["n", "cpu_s", "offload_s", "offload_source"])
    fig, axes = plotting.new_figure(
        "size n (vector length or matrix side)",
        "time per call (s)",
        logx=True,
        logy=True,
        nrows=len(tables),
        title=title,
        figsize=(7.0, 0.6 + 3.6 * len(tables)),
    )
    axes = np.atleast_1d(axes)
    for ax, (op, table) in zip(axes, tables.items(), strict=True):
        ax.plot(
            table["n"],
            table["cpu_s"],
            marker=plotting.MARKERS[0],
            color=plotting.color_for(0),
            label="CPU, in place",
        )
        source = table["offload_source"].iloc[0]
        ax.plot(
            table["n"],
            table["offload_s"],
            marker=plotting.MARKERS[1],
            color=plotting.color_for(1),
            label=f"GPU offload, {source}",
        )
        n_star = break_even(list(table["n"]), list(table["cpu_s"]), list(table["offload_s"]))
        if n_star is not None:
            ax.axvline(
                n_star,
                color=plotting.OKABE_ITO["black"],
                linestyle=":",
                label=f"offload pays from n = {n_star:,}",
            )
        ax.set_title({"vadd": "vector add c = a + b", "gemm": "matrix product C = A B"}[op])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(loc="best", fontsize=9)
    return fig, axes


def model_from_tables(gpu_names: Sequence[str], link: str = "PCIe 3.0 x16"):
    """``(label, model)`` for the first of ``gpu_names`` found in the hardware table, over
    ``link`` (a row of ``interconnects.csv``); falls back to the report's K40 (chapter 5's
    ``im2col_k40`` table) when none is found. Returns the datasheet name used as the label.
    """
    from aicompute import hardware, im2col, roofline

    if isinstance(gpu_names, str) or not isinstance(gpu_names, Sequence):
        raise TypeError(f"gpu_names must be a list of device names, got {type(gpu_names).__name__}")
    links = roofline.interconnects().set_index("name")
    if link not in links.index:
        raise ValueError(f"unknown link {link!r}; known: {', '.join(links.index)}")
    link_gbs = float(links.loc[link, "gbs"])
    for name in gpu_names:
        try:
            row = hardware.lookup(name)
        except ValueError:  # no hardware table in this installation
            row = None
        if row is not None:
            return f"{row['name']} over {link}", datasheet_model(row, link_gbs)
    peak, bandwidth, _ = im2col.k40_balance()
    model = {"link_gbs": link_gbs, "gpu_gflops": peak / 1e9, "gpu_gbs": bandwidth / 1e9}
    return f"Tesla K40 (base clock) over {link}", model
