"""The cited datasheet table ``hardware.csv``, name lookup, and the host-CPU helpers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import make_cpu

from aicompute import hardware

COLUMNS = [
    "name",
    "aliases",
    "kind",
    "vendor",
    "year",
    "fp64_tflops",
    "fp32_tflops",
    "fp16_tensor_tflops",
    "bf16_tensor_tflops",
    "mem_bw_gbs",
    "memory_gb",
    "boost_clock_mhz",
    "fp32_lanes",
    "tdp_w",
    "source",
    "note",
]
BIB = (Path(__file__).resolve().parent.parent / "references.bib").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return hardware.datasheet()


def test_columns_and_kinds(table: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS
    assert set(table["kind"]) <= {"cpu", "gpu", "manycore", "mobile-gpu", "tpu"}
    assert table["name"].is_unique
    assert table["source"].str.strip().ne("").all()
    assert table["year"].between(2008, 2026).all()
    # Google publishes no FP32 peak for its TPUs (FP32 runs as several BF16 passes).
    assert table.loc[table["kind"] != "tpu", "fp32_tflops"].notna().all()
    assert table.loc[table["kind"] == "tpu", "bf16_tensor_tflops"].notna().all()
    assert table["mem_bw_gbs"].notna().all()


def test_the_report_and_todays_processors_are_there(table: pd.DataFrame) -> None:
    names = set(table["name"])
    for needed in (
        "GTX 1070",
        "GTX 1080",
        "GTX 1080 Ti",
        "TITAN X (Pascal)",
        "Tesla P100 PCIe 16GB",
        "Tesla P100 SXM2",
        "Tesla P40",
        "Tesla K40",
        "Tesla K80",
        "Xeon E5-2699 v4",
        "Xeon Phi 7120P",
        "Mali-T880 MP12",
        "Tesla T4",
        "L4",
        "Tesla V100 SXM2",
        "A100 SXM4 40GB",
        "A100 SXM4 80GB",
        "A100 PCIe 80GB",
        "H100 SXM",
        "H100 PCIe",
        "H200 SXM",
    ):
        assert needed in names, needed
    assert (table["kind"] == "cpu").sum() >= 2


def test_units_are_sane(table: pd.DataFrame) -> None:
    # FP32 between 0.1 and 200 TFLOP/s, bandwidth between 10 GB/s and 10 TB/s.
    assert table["fp32_tflops"].dropna().between(0.1, 200).all()
    assert table["mem_bw_gbs"].between(10, 10_000).all()
    assert table["tdp_w"].dropna().between(5, 1000).all()
    assert table["boost_clock_mhz"].dropna().between(300, 6000).all()
    assert table.loc[table["kind"] != "tpu", "boost_clock_mhz"].notna().sum() >= 25


def test_precisions_are_ordered(table: pd.DataFrame) -> None:
    """Narrower formats are never slower: fp16 tensor >= fp32 >= fp64 where the figure exists."""
    fp64 = table.dropna(subset=["fp64_tflops"])
    assert (fp64["fp32_tflops"] >= fp64["fp64_tflops"]).all()
    tensor = table.dropna(subset=["fp16_tensor_tflops"])
    assert len(tensor) >= 8
    assert (tensor["fp16_tensor_tflops"] >= tensor["fp32_tflops"]).all()
    bf16 = table.dropna(subset=["bf16_tensor_tflops", "fp32_tflops"])
    assert (bf16["bf16_tensor_tflops"] >= bf16["fp32_tflops"]).all()


def test_fp32_peak_is_two_flops_per_lane_per_cycle(table: pd.DataFrame) -> None:
    """FP32 peak = 2 (FMA) x fp32_lanes x clock, within 3 %, wherever both are given."""
    rows = table.dropna(subset=["fp32_lanes", "boost_clock_mhz"])
    assert (rows["kind"] == "gpu").sum() >= 15
    recomputed = 2 * rows["fp32_lanes"] * rows["boost_clock_mhz"] * 1e6 / 1e12
    ratio = rows["fp32_tflops"] / recomputed
    bad = rows.loc[(ratio - 1).abs() > 0.03, "name"].tolist()
    assert not bad, f"FP32 peak disagrees with 2 x lanes x clock: {bad}"


def test_mali_row_reproduces_the_reports_figure(table: pd.DataFrame) -> None:
    """265.2 GFLOPS = 12 cores x 650 MHz x 34 FLOP/cycle (two Midgard pipes x 17)."""
    mali = table.set_index("name").loc["Mali-T880 MP12"]
    assert mali["fp32_tflops"] * 1e3 == pytest.approx(12 * 650e-3 * 2 * 17)
    assert mali["kind"] == "mobile-gpu"


def test_every_source_key_is_in_the_bibliography(table: pd.DataFrame) -> None:
    for source in table["source"]:
        key = source.split(";")[0].strip()
        assert f"{{{key}," in BIB, f"source key {key!r} is not in references.bib"


@pytest.mark.parametrize(
    ("detected", "expected"),
    [
        ("NVIDIA H100 PCIe", "H100 PCIe"),
        ("NVIDIA H100 80GB HBM3", "H100 SXM"),
        ("NVIDIA H200", "H200 SXM"),
        ("Tesla T4", "Tesla T4"),
        ("NVIDIA A100-SXM4-40GB", "A100 SXM4 40GB"),
        ("NVIDIA A100-SXM4-80GB", "A100 SXM4 80GB"),
        ("NVIDIA A100 80GB PCIe", "A100 PCIe 80GB"),
        ("NVIDIA L4", "L4"),
        ("Tesla V100-SXM2-16GB", "Tesla V100 SXM2"),
        ("Tesla K80", "Tesla K80"),
        ("Tesla K40m", "Tesla K40"),
        ("Tesla P100-PCIE-16GB", "Tesla P100 PCIe 16GB"),
        ("Tesla P100-SXM2-16GB", "Tesla P100 SXM2"),
        ("Tesla P40", "Tesla P40"),
        ("NVIDIA GeForce GTX 1080 Ti", "GTX 1080 Ti"),
        ("NVIDIA GeForce GTX 1080", "GTX 1080"),
        ("NVIDIA GeForce GTX 1070", "GTX 1070"),
        ("NVIDIA TITAN X (Pascal)", "TITAN X (Pascal)"),
        ("AMD Instinct MI300X", "Instinct MI300X"),
        ("NVIDIA B200", "B200"),
        ("Intel(R) Xeon(R) CPU E5-2699 v4 @ 2.20GHz", "Xeon E5-2699 v4"),
        ("AMD Ryzen 9 7950X 16-Core Processor", "Ryzen 9 7950X"),
    ],
)
def test_lookup_finds_the_right_row(detected: str, expected: str) -> None:
    row = hardware.lookup(detected)
    assert row is not None, detected
    assert row["name"] == expected


@pytest.mark.parametrize(
    "unknown",
    [
        "NVIDIA GeForce RTX 4090",
        "AMD Instinct MI250X",
        "Tesla",
        "NVIDIA GeForce GTX 1070 Ti",  # a variant: not the GTX 1070 row
        "NVIDIA H100 NVL",  # 94 GB, 3.9 TB/s: not the H100 PCIe row
        "NVIDIA TITAN Xp",  # not the TITAN X (Pascal)
    ],
)
def test_lookup_returns_none_for_an_unknown_device(unknown: str) -> None:
    assert hardware.lookup(unknown) is None


@pytest.mark.parametrize("empty", ["", "   "])
def test_lookup_rejects_an_empty_name(empty: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        hardware.lookup(empty)


INTEL_AVX512 = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz
cpu MHz\t\t: 2499.998
flags\t\t: fpu vme sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 avx512f avx512dq avx512bw

processor\t: 1
vendor_id\t: GenuineIntel
model name\t: something else
"""

