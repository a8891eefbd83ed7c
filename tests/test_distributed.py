"""The ring all-reduce model, the scaling model, the curated links and the process launcher."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from aicompute import distributed as dist
from aicompute.claims import Verdict


def test_ring_sends_two_p_minus_one_over_p_of_the_message() -> None:
    assert dist.ring_bytes_per_worker(1000, 1) == 0
    assert dist.ring_bytes_per_worker(1000, 2) == 1000
    assert dist.ring_bytes_per_worker(1000, 4) == 1500
    assert dist.ring_allreduce_seconds(1e9, 1, 1e-3, 1e9) == 0
    # 2(p-1) latency steps plus 2(p-1)/p n / B
    assert dist.ring_allreduce_seconds(8e9, 8, 1e-5, 1e9) == pytest.approx(14e-5 + 14.0)


def test_bus_bandwidth_follows_nccl_tests() -> None:
    # algorithm bandwidth 1 GB/s, 8 ranks: bus bandwidth 1 x 2 x 7 / 8
    assert dist.bus_bandwidth(1e9, 1.0, 8) == pytest.approx(1.75e9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: dist.ring_allreduce_seconds(-1, 2, 0, 1),
        lambda: dist.ring_allreduce_seconds(1, 0, 0, 1),
        lambda: dist.ring_allreduce_seconds(1, 2, math.nan, 1),
        lambda: dist.ring_allreduce_seconds(1, 2, 0, math.inf),
        lambda: dist.ring_allreduce_seconds(1, 2.5, 0, 1),
        lambda: dist.bus_bandwidth(1, 0, 2),
        lambda: dist.DataParallelModel(1, 1, 0, 1, overlap=1.5),
        lambda: dist.DataParallelModel(0, 1, 0, 1),
        lambda: dist.DataParallelModel(1, 1, 0, 1).parts(2, "sideways"),
        lambda: dist.DataParallelModel(1, 1, 0, 1).doubling_stops_paying(min_gain=3),
        lambda: dist.fit_link([1, 2], [1, 2], 1),
        lambda: dist.fit_link([1, 1], [1, 2], 2),
        lambda: dist.fit_link([1, 2], [1, math.nan], 2),
        lambda: dist.fit_link([1, 2, 3], [3, 2, 1], 2),
        lambda: dist.link_bandwidth("carrier pigeon"),
        lambda: dist.allreduce_sweep([1], 2),
        lambda: dist.ddp_step(2, 3),
    ],
)
def test_bad_input_is_refused(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_a_boolean_is_not_a_count() -> None:
    with pytest.raises(ValueError):
        dist.ring_bytes_per_worker(10, True)
    with pytest.raises(TypeError):
        dist.ring_allreduce_seconds("1", 2, 0, 1)


def test_fit_recovers_latency_and_bandwidth() -> None:
    sizes = np.logspace(2, 8, 13)
    times = [dist.ring_allreduce_seconds(n, 2, 50e-6, 2e9) for n in sizes]
    noisy = np.array(times) * np.random.default_rng(0).uniform(0.97, 1.03, len(times))
    fit = dist.fit_link(sizes, noisy, 2)
    assert fit.latency_s == pytest.approx(50e-6, rel=0.1)
    assert fit.bandwidth_bytes_per_s == pytest.approx(2e9, rel=0.1)
    assert fit.r_squared > 0.99
    assert fit.seconds(1e8) == pytest.approx(times[-1], rel=0.1)


def test_strong_scaling_is_limited_by_communication_and_overlap_hides_it() -> None:
    model = dist.DataParallelModel(
        compute_s=1.0, gradient_bytes=1e9, latency_s=0, bandwidth_bytes_per_s=1e10
    )
    # p=2: compute 0.5 s, all-reduce 1e9/1e10 = 0.1 s
    assert model.speedup(2) == pytest.approx(1 / 0.6)
    assert model.speedup(2, "weak") == pytest.approx(2 / 1.1)
    hidden = dist.DataParallelModel(1.0, 1e9, 0, 1e10, overlap=1.0)
    assert hidden.speedup(2) == pytest.approx(2.0)
    amdahl = dist.DataParallelModel(1.0, 0, 0, 1e10, serial_s=0.25)
    assert amdahl.speedup(1024) < 1.25 / 0.25
    # bandwidth term saturates at 2n/B: speedup tends to compute / (2 n / B) = 5
    assert model.speedup(2**16) < 5
    assert model.doubling_stops_paying() < 16
    assert dist.DataParallelModel(1.0, 0, 0, 1).doubling_stops_paying(max_workers=64) == 64
    table = model.table([1, 2, 4])
    assert list(table.index) == [1, 2, 4]
    assert table.loc[1, "efficiency (%)"] == pytest.approx(100)


def test_links_are_cited_and_ordered_by_generation() -> None:
    table = dist.links().set_index("name")
    assert table["source"].notna().all()
    gbs = table["gb_per_s"]
    assert gbs["PCIe 3.0 x16"] < gbs["PCIe 4.0 x16"] < gbs["PCIe 5.0 x16"]
    assert gbs["NVLink 3 (A100)"] < gbs["NVLink 4 (H100)"] < gbs["NVLink 5 (B200)"]
    assert gbs["InfiniBand NDR (400 Gb/s)"] == 2 * gbs["InfiniBand HDR (200 Gb/s)"]
    assert dist.link_bandwidth("400 Gigabit Ethernet") == 50e9


def test_policy_network_gradients_are_about_16_megabytes() -> None:
    assert dist.policy_parameters() == 3_882_793
    model = dist.alphago_training_model()
    assert model.gradient_bytes == pytest.approx(15.5e6, rel=0.01)


def test_audit_gives_every_chapter_8_claim_a_verdict() -> None:
    findings = dist.audit()
    assert [f.claim.id for f in findings] == [
        "ch8.twice-infrastructure",
        "ch8.flexible-scalability",
        "ch8.faster-research",
    ]
    assert findings[0].verdict == Verdict.HOLDS
    assert findings[1].verdict == Verdict.MISLEADING
    assert all(f.note for f in findings)


def test_free_port_is_on_loopback_and_bindable() -> None:
    import socket

    port = dist.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def _raise_on_rank_one(rank: int, world_size: int) -> int:
    if rank == 1:
        raise RuntimeError("rank one fails on purpose")
    return rank


def _hang_on_rank_one(rank: int, world_size: int) -> int:
    if rank == 1:
        time.sleep(600)
    return rank


def _sum_of_ranks(rank: int, world_size: int) -> float:
    import torch
    import torch.distributed

    tensor = torch.tensor([float(rank)])
    torch.distributed.all_reduce(tensor)
    return float(tensor.item())


def _live_children() -> list:
    import multiprocessing

    return [p for p in multiprocessing.active_children() if p.name.startswith("aicompute-")]


def test_two_gloo_processes_all_reduce() -> None:
    assert dist.launch(_sum_of_ranks, 2, timeout_s=120) == [1.0, 1.0]
    assert not _live_children()


def test_a_failing_worker_raises_and_leaves_no_process() -> None:
    with pytest.raises(dist.WorkerError, match="rank one fails on purpose"):
        dist.launch(_raise_on_rank_one, 2, timeout_s=120)
    assert not _live_children()


def test_a_hanging_worker_times_out_and_is_stopped() -> None:
    start = time.monotonic()
    with pytest.raises(dist.WorkerError, match="did not finish"):
        dist.launch(_hang_on_rank_one, 2, timeout_s=5)
    assert time.monotonic() - start < 30
    assert not _live_children()


def test_a_real_sweep_and_fit() -> None:
    sizes = [4, 4096, 1 << 20, 4 << 20]
    sweep = dist.allreduce_sweep(sizes, 2, repeat=3)
    assert list(sweep["message_bytes"]) == sizes
    assert (sweep["seconds"] > 0).all()
    fit = dist.fit_link(sweep["message_bytes"], sweep["seconds"], 2)
    assert fit.bandwidth_bytes_per_s > 1e6


def test_unknown_or_impossible_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend"):
        dist.launch(_sum_of_ranks, 2, backend="mpi")
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="one GPU per worker"):
            dist.launch(_sum_of_ranks, 2, backend="nccl")


def test_link_kind_reads_nvidia_smi_topology() -> None:
    from aicompute import gpulab_ddp

    nvlink = "\tGPU0\tGPU1\tCPU Affinity\nGPU0\t X \tNV18\t0-55\nGPU1\tNV18\t X \t0-55\n"
    pcie = "\tGPU0\tGPU1\nGPU0\t X \tSYS\nGPU1\tSYS\t X \n"
    assert gpulab_ddp.link_kind(nvlink) == "NVLink"
    assert gpulab_ddp.link_kind(pcie) == "PCIe"
    assert gpulab_ddp.link_kind("GPU0\t X \n").startswith("none")
    plan = gpulab_ddp.plan()
    assert plan.workers[0] == 1 and plan.backend in ("gloo", "nccl")


def test_keyboard_interrupt_stops_every_worker() -> None:
    import os
    import signal
    import threading

    timer = threading.Timer(3.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            dist.launch(_hang_on_rank_one, 2, timeout_s=60)
    finally:
        timer.cancel()
    assert not _live_children()
