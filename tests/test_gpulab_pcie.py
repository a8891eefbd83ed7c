"""Lab 3 helpers: offload work, the transfer model, break-even, and CPU-only behaviour."""

from __future__ import annotations

import pytest

from aicompute import gpulab_pcie as gp


def test_offload_work() -> None:
    assert gp.offload_work("vadd", 1000) == {
        "flops": 1000.0,
        "h2d_bytes": 8000.0,
        "d2h_bytes": 4000.0,
        "device_bytes": 12000.0,
    }
    work = gp.offload_work("gemm", 100, itemsize=8)
    assert work["flops"] == 2e6 and work["h2d_bytes"] == 160000.0
    for args in [("conv", 10), ("vadd", 0), ("gemm", 10, 3)]:
        with pytest.raises(ValueError):
            gp.offload_work(*args)


def test_model_adds_transfers_kernel_and_latency() -> None:
    # vadd: 12 bytes per element cross the link, 12 bytes move on the GPU
    t = gp.offload_model_seconds(
        "vadd", 10**6, link_gbs=12.0, gpu_gflops=8000.0, gpu_gbs=300.0, latency_s=0.0
    )
    assert t == pytest.approx(12e6 / 12e9 + 12e6 / 300e9)
    # gemm: compute-bound kernel
    t = gp.offload_model_seconds(
        "gemm", 1000, link_gbs=12.0, gpu_gflops=8000.0, gpu_gbs=300.0, latency_s=1e-5
    )
    assert t == pytest.approx(12e6 / 12e9 + 2e9 / 8e12 + 3e-5)
    with pytest.raises(ValueError):
        gp.offload_model_seconds("gemm", 10, link_gbs=0.0, gpu_gflops=1.0, gpu_gbs=1.0)
    with pytest.raises(ValueError):
        gp.offload_model_seconds(
            "gemm", 10, link_gbs=1.0, gpu_gflops=1.0, gpu_gbs=1.0, latency_s=-1.0
        )


def test_vector_add_never_pays_when_the_link_is_slower_than_host_memory() -> None:
    # per element the CPU moves 12 bytes at host bandwidth; the offload at least 12 over PCIe
    sizes = [10**p for p in range(3, 8)]
    cpu = [12 * n / 20e9 for n in sizes]
    off = [
        gp.offload_model_seconds("vadd", n, link_gbs=12.0, gpu_gflops=8e3, gpu_gbs=300.0)
        for n in sizes
    ]
    assert gp.break_even(sizes, cpu, off) is None


def test_break_even() -> None:
    assert gp.break_even([1, 2, 4, 8], [1, 2, 4, 8], [5, 5, 3, 3]) == 4
    assert gp.break_even([1, 2, 4], [1, 1, 1], [0.5, 2, 0.5]) == 4  # must stay faster
    assert gp.break_even([1, 2], [1, 1], [0.5, 0.5]) == 1
    assert gp.break_even([1, 2], [1, 1], [2, 2]) is None
    with pytest.raises(ValueError):
        gp.break_even([2, 1], [1, 1], [1, 1])
    with pytest.raises(ValueError):
        gp.break_even([1, 2], [1], [1, 1])
    with pytest.raises(ValueError):
        gp.break_even([1, 2], [1, 0], [1, 1])


def test_cpu_seconds_checks_and_times() -> None:
    t = gp.cpu_seconds("gemm", 32, repeat=3)
    assert t.median > 0 and t.device == "cpu"
    with pytest.raises(ValueError):
        gp.cpu_seconds("fft", 32)


def test_gpu_paths_refuse_without_a_gpu(cpu_only) -> None:
    with pytest.raises(ValueError, match="CUDA"):
        gp.transfer_bandwidth(1 << 20, "h2d", "pinned")
    with pytest.raises(ValueError, match="CUDA"):
        gp.gpu_offload_seconds("vadd", 1000)
    with pytest.raises(ValueError):
        gp.transfer_bandwidth(1 << 20, "sideways", "pinned")
    with pytest.raises(ValueError):
        gp.transfer_bandwidth(1 << 20, "h2d", "swapped")
    with pytest.raises(ValueError):
        gp.offload_table("vadd", [1000])  # no GPU and no model


def test_offload_table_with_model(cpu_only) -> None:
    model = {"link_gbs": 12.0, "gpu_gflops": 8000.0, "gpu_gbs": 300.0}
    table = gp.offload_table("gemm", [16, 64], model=model, repeat=3)
    assert list(table["offload_source"]) == ["model", "model"]
    assert (table["cpu_s"] > 0).all() and (table["speedup"] > 0).all()


def test_host_copy_sweep_and_plots() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = gp.host_copy_sweep([4096, 65536], repeat=3)
    assert list(table["bytes"]) == [4096, 65536] and (table["gbs"] > 0).all()
    fig, _ = gp.plot_transfers(table, references={"PCIe 3.0 x16": 15.75})
    plt.close(fig)
    with pytest.raises(ValueError):
        gp.plot_transfers(table, references={"bad": 0.0})
    with pytest.raises(ValueError):
        gp.host_copy_sweep([])
    with pytest.raises(ValueError):
        gp.host_copy_sweep([0])


def test_datasheet_model() -> None:
    model = gp.datasheet_model({"fp32_tflops": 8.1, "mem_bw_gbs": 320.0}, 15.75)
    assert model == {"link_gbs": 15.75, "gpu_gflops": 8100.0, "gpu_gbs": 320.0}
    with pytest.raises(ValueError):
        gp.datasheet_model(None, 15.75)
    with pytest.raises(ValueError):
        gp.datasheet_model({"fp32_tflops": 8.1}, 15.75)
    with pytest.raises(ValueError):
        gp.datasheet_model({"fp32_tflops": 8.1, "mem_bw_gbs": 320.0}, -1.0)


def test_plot_offload(cpu_only) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = {"link_gbs": 12.0, "gpu_gflops": 8000.0, "gpu_gbs": 300.0}
    table = gp.offload_table("gemm", [16, 32], model=model, repeat=3)
    fig, axes = gp.plot_offload({"gemm": table})
    assert len(axes) == 1
    plt.close(fig)
    with pytest.raises(ValueError):
        gp.plot_offload({})


def test_device_copy_needs_a_gpu(cpu_only) -> None:
    with pytest.raises(ValueError, match="CUDA"):
        gp.device_copy_bandwidth(1 << 20)
    with pytest.raises(ValueError):
        gp.device_copy_bandwidth(10)


def test_model_from_tables_falls_back_to_the_k40() -> None:
    label, model = gp.model_from_tables(["No Such GPU 9000"])
    assert "K40" in label and "PCIe 3.0 x16" in label
    assert model["link_gbs"] == pytest.approx(15.75, rel=1e-3)  # 8 GT/s x 16 x 128/130 / 8
    assert model["gpu_gbs"] == pytest.approx(288.0)
    with pytest.raises(ValueError):
        gp.model_from_tables(["Tesla T4"], link="PCIe 9.0 x1")
