"""The GPU's power draw, power limit and SM clock, read while a kernel runs.

A GPU that draws its full power budget lowers its clock to stay within it, so a matrix product
on the tensor cores may run below the datasheet peak, which assumes the boost clock. Whether that
happened is a measurement, not a guess: the driver reports the power draw, the enforced power
limit and the streaming-multiprocessor (SM) clock. We read them through NVML, NVIDIA's management
library, with the ``nvidia-ml-py`` package (imported as ``pynvml``) when it is installed, and
otherwise through the ``nvidia-smi`` command. Where neither is available, :func:`reader_source`
says so and the readings are ``None``.

:func:`sample_while` keeps the GPU busy in the calling thread (a thread that never used CUDA has
no CUDA context) while a second thread samples the readings, and :class:`PowerSummary` tells
whether the run sat at the power limit.
"""

from __future__ import annotations

import importlib
import math
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

from aicompute import validate

__all__ = [
    "GpuReading",
    "PowerSummary",
    "SMI_FIELDS",
    "parse_smi_output",
    "reader_source",
    "read_gpu",
    "sample_while",
]

SMI_FIELDS = ("power.draw", "power.limit", "clocks.sm", "clocks.max.sm")
_SW_POWER_CAP = 0x4  # NVML's clocks-event (throttle) reason bit for the software power cap


@dataclass(frozen=True)
class GpuReading:
    """One reading: power draw and enforced limit (W), SM clock and its maximum (MHz).

    ``power_capped`` is the driver's own flag that the power cap is lowering the clock (NVML
    only; ``None`` where it was not read). Any figure the driver does not report is ``None``.
    """

    power_w: float | None
    power_limit_w: float | None
    sm_clock_mhz: float | None
    max_sm_clock_mhz: float | None = None
    power_capped: bool | None = None


def _number(text: str) -> float | None:
    text = text.strip()
    if not text or text.startswith("[") or text.lower() in ("n/a", "not supported"):
        return None
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"nvidia-smi reported {text!r}")
    return value


