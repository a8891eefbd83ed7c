"""Data parallelism on the GPUs at hand: what lab 5 runs, and how the GPUs are linked.

Chapter 8 (``aicompute.distributed``) models and measures data-parallel training on CPU
processes with gloo. Lab 5 runs the same measurements with NCCL, one process per GPU, on every
GPU available, and names the link between them (NVLink or PCIe) from ``nvidia-smi topo -m``.
Without a GPU it runs the CPU version (gloo, two processes) and says so.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from aicompute import backend, validate

__all__ = ["RunPlan", "plan", "topology", "link_kind"]


@dataclass(frozen=True)
class RunPlan:
    """What this machine can run: the backend, the worker counts and the batch per worker."""

    backend: str
    gpus: int
    workers: tuple[int, ...]
    batch_per_worker: int
    note: str


def plan() -> RunPlan:
    """NCCL on every usable GPU (1, 2, 4, ... and all of them), or gloo on two CPU processes."""
    status = backend.torch_cuda_status()
    if status.usable:
        import torch

        gpus = torch.cuda.device_count()
        counts = sorted({p for p in (1, 2, 4, 8) if p <= gpus} | {gpus})
        note = f"NCCL on {gpus} GPU{'s' if gpus > 1 else ''}: {status.reason}"
        if gpus == 1:
            note += (
                "; with one GPU an all-reduce exchanges nothing, so only its fixed cost "
                "(launch latency) is measured, not a link"
            )
        return RunPlan("nccl", gpus, tuple(counts), 64, note)
    return RunPlan(
        "gloo",
        0,
        (1, 2),
        1,
        f"no usable GPU ({status.reason}): gloo on two CPU processes, a smaller run",
    )


def topology(timeout_s: float = 10.0) -> str:
    """The GPU link matrix of ``nvidia-smi topo -m``, or why it is not available."""
    validate.positive_number("timeout_s", timeout_s)
    if shutil.which("nvidia-smi") is None:
        return "nvidia-smi not found: no NVIDIA driver on this machine"
    try:
        result = subprocess.run(
            ["nvidia-smi", "topo", "-m"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"nvidia-smi topo -m did not answer within {timeout_s:g} s"
    if result.returncode != 0:
        return f"nvidia-smi topo -m failed: {result.stderr.strip() or result.returncode}"
    return result.stdout.rstrip()


def link_kind(topology_text: str) -> str:
    """NVLink, PCIe or none, read from a ``nvidia-smi topo -m`` matrix.

    Entries ``NV<n>`` mean n NVLinks between two GPUs; ``PIX``, ``PXB``, ``PHB``, ``NODE`` and
    ``SYS`` mean the path goes over PCIe (through switches, the host bridge or the CPUs).
    """
    if not isinstance(topology_text, str):
        raise TypeError("topology_text must be the text of nvidia-smi topo -m")
    lines = [line.split() for line in topology_text.splitlines() if line.startswith("GPU")]
    cells = [cell for line in lines for cell in line[1:]]
    if any(cell.startswith("NV") and cell[2:].isdigit() for cell in cells):
        return "NVLink"
    if any(cell in ("PIX", "PXB", "PHB", "NODE", "SYS") for cell in cells):
        return "PCIe"
    return "none (one GPU or no GPU)"
