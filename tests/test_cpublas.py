"""The BLAS library named: config strings, threadpoolctl entries, forced kernels, ceilings."""

from __future__ import annotations

import pytest
from factories import make_cpu

from aicompute import cpublas, cpuclock, hardware

CONFIG = "OpenBLAS 0.3.31.188.0  USE64BITINT DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"
ZEN5 = dict(
    flags=frozenset({"avx2", "avx", "fma", "avx512f"}),
    vendor="AuthenticAMD",
    family=26,
    logical_cores=2,
)


def _library(kernel: str, forced: str | None = None, name: str = "OpenBLAS"):
    return cpublas.BlasLibrary(name, "0.3.31", 2, kernel, forced, "test")


def test_openblas_config_gives_version_and_kernel() -> None:
    assert cpublas.parse_openblas_config(CONFIG) == ("0.3.31.188.0", "SkylakeX")
    assert cpublas.parse_openblas_config("OpenBLAS 0.3.2 NO_AFFINITY MAX_THREADS=8") == (
        "0.3.2",
        None,
    )
    with pytest.raises(ValueError, match="not an OpenBLAS"):
        cpublas.parse_openblas_config("MKL 2024")
    with pytest.raises(TypeError):
        cpublas.parse_openblas_config(None)  # type: ignore[arg-type]


def test_threadpoolctl_entries_prefer_numpys_own_blas() -> None:
    entries = [
        {"user_api": "openmp", "internal_api": "openmp", "num_threads": 2},
        {
            "user_api": "blas",
            "internal_api": "openblas",
            "filepath": "/x/scipy.libs/libscipy_openblas.so",
            "version": "0.3.30",
            "num_threads": 2,
            "architecture": "Zen",
        },
        {
            "user_api": "blas",
            "internal_api": "openblas",
            "filepath": "/x/numpy.libs/libscipy_openblas64_.so",
            "version": "0.3.31",
            "num_threads": 2,
            "architecture": "Haswell",
        },
    ]
    info = cpublas.from_threadpool_info(entries, forced_kernel="Haswell")
    assert (info.library, info.version, info.kernel) == ("OpenBLAS", "0.3.31", "Haswell")
    assert info.is_forced and "forces the kernel" in info.coretype_text()
    assert cpublas.from_threadpool_info(entries[:1]) is None
    mkl = [{"user_api": "blas", "internal_api": "mkl", "architecture": None}]
    assert cpublas.from_threadpool_info(mkl, "Haswell").forced_kernel is None


def test_forced_kernel_is_read_from_the_environment_not_set() -> None:
    info = cpublas.blas_library(environ={"OPENBLAS_CORETYPE": "Haswell"})
    if info.library == "OpenBLAS":
        assert info.forced_kernel == "Haswell"
        assert info.is_forced == (str(info.kernel).lower() == "haswell")
    assert cpublas.blas_library(environ={}).forced_kernel is None


def test_a_variable_the_library_ignored_is_not_called_forcing() -> None:
    info = _library("SkylakeX", forced="Haswell")
    assert not info.is_forced and "but SkylakeX runs" in info.coretype_text()
    assert "only concerns OpenBLAS" in _library("x", "Haswell", name="MKL").coretype_text()


def test_this_machines_blas_is_named() -> None:
    info = cpublas.blas_library()
    assert info.library and info.source
    table = cpublas.blas_table(info).set_index("item")["value"]
    assert {"library", "kernel", "OPENBLAS_CORETYPE", "processor's vectors"} <= set(table.index)


def test_a_256_bit_kernel_halves_a_512_bit_datapath() -> None:
    clock = cpuclock.ClockMeasurement(4.0e9, (4.0e9, 4.0e9), "test")
    zen5 = make_cpu(**ZEN5)
    peak = hardware.cpu_peak(clock, zen5, bits=64)
    assert peak.measured == pytest.approx(2 * 4e9 * 8 * 2 * 2)
    assert cpublas.kernel_peak_flops(_library("Haswell"), peak, zen5) == pytest.approx(
        peak.measured / 2
    )
    assert cpublas.kernel_peak_flops(_library("SkylakeX"), peak, zen5) == pytest.approx(
        peak.measured
    )
    assert cpublas.kernel_peak_flops(_library("SomethingNew"), peak, zen5) is None
    # Zen 4 runs AVX-512 on 256-bit units: an AVX2 kernel costs nothing there
    zen4 = make_cpu(**{**ZEN5, "family": 25})
    peak4 = hardware.cpu_peak(clock, zen4, bits=64)
    assert cpublas.kernel_peak_flops(_library("Haswell"), peak4, zen4) == pytest.approx(
        peak4.measured
    )
    # Sandy Bridge kernels have no FMA: half again
    assert cpublas.kernel_peak_flops(_library("Sandybridge"), peak4, zen4) == pytest.approx(
        peak4.measured / 2
    )
    rows = cpublas.blas_table(_library("Haswell", "Haswell"), zen5, peak).set_index("item")
    assert rows.loc["ceiling of this kernel", "value"].endswith("(50% of the peak)")


def test_direct_dgemm_computes_the_product_or_is_absent() -> None:
    import numpy as np

    dgemm = cpublas.direct_dgemm()
    if dgemm is None:
        pytest.skip("NumPy's BLAS here is not an OpenBLAS with cblas_dgemm")
    rng = np.random.default_rng(0)
    a, b = rng.random((30, 20)), rng.random((20, 10))
    c = np.empty((30, 10))
    np.testing.assert_allclose(dgemm(a, b, c), a @ b, rtol=1e-12)
    with pytest.raises(ValueError, match="do not match"):
        dgemm(a, a, c)
    with pytest.raises(ValueError, match="float64"):
        dgemm(a.astype(np.float32), b, c)
    with pytest.raises(ValueError, match="C-contiguous"):
        dgemm(np.asfortranarray(a), b, c)
