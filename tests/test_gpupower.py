"""GPU power, limit and SM clock readings, through fakes of NVML and nvidia-smi (no GPU needed)."""

from __future__ import annotations

import subprocess
import types

import pytest

from aicompute import gpupower


class FakeNvmlError(Exception):
    pass


def fake_nvml(*, power_mw=690_000, limit_mw=700_000, clock=1500, reasons=0x4, broken=False):
    """A stand-in for the ``pynvml`` module with the calls the reader makes."""
    calls: list[str] = []

    def init():
        calls.append("init")
        if broken:
            raise FakeNvmlError("driver not loaded")

    return types.SimpleNamespace(
        NVMLError=FakeNvmlError,
        NVML_CLOCK_SM=1,
        calls=calls,
        nvmlInit=init,
        nvmlShutdown=lambda: calls.append("shutdown"),
        nvmlDeviceGetHandleByIndex=lambda index: f"gpu{index}",
        nvmlDeviceGetPowerUsage=lambda handle: power_mw,
        nvmlDeviceGetEnforcedPowerLimit=lambda handle: limit_mw,
        nvmlDeviceGetClockInfo=lambda handle, kind: clock,
        nvmlDeviceGetMaxClockInfo=lambda handle, kind: 1980,
        nvmlDeviceGetCurrentClocksEventReasons=lambda handle: reasons,
    )


def no_smi(name: str) -> None:
    return None


def smi_runner(stdout: str, returncode: int = 0):
    seen: list[list[str]] = []

    def run(command, **kwargs):
        seen.append(command)
        assert kwargs["timeout"] > 0  # the command is always bounded in time
        return subprocess.CompletedProcess(command, returncode, stdout=stdout, stderr="")

    run.seen = seen
    return run


def test_nvml_reading_in_watts_and_megahertz() -> None:
    nvml = fake_nvml()
    reading = gpupower.read_gpu(0, nvml=nvml, which=no_smi)
    assert reading == gpupower.GpuReading(690.0, 700.0, 1500.0, 1980.0, True)
    assert nvml.calls == ["init", "shutdown"]  # NVML is always closed again
    assert gpupower.reader_source(nvml) == "NVML (nvidia-ml-py)"


def test_nvidia_smi_is_the_fallback_and_parses_missing_fields() -> None:
    run = smi_runner("350.12, 700.00, 1755, 1980\n")
    reading = gpupower.read_gpu(1, nvml=fake_nvml(broken=True), run=run, which=lambda n: n)
    assert reading == gpupower.GpuReading(350.12, 700.0, 1755.0, 1980.0)
    assert run.seen[0][1] == "--id=1"
    assert gpupower.parse_smi_output("[N/A], 300, 1200, [N/A]").power_w is None
    with pytest.raises(ValueError):
        gpupower.parse_smi_output("1, 2")
    with pytest.raises(ValueError):
        gpupower.parse_smi_output("")
    with pytest.raises(ValueError):
        gpupower.parse_smi_output("nan, 1, 2, 3")
    with pytest.raises(TypeError):
        gpupower.parse_smi_output(None)  # type: ignore[arg-type]


def test_failures_read_as_none_not_as_numbers() -> None:
    if gpupower._nvml() is None:  # nothing to read with: no number is made up
        assert gpupower.read_gpu(run=smi_runner("1, 2, 3, 4"), which=no_smi) is None
    failing = smi_runner("", returncode=9)
    assert gpupower.read_gpu(nvml=fake_nvml(broken=True), run=failing, which=lambda n: n) is None

    def hangs(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    assert gpupower.read_gpu(nvml=fake_nvml(broken=True), run=hangs, which=lambda n: n) is None
    garbled = smi_runner("power, limit, clock, max")
    assert gpupower.read_gpu(nvml=fake_nvml(broken=True), run=garbled, which=lambda n: n) is None


def test_source_says_when_nothing_can_read_the_gpu() -> None:
    if gpupower._nvml() is None:
        assert gpupower.reader_source(which=no_smi).startswith("none: neither")
    assert gpupower.reader_source(which=lambda n: "/usr/bin/nvidia-smi") in (
        "nvidia-smi",
        "NVML (nvidia-ml-py)",
    )


@pytest.mark.parametrize(
    "kwargs", [{"index": -1}, {"index": True}, {"timeout": 0}, {"timeout": float("nan")}]
)
def test_read_gpu_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        gpupower.read_gpu(**kwargs)


def test_power_limit_verdict_from_the_flag_or_the_draw() -> None:
    capped = gpupower.GpuReading(690.0, 700.0, 1500.0, 1980.0, True)
    free = gpupower.GpuReading(400.0, 700.0, 1980.0, 1980.0, False)
    summary = gpupower.PowerSummary((capped, capped, free), "test")
    assert summary.at_power_limit() is True
    assert summary.power_w == 690.0 and summary.sm_clock_mhz == 1500.0
    assert "at the power limit" in summary.describe()
    no_flag = gpupower.PowerSummary((gpupower.GpuReading(680.0, 700.0, 1600.0),), "smi")
    assert no_flag.at_power_limit() is True  # 680 >= 0.95 x 700
    assert no_flag.at_power_limit(threshold=0.99) is False
    unknown = gpupower.PowerSummary((gpupower.GpuReading(None, None, 1600.0),), "smi")
    assert unknown.at_power_limit() is None and "not reported" in unknown.describe()
    assert "no GPU readings" in gpupower.PowerSummary((), "none").describe()
    with pytest.raises(ValueError):
        summary.at_power_limit(threshold=0)


def test_sampling_runs_the_kernel_while_another_thread_reads() -> None:
    launches: list[int] = []
    readings = iter([gpupower.GpuReading(float(w), 700.0, 1500.0) for w in (600, 650, 700)])

    def reader():
        return next(readings, None)

    summary = gpupower.sample_while(
        lambda: launches.append(1),
        seconds=0.03,
        samples=3,
        settle=0.0,
        reader=reader,
        synchronize=lambda: None,
    )
    assert launches and len(summary.readings) == 3
    assert summary.power_w == 650.0


def test_sampling_hands_reader_errors_back_and_checks_arguments() -> None:
    def broken():
        raise RuntimeError("reader failed")

    with pytest.raises(RuntimeError, match="reader failed"):
        gpupower.sample_while(
            lambda: None, seconds=0.01, samples=1, settle=0, reader=broken, synchronize=lambda: None
        )
    for bad in ({"samples": 0}, {"seconds": -1}, {"settle": float("inf")}):
        with pytest.raises(ValueError):
            gpupower.sample_while(lambda: None, **bad)