AMD_ZEN4 = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 97
model name\t: AMD Ryzen 9 7950X 16-Core Processor
cpu MHz\t\t: 4500.000
flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512_bf16
"""

ARM_NEON = """processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp
CPU implementer\t: 0x41
CPU part\t: 0xd0c
"""


def test_cpu_info_parses_an_intel_avx512_server() -> None:
    cpu = hardware.cpu_info(INTEL_AVX512)
    assert cpu.model == "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"
    assert cpu.vendor == "GenuineIntel"
    assert cpu.family == 6
    assert cpu.vector_bits == 512
    assert cpu.datapath_bits == 512
    assert cpu.has_fma
    assert cpu.simd == "AVX-512, FMA"
    assert cpu.logical_cores >= 1
    assert cpu.clock_ghz is not None and cpu.clock_source != "unknown"


def test_cpu_info_parses_an_amd_zen4() -> None:
    cpu = hardware.cpu_info(AMD_ZEN4)
    assert cpu.vendor == "AuthenticAMD"
    assert cpu.family == 25
    assert cpu.vector_bits == 512
    assert cpu.datapath_bits == 256  # Zen 4 executes AVX-512 on 256-bit units
    assert cpu.simd == "AVX-512, FMA"


def test_cpu_info_parses_an_arm_features_line() -> None:
    cpu = hardware.cpu_info(ARM_NEON)
    assert "asimd" in cpu.flags
    assert cpu.vector_bits == 128
    assert cpu.has_fma  # NEON (asimd) has fused multiply-add
    assert cpu.simd == "SSE2/NEON, FMA"
    assert cpu.vendor == ""
    assert cpu.family is None


def test_estimated_peak_arithmetic() -> None:
    cpu = make_cpu()  # 4 cores x 2 GHz, AVX2 (256-bit), FMA, 2 FMA units
    assert hardware.estimated_cpu_peak_flops(cpu, bits=64) == pytest.approx(4 * 2e9 * 4 * 2 * 2)
    assert hardware.estimated_cpu_peak_flops(cpu, bits=32) == pytest.approx(4 * 2e9 * 8 * 2 * 2)
    assert hardware.estimated_cpu_peak_flops(cpu, bits=64, fma_units=1) == pytest.approx(64e9)
    no_fma = make_cpu(flags=frozenset({"sse2", "avx"}))
    assert hardware.estimated_cpu_peak_flops(no_fma, bits=64) == pytest.approx(4 * 2e9 * 4 * 2)
    zen4 = make_cpu(flags=frozenset({"avx512f", "fma"}), vendor="AuthenticAMD", family=25)
    assert hardware.estimated_cpu_peak_flops(zen4, bits=64) == pytest.approx(4 * 2e9 * 4 * 2 * 2)


def test_datasheet_cpu_rows_follow_the_same_formula(table: pd.DataFrame) -> None:
    """The derived CPU peaks in the table equal the estimate for that CPU's cores and clock."""
    ryzen = table.set_index("name").loc["Ryzen 9 7950X"]
    cpu = make_cpu(
        logical_cores=16,
        clock_ghz=ryzen["boost_clock_mhz"] / 1e3,
        flags=frozenset({"avx512f", "fma"}),
        vendor="AuthenticAMD",
        family=25,
    )
    assert hardware.estimated_cpu_peak_flops(cpu, bits=64) / 1e12 == pytest.approx(
        ryzen["fp64_tflops"], rel=1e-3
    )
    xeon = table.set_index("name").loc["Xeon E5-2699 v4"]
    cpu = make_cpu(logical_cores=22, clock_ghz=xeon["boost_clock_mhz"] / 1e3)
    assert hardware.estimated_cpu_peak_flops(cpu, bits=32) / 1e12 == pytest.approx(
        xeon["fp32_tflops"], rel=1e-3
    )


