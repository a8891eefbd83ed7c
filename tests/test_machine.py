"""Chapter 0 helpers: the peak formula term by term, summaries, quick check, datasheet view."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from factories import make_cpu

from aicompute import hardware, machine  # noqa: E402


def _cpu(**changes: object) -> hardware.CpuInfo:
    """An 8-core 3 GHz variant of the shared test CPU."""
    return make_cpu(**{"model": "Test CPU", "logical_cores": 8, "clock_ghz": 3.0, **changes})


def test_era_splits_at_the_report_year() -> None:
    assert machine.era(2017) == "report era"
    assert machine.era(2018) == "today"
    for bad in (1800, 2017.5, "2017", True):
        with pytest.raises(ValueError):
            machine.era(bad)  # type: ignore[arg-type]


def test_peak_terms_multiply_to_the_estimate() -> None:
    cpu = _cpu()
    terms = machine.peak_terms(cpu, bits=64).set_index("term")["value"]
    assert terms["lanes"] == 4 and terms["FLOP per lane"] == 2 and terms["FMA units"] == 2
    assert terms["FLOP/cycle/core"] == 16
    product = terms["cores"] * terms["clock GHz"] * terms["FLOP/cycle/core"]
    assert terms["peak GFLOP/s"] == pytest.approx(product)
    assert terms["peak GFLOP/s"] == pytest.approx(
        hardware.estimated_cpu_peak_flops(cpu, bits=64) / 1e9
    )
    fp32 = machine.peak_terms(cpu, bits=32).set_index("term")["value"]
    assert fp32["lanes"] == 8
    assert fp32["peak GFLOP/s"] == pytest.approx(2 * terms["peak GFLOP/s"])


def test_peak_terms_without_a_clock_and_bad_input() -> None:
    terms = machine.peak_terms(_cpu(clock_ghz=None)).set_index("term")["value"]
    assert math.isnan(terms["peak GFLOP/s"])
    with pytest.raises(ValueError, match="bits"):
        machine.peak_terms(_cpu(), bits=8)
    with pytest.raises(ValueError, match="fma_units"):
        machine.peak_terms(_cpu(), fma_units=0)


def test_cpu_summary_lists_the_peaks() -> None:
    summary = machine.cpu_summary(_cpu()).set_index("item")["value"]
    assert summary["model"] == "Test CPU"
    assert summary["fused multiply-add"] == "yes"
    assert summary["estimated FP64 peak"] == "384 GFLOP/s"  # 8 x 3 GHz x 16
    assert summary["estimated FP32 peak"] == "768 GFLOP/s"
    unknown = machine.cpu_summary(_cpu(clock_ghz=None)).set_index("item")["value"]
    assert unknown["estimated FP64 peak"] == "unknown (no clock)"


def test_gpu_summary_explains_itself() -> None:
    summary = machine.gpu_summary().set_index("item")["value"]
    assert {"PyTorch CUDA", "CuPy", "GPU"} <= set(summary.index)
    assert all(isinstance(v, str) and v for v in summary)


def test_gpu_peak_at_clock() -> None:
    t4 = hardware.datasheet().set_index("name").loc["Tesla T4"]
    t4["name"] = "Tesla T4"
    assert machine.gpu_peak_at_clock(t4, 1590) / 1e12 == pytest.approx(t4["fp32_tflops"], rel=0.03)
    assert machine.gpu_peak_at_clock(t4, 585) == pytest.approx(2 * 2560 * 585e6)
    with pytest.raises(ValueError, match="positive"):
        machine.gpu_peak_at_clock(t4, 0)
    mali = hardware.datasheet().set_index("name").loc["Mali-T880 MP12"]
    with pytest.raises(ValueError, match="fp32_lanes"):
        machine.gpu_peak_at_clock(mali, 650)


def test_fraction_of_peak() -> None:
    assert machine.fraction_of_peak(50.0, 200.0) == 0.25
    assert math.isnan(machine.fraction_of_peak(50.0, None))
    assert math.isnan(machine.fraction_of_peak(50.0, math.nan))
    with pytest.raises(ValueError, match="measured rate must be zero or more"):
        machine.fraction_of_peak(-1.0, 10.0)
    with pytest.raises(ValueError, match="positive"):
        machine.fraction_of_peak(1.0, 0.0)
    with pytest.raises(ValueError, match="peak must be finite"):
        machine.fraction_of_peak(1.0, math.inf)  # an unknown peak is NaN or None, never infinite


def test_quick_check_small() -> None:
    result = machine.quick_check(gemm_n=128, copy_n=2**16, repeat=3)
    assert list(result.columns) == [
        "measurement",
        "measured",
        "unit",
        "estimated peak",
        "fraction of peak",
    ]
    assert list(result["unit"]) == ["GFLOP/s", "GB/s"]
    assert (result["measured"] > 0).all()
    with pytest.raises(ValueError, match="gemm_n"):
        machine.quick_check(gemm_n=8)
    with pytest.raises(ValueError, match="copy_n"):
        machine.quick_check(copy_n=10)


def test_datasheet_table_view() -> None:
    view = machine.datasheet_table()
    assert list(view.columns[:4]) == ["name", "kind", "year", "era"]
    assert len(view) == len(hardware.datasheet())
    kinds = list(dict.fromkeys(view["kind"]))
    assert kinds[0] == "cpu" and len(kinds) == view["kind"].nunique()  # grouped, CPUs first
    assert set(view["era"]) == {"report era", "today"}
    with pytest.raises(ValueError, match="no column"):
        machine.datasheet_table(columns=["name", "nonsense"])


def test_plot_peak_vs_bandwidth() -> None:
    fig, ax = machine.plot_peak_vs_bandwidth()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "GB/s" in ax.get_xlabel() and "TFLOP/s" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("report era") and labels[1].startswith("today")
    plt.close(fig)
    empty = hardware.datasheet().iloc[:0]
    with pytest.raises(ValueError, match="no row"):
        machine.plot_peak_vs_bandwidth(empty)


def test_quick_gpu_check_runs_its_code_on_the_cpu() -> None:
    t4 = hardware.datasheet().set_index("name").loc["Tesla T4"]
    result = machine.quick_gpu_check(gemm_n=128, copy_mib=1, repeat=3, device="cpu", row=t4)
    assert list(result.columns) == machine.GPU_CHECK_COLUMNS
    assert list(result["unit"]) == ["GFLOP/s", "GB/s"]
    assert list(result["datasheet peak"]) == [8100.0, 320.0]
    assert (result["measured"] > 0).all()
    assert result["fraction of peak"].iloc[0] == pytest.approx(result["measured"].iloc[0] / 8100.0)
    with pytest.raises(ValueError, match="gemm_n"):
        machine.quick_gpu_check(gemm_n=1, device="cpu")
    with pytest.raises(ValueError, match="copy_mib"):
        machine.quick_gpu_check(copy_mib=0, device="cpu")


def test_quick_gpu_check_without_a_gpu_is_empty() -> None:
    from aicompute import backend

    if backend.torch_cuda_status().usable:
        pytest.skip("a GPU is usable here")
    result = machine.quick_gpu_check()
    assert result.empty and list(result.columns) == machine.GPU_CHECK_COLUMNS


def _measured(single: float = 3.5, busy: float = 3.25):
    from aicompute.cpuclock import ClockMeasurement

    return ClockMeasurement(single * 1e9, (busy * 1e9,) * 8, "test")


def test_peak_terms_and_summary_use_a_measured_clock() -> None:
    cpu = _cpu()  # nominal 3 GHz, 8 cores, 16 FP64 FLOP/cycle
    terms = machine.peak_terms(cpu, clock=_measured()).set_index("term")
    assert terms.loc["clock GHz", "value"] == pytest.approx(3.25)
    assert "measured" in terms.loc["clock GHz", "meaning"]
    assert terms.loc["peak GFLOP/s", "value"] == pytest.approx(8 * 3.25 * 16)
    summary = machine.cpu_summary(cpu, clock=_measured()).set_index("item")["value"]
    assert summary["measured clock, one core"] == "3.50 GHz"
    assert summary["estimated FP64 peak"] == (
        "416 GFLOP/s at the measured clock (384 GFLOP/s at the nominal)"
    )


def test_quick_check_compares_with_the_peak_at_the_measured_clock() -> None:
    cpu = _cpu()
    result = machine.quick_check(gemm_n=128, copy_n=2**16, repeat=3, cpu=cpu, clock=_measured())
    assert result["estimated peak"].iloc[0] == pytest.approx(8 * 3.25 * 16)


def test_datasheet_for_people() -> None:
    shown = machine.datasheet_display()
    assert "FP32 peak [TFLOP/s]" in shown.headers and "fp32_tflops" not in shown.headers
    row = machine.datasheet_row_display(hardware.lookup("Tesla T4"))
    cells = dict(row.cells)
    assert cells["year"] == "2018" and cells["boost clock [MHz]"] == "1,590"
    assert cells["BF16 tensor peak [TFLOP/s]"] == "—"
