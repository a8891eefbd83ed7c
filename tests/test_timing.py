"""The benchmark helper: warm-up, repeats, median, spread, validation."""

from __future__ import annotations

import time

import pytest

from aicompute import timing


def test_benchmark_counts_warmup_and_samples() -> None:
    calls = []
    result = timing.benchmark(lambda: calls.append(1), repeat=5, warmup=3, number=4)
    assert len(calls) == 3 + 5 * 4
    assert len(result.samples) == 5 and result.number == 4 and result.device == "cpu"


def test_gpu_warmup_seconds_keeps_a_gpu_warming_until_the_time_has_passed(monkeypatch) -> None:
    monkeypatch.setattr(timing.backend, "synchronize", lambda device=None: None)
    calls = []
    timing.benchmark(
        lambda: (calls.append(1), time.sleep(0.01)),
        repeat=3,
        warmup=1,
        number=1,
        gpu_warmup_seconds=0.1,
        device="cuda",
    )
    assert len(calls) - 3 >= 9  # about 0.1 s of 10 ms calls before the 3 timed ones


def test_gpu_warmup_seconds_is_ignored_on_the_cpu() -> None:
    calls = []
    timing.benchmark(
        lambda: calls.append(1), repeat=3, warmup=1, number=1, gpu_warmup_seconds=10.0, device="cpu"
    )
    assert len(calls) == 1 + 3


def test_benchmark_measures_a_known_sleep() -> None:
    result = timing.benchmark(lambda: time.sleep(0.005), repeat=3, warmup=1, number=1)
    assert 0.004 < result.median < 0.05
    assert result.rate(1.0) == pytest.approx(1 / result.median)


def test_auto_number_makes_samples_long_enough() -> None:
    result = timing.benchmark(lambda: sum(range(100)), repeat=3, min_sample_time=0.01)
    assert result.number > 1
    assert result.median * result.number >= 0.005


def test_statistics() -> None:
    result = timing.Timing(samples=(1.0, 2.0, 3.0, 4.0, 100.0), number=1, device="cpu")
    assert result.median == 3.0  # robust to the outlier
    assert result.best == 1.0
    assert result.spread > 0
    assert "ms per call" in str(result)
    assert timing.Timing(samples=(1.0, 2.0, 3.0), number=1, device="cpu").spread == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repeat": 2},
        {"warmup": -1},
        {"number": 0},
        {"min_sample_time": 0.0},
        {"gpu_warmup_seconds": -0.1},
        {"gpu_warmup_seconds": float("nan")},
    ],
)
def test_bad_arguments_raise(kwargs) -> None:
    with pytest.raises(ValueError):
        timing.benchmark(lambda: None, **kwargs)


def test_negative_work_is_refused() -> None:
    with pytest.raises(ValueError):
        timing.Timing(samples=(1.0, 1.0, 1.0), number=1, device="cpu").rate(-1)