def test_estimated_peak_is_none_without_a_clock() -> None:
    assert hardware.estimated_cpu_peak_flops(make_cpu(clock_ghz=None)) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bits": 8}, "bits must be 16, 32 or 64"),
        ({"bits": 128}, "bits must be 16, 32 or 64"),
        ({"fma_units": 0}, "fma_units must be at least 1"),
    ],
)
def test_estimated_peak_rejects_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hardware.estimated_cpu_peak_flops(make_cpu(), **kwargs)


def test_this_machine_is_described() -> None:
    cpu = hardware.cpu_info()
    assert cpu.logical_cores >= 1
    assert cpu.model
    peak = hardware.estimated_cpu_peak_flops(cpu)
    assert peak is None or peak > 1e8


@pytest.mark.parametrize(
    ("family", "model_number", "bits"),
    [(23, 1, 128), (23, 8, 128), (23, 0x31, 256), (25, 17, 256), (26, 2, 512), (21, 2, 128)],
)
def test_amd_datapath_width_by_generation(family: int, model_number: int, bits: int) -> None:
    """Zen 1/Zen+ split AVX2 over 128-bit units; Zen 2-4 use 256-bit units; Zen 5 full width."""
    flags = {"avx2", "avx", "fma"} | ({"avx512f"} if family >= 25 else set())
    cpu = make_cpu(
        flags=frozenset(flags), vendor="AuthenticAMD", family=family, model_number=model_number
    )
    assert cpu.datapath_bits == (bits if family >= 25 else min(bits, 256))


