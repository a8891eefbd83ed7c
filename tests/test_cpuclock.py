"""The clock probe: its output parsed and checked, its fallback, and one short real run."""

from __future__ import annotations

import shutil

import pytest

from aicompute import cpuclock


def test_probe_output_is_parsed_in_thread_order() -> None:
    text = "threads 2 adds 128000 check 7\n0 3.100000e+09\n1 2.900000e+09\n"
    assert cpuclock.parse_probe_output(text) == (3.1e9, 2.9e9)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello 1\n0 1e9",
        "threads 2 adds 1 check 0\n0 1e9",  # a thread line missing
        "threads 1 adds 1 check 0\n1 1e9",  # wrong thread number
        "threads 1 adds 1 check 0\n0 nan",
        "threads 1 adds 1 check 0\n0 -1e9",
    ],
)
def test_malformed_probe_output_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        cpuclock.parse_probe_output(text)


def test_measurement_averages_the_busy_cores() -> None:
    clock = cpuclock.ClockMeasurement(3.0e9, (2.8e9, 2.6e9), "test")
    assert clock.single_core_ghz == pytest.approx(3.0)
    assert clock.all_cores_ghz == pytest.approx(2.7)
    assert clock.cores == 2
    assert "3.00 GHz on one core, 2.70 GHz with 2 cores busy" in clock.describe()
    bound = cpuclock.ClockMeasurement(1e9, (1e9,), "rough", lower_bound=True)
    assert "at least 1.00 GHz" in bound.describe()


@pytest.mark.parametrize(
    ("single", "per_core"),
    [(0.0, (1e9,)), (float("nan"), (1e9,)), (1e9, ()), (1e9, (float("inf"),)), (1e9, (-1.0,))],
)
def test_measurement_rejects_impossible_clocks(single: float, per_core: tuple) -> None:
    with pytest.raises(ValueError):
        cpuclock.ClockMeasurement(single, per_core, "test")


def test_bad_arguments_are_rejected(tmp_path) -> None:
    with pytest.raises(ValueError, match="threads"):
        cpuclock.measure_clock(threads=0)
    with pytest.raises(ValueError, match="loops"):
        cpuclock.run_clock_probe(tmp_path / "none", 1, loops=10)
    with pytest.raises(ValueError, match="does not exist"):
        cpuclock.compile_clock_probe(tmp_path / "missing")
    with pytest.raises(ValueError, match="size"):
        cpuclock.numpy_clock_lower_bound(size=1)


def test_without_a_compiler_the_numpy_bound_says_it_is_rough(tmp_path) -> None:
    assert cpuclock.compile_clock_probe(tmp_path, compiler="no-such-compiler-here") is None
    clock = cpuclock.measure_clock(threads=2, compiler="no-such-compiler-here")
    assert clock.lower_bound and "lower bound" in clock.method
    assert clock.per_core_hz == (clock.single_core_hz,) * 2


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no C compiler")
def test_the_c_probe_runs_on_one_and_two_threads(tmp_path) -> None:
    binary = cpuclock.compile_clock_probe(tmp_path)
    if binary is None:
        pytest.skip("this processor or compiler cannot build the probe")
    assert len(cpuclock.run_clock_probe(binary, 1, loops=2000, repeat=1)) == 1
    rates = cpuclock.run_clock_probe(binary, 2, loops=2000, repeat=1)
    assert len(rates) == 2 and all(rate > 0 for rate in rates)