def parse_smi_output(text: str) -> GpuReading:
    """The first GPU's reading from ``nvidia-smi --query-gpu=<SMI_FIELDS> --format=csv,noheader,
    nounits`` output (``[N/A]`` fields become ``None``)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be nvidia-smi's output, got {type(text).__name__}")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise ValueError("nvidia-smi printed nothing")
    fields = lines[0].split(",")
    if len(fields) != len(SMI_FIELDS):
        raise ValueError(f"expected {len(SMI_FIELDS)} fields, got {lines[0]!r}")
    try:
        power, limit, clock, max_clock = (_number(field) for field in fields)
    except ValueError as error:
        raise ValueError(f"unreadable nvidia-smi line {lines[0]!r}: {error}") from None
    return GpuReading(power, limit, clock, max_clock)


def _nvml():
    try:
        return importlib.import_module("pynvml")
    except ImportError:
        return None


def reader_source(nvml=None, which: Callable[[str], str | None] = shutil.which) -> str:
    """Where readings come from here: NVML, ``nvidia-smi``, or a sentence saying neither is."""
    if (nvml if nvml is not None else _nvml()) is not None:
        return "NVML (nvidia-ml-py)"
    if which("nvidia-smi") is not None:
        return "nvidia-smi"
    return "none: neither the nvidia-ml-py package nor the nvidia-smi command is available"


def _read_nvml(nvml, index: int) -> GpuReading:
    nvml.nvmlInit()
    try:
        handle = nvml.nvmlDeviceGetHandleByIndex(index)

        def optional(name: str, *args):
            function = getattr(nvml, name, None)
            if function is None:
                return None
            try:
                return function(handle, *args)
            except nvml.NVMLError:  # e.g. not supported on this board
                return None

        power = optional("nvmlDeviceGetPowerUsage")
        limit = optional("nvmlDeviceGetEnforcedPowerLimit")
        clock = optional("nvmlDeviceGetClockInfo", nvml.NVML_CLOCK_SM)
        max_clock = optional("nvmlDeviceGetMaxClockInfo", nvml.NVML_CLOCK_SM)
        reasons = optional("nvmlDeviceGetCurrentClocksEventReasons")
        if reasons is None:
            reasons = optional("nvmlDeviceGetCurrentClocksThrottleReasons")
        return GpuReading(
            power_w=None if power is None else power / 1000,  # NVML reports milliwatts
            power_limit_w=None if limit is None else limit / 1000,
            sm_clock_mhz=None if clock is None else float(clock),
            max_sm_clock_mhz=None if max_clock is None else float(max_clock),
            power_capped=None if reasons is None else bool(reasons & _SW_POWER_CAP),
        )
    finally:
        nvml.nvmlShutdown()


def read_gpu(
    index: int = 0,
    *,
    nvml=None,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    which: Callable[[str], str | None] = shutil.which,
    timeout: float = 10.0,
) -> GpuReading | None:
    """Read GPU ``index`` now: NVML when ``pynvml`` imports, else ``nvidia-smi`` (killed after
    ``timeout`` seconds); ``None`` when neither is available or the query fails.

    ``nvml``, ``run`` and ``which`` stand in for the library and the command in tests.
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"index must be a non-negative integer, got {index!r}")
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    nvml = nvml if nvml is not None else _nvml()
    if nvml is not None:
        try:
            return _read_nvml(nvml, index)
        except nvml.NVMLError:  # no driver, no such GPU: try the command instead
            pass
    if which("nvidia-smi") is None:
        return None
    try:
        result = run(
            [
                "nvidia-smi",
                f"--id={index}",
                f"--query-gpu={','.join(SMI_FIELDS)}",
                "--format=csv,noheader,nounits",
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if result.returncode != 0:
        return None
    try:
        return parse_smi_output(result.stdout)
    except ValueError:
        return None


@dataclass(frozen=True)
class PowerSummary:
    """Readings sampled while a kernel ran, summarised (medians over the samples)."""

    readings: tuple[GpuReading, ...]
    source: str

    def _median(self, field: str) -> float | None:
        values = [getattr(r, field) for r in self.readings if getattr(r, field) is not None]
        return statistics.median(values) if values else None

    @property
    def power_w(self) -> float | None:
        return self._median("power_w")

    @property
    def power_limit_w(self) -> float | None:
        return self._median("power_limit_w")

    @property
    def sm_clock_mhz(self) -> float | None:
        return self._median("sm_clock_mhz")

    @property
    def max_sm_clock_mhz(self) -> float | None:
        return self._median("max_sm_clock_mhz")

    def at_power_limit(self, threshold: float = 0.95) -> bool | None:
        """Whether the run sat at the power limit: the driver's power-cap flag in most samples,
        or, without that flag, a median draw of at least ``threshold`` x the limit.
        ``None`` when neither was read."""
        if not (isinstance(threshold, (int, float)) and 0 < threshold <= 1):
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        flags = [r.power_capped for r in self.readings if r.power_capped is not None]
        if flags:
            return sum(flags) > len(flags) / 2
        if self.power_w is None or not self.power_limit_w:
            return None
        return self.power_w >= threshold * self.power_limit_w

    def describe(self) -> str:
        """One line for a reader: the medians and the verdict on the power limit."""
        if not self.readings:
            return f"no GPU readings ({self.source})"

        def show(value: float | None, unit: str) -> str:
            return "not reported" if value is None else f"{value:,.0f} {unit}"

        verdict = self.at_power_limit()
        state = {
            True: "at the power limit",
            False: "below the power limit",
            None: "power limit unknown",
        }[verdict]
        return (
            f"{len(self.readings)} readings ({self.source}): power {show(self.power_w, 'W')} of "
            f"{show(self.power_limit_w, 'W')} limit, SM clock {show(self.sm_clock_mhz, 'MHz')} "
            f"(maximum {show(self.max_sm_clock_mhz, 'MHz')}): {state}"
        )


def sample_while(
    launch: Callable[[], object],
    *,
    seconds: float = 1.0,
    samples: int = 10,
    settle: float = 0.2,
    reader: Callable[[], GpuReading | None] = read_gpu,
    synchronize: Callable[[], object] | None = None,
) -> PowerSummary:
    """Call ``launch`` repeatedly in this thread while another thread takes ``samples`` readings
    over about ``seconds`` (after ``settle`` seconds for the clock and power to settle)."""
    validate.function("launch", launch)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be an integer >= 1, got {samples!r}")
    for name, value in (("seconds", seconds), ("settle", settle)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    if synchronize is None:
        from aicompute import backend

        synchronize = backend.synchronize
    stop = threading.Event()
    readings: list[GpuReading] = []
    failures: list[BaseException] = []

    def sample() -> None:
        try:
            stop.wait(settle)
            for _ in range(samples):
                if stop.is_set():
                    return
                reading = reader()
                if reading is not None:
                    readings.append(reading)
                stop.wait(seconds / samples)
        except BaseException as error:  # handed to the calling thread below
            failures.append(error)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            launch()
            synchronize()
    finally:
        stop.set()
        thread.join()
    if failures:
        raise failures[0]
    source = reader_source() if reader is read_gpu else getattr(reader, "__name__", "reader")
    return PowerSummary(tuple(readings), source)