def test_estimated_peak_at_a_given_clock_cores_and_width() -> None:
    cpu = make_cpu()  # 4 cores x 2 GHz, AVX2, FMA: 16 FP64 FLOP/cycle/core
    assert hardware.estimated_cpu_peak_flops(cpu, clock_ghz=3.0) == pytest.approx(4 * 3e9 * 16)
    assert hardware.estimated_cpu_peak_flops(cpu, cores=1) == pytest.approx(2e9 * 16)
    assert hardware.estimated_cpu_peak_flops(
        make_cpu(clock_ghz=None), clock_ghz=1.0
    ) == pytest.approx(4e9 * 16)
    assert hardware.flops_per_cycle(cpu, vector_bits=128) == 8
    for bad in ({"clock_ghz": 0.0}, {"clock_ghz": float("nan")}, {"clock_ghz": float("inf")}):
        with pytest.raises(ValueError, match="clock_ghz"):
            hardware.estimated_cpu_peak_flops(cpu, **bad)
    with pytest.raises(ValueError, match="clock_ghz"):
        hardware.estimated_cpu_peak_flops(cpu, clock_ghz="3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cores"):
        hardware.estimated_cpu_peak_flops(cpu, cores=0)
    with pytest.raises(ValueError, match="vector_bits"):
        hardware.flops_per_cycle(cpu, vector_bits=100)


def _clock(single: float = 3.0, busy: float = 2.5, lower_bound: bool = False):
    from aicompute.cpuclock import ClockMeasurement

    return ClockMeasurement(single * 1e9, (busy * 1e9,) * 4, "test", lower_bound=lower_bound)


def test_cpu_peak_uses_the_measured_clock_beside_the_nominal() -> None:
    cpu = make_cpu()  # nominal 2 GHz, 4 cores, 16 FLOP/cycle
    peak = hardware.cpu_peak(_clock(), cpu)
    assert peak.nominal == pytest.approx(4 * 2e9 * 16)
    assert peak.measured == pytest.approx(4 * 2.5e9 * 16)  # all cores busy: 2.5 GHz
    one = hardware.cpu_peak(_clock(), cpu, cores=1)
    assert one.measured == pytest.approx(3e9 * 16)  # one core alone: 3 GHz
    assert hardware.cpu_peak(_clock(), make_cpu(clock_ghz=None)).nominal is None
    with pytest.raises(TypeError):
        hardware.cpu_peak(2.5, cpu)
    with pytest.raises(ValueError, match="cores"):
        hardware.cpu_peak(_clock(), cpu, cores=0)


def test_a_rate_above_the_peak_is_an_error_never_a_share_over_100_percent() -> None:
    peak = hardware.cpu_peak(_clock(), make_cpu())  # 160 GFLOP/s at 2.5 GHz
    assert peak.share(80e9) == pytest.approx(0.5)
    below = " ".join(peak.judge(80e9).split())
    assert "50% of the peak at the measured 2.50 GHz" in below and "error" not in below
    assert "128.0 GFLOP/s" in below  # the nominal-clock peak beside it
    above = " ".join(peak.judge(200e9).split())
    assert above.startswith("error") and "%" not in above
    assert "at least 3.12 GHz" in above  # 200 GFLOP/s / (4 cores x 16 FLOP/cycle)
    assert not peak.exceeded_by(161e9) and peak.exceeded_by(170e9)
    rough = hardware.cpu_peak(_clock(lower_bound=True), make_cpu())
    assert "lower bound" in " ".join(rough.judge(200e9).split())
    assert all(len(line) <= 79 for line in peak.judge(200e9).splitlines())
    for bad in (float("nan"), -1.0, float("inf"), "1e9", True):
        with pytest.raises(ValueError):
            peak.share(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tolerance"):
        peak.exceeded_by(1e9, tolerance=-0.1)
