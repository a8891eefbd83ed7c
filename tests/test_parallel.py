"""Chapter 2: Amdahl/Gustafson, parallel scans against loops, <표 2-1>'s arithmetic, the audit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aicompute import claims, parallel
from aicompute.claims import Verdict

# ---------------------------------------------------------------- Amdahl, Gustafson, Karp-Flatt


def test_amdahl_known_values_and_limit() -> None:
    assert parallel.amdahl_speedup(0.0, 8) == pytest.approx(8.0)
    assert parallel.amdahl_speedup(1.0, 8) == pytest.approx(1.0)
    assert parallel.amdahl_speedup(0.05, 4) == pytest.approx(1 / (0.05 + 0.95 / 4))
    assert parallel.amdahl_speedup(0.1, 1e12) == pytest.approx(10.0, rel=1e-9)
    curve = parallel.amdahl_speedup(0.25, np.array([1, 2, 4, 8]))
    assert isinstance(curve, np.ndarray) and np.all(np.diff(curve) > 0)
    assert curve[0] == pytest.approx(1.0) and np.all(curve < 4.0)


def test_gustafson_known_values_and_relation_to_amdahl() -> None:
    assert parallel.gustafson_speedup(0.0, 16) == pytest.approx(16.0)
    assert parallel.gustafson_speedup(0.5, 4) == pytest.approx(2.5)
    # Gustafson's f is measured on p processors; converted to a one-processor fraction,
    # f1 = f / (f + (1 - f) p), Amdahl gives the same speedup.
    f, p = 0.2, 8
    f1 = f / (f + (1 - f) * p)
    assert parallel.amdahl_speedup(f1, p) == pytest.approx(parallel.gustafson_speedup(f, p))


def test_karp_flatt_inverts_amdahl() -> None:
    for f in (0.0, 0.1, 0.37, 1.0):
        for p in (2, 3, 16):
            assert parallel.karp_flatt(parallel.amdahl_speedup(f, p), p) == pytest.approx(f)


@pytest.mark.parametrize("f", [-0.1, 1.5, float("nan")])
def test_bad_serial_fraction_raises(f: float) -> None:
    with pytest.raises(ValueError, match="serial_fraction"):
        parallel.amdahl_speedup(f, 2)
    with pytest.raises(ValueError, match="serial_fraction"):
        parallel.gustafson_speedup(f, 2)


def test_bad_workers_raise() -> None:
    with pytest.raises(ValueError, match="workers"):
        parallel.amdahl_speedup(0.1, 0)
    with pytest.raises(ValueError, match="workers"):
        parallel.gustafson_speedup(0.1, np.array([1, 0.5]))
    with pytest.raises(ValueError, match="more than one worker"):
        parallel.karp_flatt(1.5, 1)
    with pytest.raises(ValueError, match="speedup"):
        parallel.karp_flatt(0.0, 2)


# ---------------------------------------------------------------- scans


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 100, 1000, 1024])
def test_scans_match_cumsum_on_random_input(n: int) -> None:
    x = np.random.default_rng(n).standard_normal(n)
    expected = np.cumsum(x)
    for result, _ in (
        parallel.sequential_scan(x),
        parallel.hillis_steele_scan(x),
        parallel.blelloch_scan(x),
    ):
        np.testing.assert_allclose(result[0], expected, rtol=1e-12, atol=1e-12)


def test_integer_prefix_sum_is_exact() -> None:
    x = np.random.default_rng(1).integers(-1000, 1000, size=777)
    (hs,), _ = parallel.hillis_steele_scan(x)
    (bl,), _ = parallel.blelloch_scan(x, identity=(0,))
    np.testing.assert_array_equal(hs, np.cumsum(x))
    np.testing.assert_array_equal(bl, np.cumsum(x))


@pytest.mark.parametrize("k", [0, 1, 4, 10])
def test_work_and_depth_formulas_for_powers_of_two(k: int) -> None:
    n = 2**k
    x = np.ones(n)
    _, seq = parallel.sequential_scan(x)
    _, hs = parallel.hillis_steele_scan(x)
    _, bl = parallel.blelloch_scan(x)
    assert (seq.work, seq.depth) == (n - 1, n - 1)
    assert hs.depth == k and hs.work == n * k - (n - 1)  # sum over steps of (n - 2**j)
    assert bl.depth == 2 * k + 1 and bl.work == 2 * (n - 1) + n
    if n >= 64:  # Blelloch does linear work; Hillis-Steele does n log n
        assert bl.work < hs.work


def test_non_power_of_two_depth_is_ceil_log2() -> None:
    _, cost = parallel.hillis_steele_scan(np.ones(1000))
    assert cost.depth == math.ceil(math.log2(1000))


def test_scan_respects_operator_order() -> None:
    """Affine composition does not commute: a scan that swapped operands would fail here."""
    rng = np.random.default_rng(7)
    a, b = rng.uniform(-2, 2, 50), rng.standard_normal(50)
    (seq_a, seq_b), _ = parallel.sequential_scan((a, b), parallel.compose_affine)
    for scan in (parallel.hillis_steele_scan, parallel.blelloch_scan):
        kwargs = {"identity": (1.0, 0.0)} if scan is parallel.blelloch_scan else {}
        (sa, sb), _ = scan((a, b), parallel.compose_affine, **kwargs)
        np.testing.assert_allclose(sa, seq_a, rtol=1e-10)
        np.testing.assert_allclose(sb, seq_b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["hillis-steele", "blelloch"])
def test_linear_recurrence_scan_matches_loop(seed: int, method: str) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5000))
    a, b = rng.uniform(-1, 1, n), rng.standard_normal(n)
    x0 = float(rng.standard_normal())
    loop = parallel.linear_recurrence_loop(a, b, x0)
    scanned, cost = parallel.linear_recurrence_scan(a, b, x0, method=method)
    np.testing.assert_allclose(scanned, loop, rtol=1e-9, atol=1e-12)
    assert cost.depth <= 2 * math.ceil(math.log2(max(n, 2))) + 1


def test_linear_recurrence_first_terms_by_hand() -> None:
    # x[-1] = 1; x0 = 2*1 + 1 = 3; x1 = 3*3 + 0 = 9; x2 = 0.5*9 - 1 = 3.5
    loop = parallel.linear_recurrence_loop([2, 3, 0.5], [1, 0, -1], 1.0)
    np.testing.assert_allclose(loop, [3.0, 9.0, 3.5])
    scanned, _ = parallel.linear_recurrence_scan([2, 3, 0.5], [1, 0, -1], 1.0)
    np.testing.assert_allclose(scanned, [3.0, 9.0, 3.5])


def test_scan_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        parallel.hillis_steele_scan(np.array([]))
    with pytest.raises(ValueError, match="common length"):
        parallel.hillis_steele_scan((np.ones(3), np.ones(4)), parallel.compose_affine)
    with pytest.raises(ValueError, match="identity"):
        parallel.blelloch_scan((np.ones(3), np.ones(3)), parallel.compose_affine, identity=(1.0,))
    with pytest.raises(ValueError, match="method"):
        parallel.linear_recurrence_scan([1.0], [1.0], 0.0, method="magic")
    with pytest.raises(ValueError, match="1-d arrays"):
        parallel.linear_recurrence_loop([1.0, 2.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="finite"):
        parallel.linear_recurrence_loop([1.0, np.inf], [1.0, 1.0], 0.0)


# ---------------------------------------------------------------- the nonlinear case


def test_logistic_map_orbit_and_composition() -> None:
    orbit = parallel.logistic_map(0.2, 3.7, 5)
    assert orbit[0] == 0.2 and orbit[1] == pytest.approx(3.7 * 0.2 * 0.8)
    coefficients = parallel.composed_logistic_coefficients(3.7, 3)
    assert len(coefficients) == 2**3 + 1  # degree doubles with every composed step
    xs = np.linspace(0, 1, 5)
    direct = [parallel.logistic_map(x, 3.7, 3)[-1] for x in xs]
    np.testing.assert_allclose(
        np.polynomial.polynomial.polyval(xs, coefficients), direct, atol=1e-9
    )


def test_chaotic_orbits_diverge_in_about_fifty_steps() -> None:
    # r = 4: errors double each step (Lyapunov exponent ln 2), so 1e-15 grows to 0.1 in ~47
    step = parallel.divergence_step(4.0, 0.3, 1e-15)
    assert 35 <= step <= 60
    with pytest.raises(ValueError, match="did not diverge"):
        parallel.divergence_step(2.5, 0.3, 1e-6)


def test_logistic_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="r must"):
        parallel.logistic_map(0.5, 4.5, 3)
    with pytest.raises(ValueError, match="x0"):
        parallel.logistic_map(1.5, 3.0, 3)
    with pytest.raises(ValueError, match="steps"):
        parallel.logistic_map(0.5, 3.0, -1)
    with pytest.raises(ValueError, match="k must"):
        parallel.composed_logistic_coefficients(3.0, 9)
    with pytest.raises(ValueError, match="perturbation"):
        parallel.divergence_step(4.0, 0.3, 0.5)


# ---------------------------------------------------------------- <표 2-1>


def test_table_2_1_arithmetic() -> None:
    # footnote 4: 4 bytes x 12 = 48 bytes per vector, four vector transfers, 192 bytes, 1/16
    assert parallel.vector_add_traffic(12, 4, 1 * 4) == 192
    assert parallel.vector_add_intensity(12) == pytest.approx(1 / 16)
    assert parallel.vector_add_intensity(12, 4, 3) == pytest.approx(1 / 12)
    assert parallel.vector_add_intensity(12, 8, 3) == pytest.approx(1 / 24)
    assert parallel.vector_add_intensity(12, 8, 4) == pytest.approx(1 / 32)
    # "고정": independent of the vector length
    assert parallel.vector_add_intensity(120_000) == parallel.vector_add_intensity(12)


def test_intensity_conventions_table() -> None:
    table = parallel.intensity_conventions(12)
    assert list(table["as a fraction"]) == ["1/16", "1/12", "1/32", "1/24"]
    assert list(table["bytes moved"]) == [192, 144, 384, 288]


def test_intensity_bad_input_raises() -> None:
    with pytest.raises(ValueError, match="length"):
        parallel.vector_add_traffic(0)
    with pytest.raises(ValueError, match="bytes_per_element"):
        parallel.vector_add_traffic(12, 3)
    with pytest.raises(ValueError, match="vectors_moved"):
        parallel.vector_add_traffic(12, 4, 5)


# ---------------------------------------------------------------- tasks


def test_task_schedule_speedup() -> None:
    assert parallel.task_schedule_speedup(8, 4) == 4.0
    assert parallel.task_schedule_speedup(10, 4) == pytest.approx(10 / 3)
    assert parallel.task_schedule_speedup(3, 8) == 3.0
    with pytest.raises(ValueError):
        parallel.task_schedule_speedup(0, 2)


def test_chunked_amdahl() -> None:
    assert parallel.chunked_amdahl_speedup(0.0, 3, 2) == pytest.approx(1.5)  # 2 rounds
    assert parallel.chunked_amdahl_speedup(0.0, 4, 2) == pytest.approx(2.0)
    assert parallel.chunked_amdahl_speedup(0.25, 3, 2) == pytest.approx(1 / (0.25 + 0.75 / 1.5))
    for f in (0.0, 0.1, 0.5):  # chunks <= cores: plain Amdahl
        assert parallel.chunked_amdahl_speedup(f, 4, 8) == pytest.approx(
            parallel.amdahl_speedup(f, 4)
        )
    with pytest.raises(ValueError, match="serial_fraction"):
        parallel.chunked_amdahl_speedup(1.2, 2, 2)
    with pytest.raises(ValueError, match="chunks must be positive, got 0"):
        parallel.chunked_amdahl_speedup(0.1, 0, 2)


def test_training_run_is_deterministic_and_learns() -> None:
    first = parallel.train_logistic_regression(0.5, seed=3, steps=200)
    assert first == parallel.train_logistic_regression(0.5, seed=3, steps=200)
    assert first < math.log(2)  # better than predicting 0.5 everywhere
    with pytest.raises(ValueError, match="learning_rate"):
        parallel.train_logistic_regression(-1.0)


def test_measurements_have_expected_shape() -> None:
    """Tiny sizes: checks the bookkeeping, not the (machine-dependent) timings."""
    scaling = parallel.measure_scaling(sizes=(1000,), workers=(1, 2), rounds=2)
    assert len(scaling) == 4 and set(scaling["kernel"]) == {"add", "sin"}
    assert np.all(scaling["seconds"] > 0)
    assert np.allclose(scaling.loc[scaling["workers"] == 1, "speedup"], 1.0)
    amdahl = parallel.measure_amdahl((0.0, 0.5), workers=(1, 2), n=10_000, rounds=2)
    assert len(amdahl) == 4
    assert np.allclose(
        amdahl["Amdahl (p chunks on the cores)"].iloc[:2],
        [1.0, parallel.chunked_amdahl_speedup(0.0, 2, parallel.usable_cores())],
    )
    with pytest.raises(ValueError, match="unknown kernels"):
        parallel.measure_scaling(kernels=("fft",))
    with pytest.raises(ValueError, match="workers"):
        parallel.measure_amdahl(workers=())
    with pytest.raises(ValueError, match="rounds"):
        parallel.measure_amdahl(n=100, rounds=0)


def test_tasks_give_the_same_results_on_any_number_of_workers() -> None:
    timings, results = parallel.measure_tasks((0.1, 1.0), workers=(1, 2), steps=50, rounds=2)
    assert list(timings["workers"]) == [1, 2]
    np.testing.assert_array_equal(results.iloc[:, 1], results.iloc[:, 2])


# ---------------------------------------------------------------- audit


def test_audit_covers_every_chapter_2_claim_once() -> None:
    findings = parallel.audit()
    ids = [f.claim.id for f in findings]
    assert sorted(ids) == sorted(c.id for c in claims.registered(chapter=2))
    assert len(set(ids)) == len(ids)
    by_id = {f.claim.id: f for f in findings}
    assert by_id["ch2.vector-add-intensity"].verdict is Verdict.HOLDS
    assert by_id["ch2.recurrence-not-parallel"].verdict is Verdict.MISLEADING
    assert parallel.audit() == findings  # deterministic
    claims.audit_table(findings)  # renders without error


def test_scaling_summary_reasons() -> None:
    import pandas as pd

    table = pd.DataFrame(
        {
            "kernel": ["add"] * 4 + ["sin"] * 4,
            "n": [12, 12, 10**6, 10**6] * 2,
            "workers": [1, 2] * 4,
            "seconds": [1e-6, 5e-5, 1e-3, 9e-4, 1e-6, 5e-5, 1e-2, 5.2e-3],
            "speedup": [1.0, 0.02, 1.0, 1.1, 1.0, 0.02, 1.0, 1.92],
            "GB/s": [0.1, 0.01, 24.0, 26.4, 0.1, 0.01, 1.6, 3.1],
        }
    )
    lines = parallel.scaling_summary(table)
    assert len(lines) == 5 and "microseconds" in lines[0] and "memory-bound" in lines[1]
    assert lines[3].endswith("scales") and "bandwidth, not the cores" in lines[4]
    assert all(len(part) <= 79 for line in lines for part in line.splitlines())
    short = table.assign(
        seconds=[1e-6, 5e-5, 3e-5, 8e-5, 1e-6, 5e-5, 1e-2, 5.2e-3],
        speedup=[1.0, 0.02, 1.0, 0.4, 1.0, 0.02, 1.0, 1.92],
    )
    assert "thread hand-off (~50 us at n = 12)" in parallel.scaling_summary(short)[1]
    busy = table.assign(speedup=[1.0, 0.02, 1.0, 1.1, 1.0, 0.02, 1.0, 1.05])
    assert "cannot separate" in parallel.scaling_summary(busy)[-1]
    with pytest.raises(ValueError, match="columns"):
        parallel.scaling_summary(table.drop(columns="speedup"))
    with pytest.raises(ValueError, match="no row with 4 workers"):
        parallel.scaling_summary(table, workers=4)


def test_speedup_summary_gives_both_laws_and_the_ceiling() -> None:
    text = parallel.speedup_summary(0.05, 64)
    assert f"{parallel.amdahl_speedup(0.05, 64):8.2f}x" in text
    assert f"{parallel.gustafson_speedup(0.05, 64):8.2f}x" in text
    assert "20.0x" in text
    assert "ceiling" not in parallel.speedup_summary(0.0, 8)
    with pytest.raises(ValueError):
        parallel.speedup_summary(1.5, 8)
