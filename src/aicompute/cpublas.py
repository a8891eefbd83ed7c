"""Which BLAS library runs NumPy's matrix products, with which kernel, and what that kernel costs.

NumPy hands ``a @ b`` to a BLAS library (OpenBLAS in the wheels from PyPI, MKL or OpenBLAS in
conda). OpenBLAS ships one hand-written kernel per processor family (``Haswell`` for AVX2,
``SkylakeX`` and later for AVX-512, ``Zen``, ``Neoverse``...) and picks one when it loads. The
environment variable ``OPENBLAS_CORETYPE`` overrides that choice: some environments set it to
avoid a crash of older builds on new processors, and the forced kernel may use only half of the
vector width the processor has. This module names the library, its version, thread count and
kernel, compares the kernel's vector width with the processor's, and computes the ceiling that
width puts on a matrix product.

It asks ``threadpoolctl`` when it is installed (its ``architecture`` field is OpenBLAS's kernel
name) and otherwise OpenBLAS itself through ``ctypes`` (``openblas_get_config`` and
``openblas_get_corename``, under the prefixes NumPy's and SciPy's bundled builds use), and last
``numpy.show_config``, which knows the library but not the kernel.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from dataclasses import dataclass

import pandas as pd

from aicompute import hardware, validate
from aicompute.hardware import CpuInfo

__all__ = [
    "CORETYPE_VARIABLE",
    "KERNEL_VECTOR_BITS",
    "BlasLibrary",
    "parse_openblas_config",
    "from_threadpool_info",
    "blas_library",
    "kernel_peak_flops",
    "blas_table",
    "direct_dgemm",
]

CORETYPE_VARIABLE = "OPENBLAS_CORETYPE"

KERNEL_VECTOR_BITS: dict[str, tuple[int, bool]] = {
    # OpenBLAS kernel name (lower case): (vector bits its GEMM uses, uses FMA)
    "sapphirerapids": (512, True),
    "cooperlake": (512, True),
    "skylakex": (512, True),
    "haswell": (256, True),
    "zen": (256, True),
    "sandybridge": (256, False),
    "nehalem": (128, False),
    "core2": (128, False),
    "penryn": (128, False),
    "prescott": (128, False),
    "barcelona": (128, False),
    "armv8": (128, True),
    "cortexa57": (128, True),
    "cortexa72": (128, True),
    "neoversen1": (128, True),
    "neoversen2": (128, True),
    "neoversev1": (256, True),
}
"""Vector width of the GEMM kernels OpenBLAS names (its ``kernel/`` directory per target)."""

_PREFIXES = ("scipy_", "")
_SUFFIXES = ("64_", "")


@dataclass(frozen=True)
class BlasLibrary:
    """The BLAS behind NumPy's matrix products, as far as it can be read."""

    library: str
    version: str | None
    threads: int | None
    kernel: str | None
    forced_kernel: str | None
    source: str
    path: str | None = None

    @property
    def kernel_vector_bits(self) -> int | None:
        """Vector width the kernel's GEMM uses, ``None`` if the kernel is not in our table."""
        entry = KERNEL_VECTOR_BITS.get((self.kernel or "").lower())
        return None if entry is None else entry[0]

    @property
    def kernel_uses_fma(self) -> bool | None:
        entry = KERNEL_VECTOR_BITS.get((self.kernel or "").lower())
        return None if entry is None else entry[1]

    @property
    def is_forced(self) -> bool:
        """Whether ``OPENBLAS_CORETYPE`` chose the kernel that runs (OpenBLAS only)."""
        return (
            self.library == "OpenBLAS"
            and bool(self.forced_kernel)
            and (self.kernel or "").lower() == str(self.forced_kernel).lower()
        )

    def coretype_text(self) -> str:
        """What ``OPENBLAS_CORETYPE`` did here, in words."""
        if self.library != "OpenBLAS":
            return f"not used: {CORETYPE_VARIABLE} only concerns OpenBLAS"
        if not self.forced_kernel:
            return "not set: OpenBLAS chose the kernel for this processor"
        if self.is_forced:
            return f"set to {self.forced_kernel}: it forces the kernel"
        return (
            f"set to {self.forced_kernel}, but {self.kernel or 'an unknown kernel'} runs "
            "(set after OpenBLAS loaded, or a name it does not know)"
        )


def parse_openblas_config(text: str) -> tuple[str | None, str | None]:
    """``(version, kernel)`` from OpenBLAS's configuration string.

    E.g. ``'OpenBLAS 0.3.31  USE64BITINT DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64'``
    gives ``('0.3.31', 'SkylakeX')``; the kernel is the word before ``MAX_THREADS``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be OpenBLAS's config string, got {type(text).__name__}")
    words = text.split()
    if len(words) < 2 or words[0] != "OpenBLAS":
        raise ValueError(f"not an OpenBLAS configuration string: {text!r}")
    kernel = None
    for index, word in enumerate(words[3:], start=3):
        before = words[index - 1]
        is_flag = "_" in before or before.startswith("USE") or before.endswith("BITINT")
        if word.startswith("MAX_THREADS") and not is_flag:
            kernel = before
    return words[1], kernel


def from_threadpool_info(
    entries: list[dict], forced_kernel: str | None = None
) -> BlasLibrary | None:
    """The BLAS NumPy uses from ``threadpoolctl.threadpool_info()`` entries (None if no BLAS).

    Prefers the library inside NumPy's own directory (``numpy.libs`` or ``numpy/.libs``).
    """
    entries = validate.sequence("entries", entries, "a list of threadpoolctl entries")
    for entry in entries:
        validate.instance("each of entries", entry, dict)
    blas = [e for e in entries if e.get("user_api") == "blas"]
    if not blas:
        return None
    blas.sort(key=lambda e: "numpy" not in str(e.get("filepath", "")))
    entry = blas[0]
    names = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS", "flexiblas": "FlexiBLAS"}
    library = names.get(str(entry.get("internal_api")), str(entry.get("internal_api")))
    return BlasLibrary(
        library=library,
        version=entry.get("version"),
        threads=entry.get("num_threads"),
        kernel=entry.get("architecture"),
        forced_kernel=forced_kernel if library == "OpenBLAS" else None,
        source="threadpoolctl",
        path=entry.get("filepath"),
    )


def _loaded_openblas_paths() -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as handle:
            paths = {line.split()[-1] for line in handle if "openblas" in line.lower()}
    except OSError:
        return []
    return sorted((p for p in paths if ".so" in p), key=lambda p: "numpy" not in p)


def _call(library, stem: str, restype):
    for prefix in _PREFIXES:
        for suffix in _SUFFIXES:
            name = f"{prefix}openblas_{stem}{suffix}"
            if hasattr(library, name):
                function = getattr(library, name)
                function.restype = restype
                return function()
    return None


def _from_ctypes(forced_kernel: str | None) -> BlasLibrary | None:
    for path in _loaded_openblas_paths():
        try:
            library = ctypes.CDLL(path)  # already loaded: this only looks it up
        except OSError:
            continue
        config = _call(library, "get_config", ctypes.c_char_p)
        if config is None:
            continue
        version, kernel = parse_openblas_config(config.decode(errors="replace"))
        corename = _call(library, "get_corename", ctypes.c_char_p)
        threads = _call(library, "get_num_threads", ctypes.c_int)
        return BlasLibrary(
            library="OpenBLAS",
            version=version,
            threads=threads,
            kernel=corename.decode(errors="replace") if corename else kernel,
            forced_kernel=forced_kernel,
            source="OpenBLAS itself, through ctypes",
            path=path,
        )
    return None


def _from_show_config() -> BlasLibrary:
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        name, version = str(blas.get("name", "unknown")), blas.get("version")
    except (TypeError, KeyError, ValueError):  # NumPy before 1.26 prints instead
        name, version = "unknown", None
    library = "OpenBLAS" if "openblas" in name.lower() else name
    return BlasLibrary(library, version, None, None, None, "numpy.show_config (no kernel)")


def blas_library(environ=None) -> BlasLibrary:
    """The BLAS behind NumPy here: threadpoolctl, else OpenBLAS through ctypes, else NumPy's
    build configuration. ``environ`` (default ``os.environ``) is only read."""
    import numpy  # noqa: F401  (loads NumPy's BLAS, so that it can be found)

    environ = os.environ if environ is None else environ
    forced = environ.get(CORETYPE_VARIABLE, "").strip() or None
    if importlib.util.find_spec("threadpoolctl") is not None:
        import threadpoolctl

        found = from_threadpool_info(threadpoolctl.threadpool_info(), forced)
        if found is not None:
            return found
    return _from_ctypes(forced) or _from_show_config()


def kernel_peak_flops(
    info: BlasLibrary, peak: hardware.CpuPeak, cpu: CpuInfo | None = None
) -> float | None:
    """The ceiling the kernel's vector width puts on GEMM at the measured clock (FLOP/s).

    ``None`` when the kernel is unknown. Equal to ``peak.measured`` when the kernel uses the
    processor's full datapath; half of it for a 256-bit kernel on a 512-bit datapath.
    """
    validate.instance("info", info, BlasLibrary)
    validate.instance("peak", peak, hardware.CpuPeak)
    if info.kernel_vector_bits is None:
        return None
    cpu = cpu or hardware.cpu_info()
    per_cycle = hardware.flops_per_cycle(cpu, bits=peak.bits, vector_bits=info.kernel_vector_bits)
    if info.kernel_uses_fma is False and cpu.has_fma:
        per_cycle //= 2
    return peak.cores * peak.measured_clock_ghz * 1e9 * per_cycle


def blas_table(
    info: BlasLibrary, cpu: CpuInfo | None = None, peak: hardware.CpuPeak | None = None
) -> pd.DataFrame:
    """The library, its kernel and the processor side by side, for a reader (item, value)."""
    validate.instance("info", info, BlasLibrary)
    cpu = cpu or hardware.cpu_info()
    bits = info.kernel_vector_bits
    rows = [
        ("library", info.library),
        ("version", info.version or "unknown"),
        ("threads", "unknown" if info.threads is None else str(info.threads)),
        ("kernel", info.kernel or "unknown"),
        ("kernel vector width", "unknown" if bits is None else f"{bits} bit"),
        ("processor's vectors", f"{cpu.simd}, {cpu.datapath_bits}-bit datapath"),
        (CORETYPE_VARIABLE, info.coretype_text()),
        ("read from", info.source),
    ]
    if peak is not None:
        ceiling = kernel_peak_flops(info, peak, cpu)
        rows.append(("peak at the measured clock", f"{peak.measured / 1e9:,.1f} GFLOP/s"))
        if ceiling is not None:
            rows.append(
                (
                    "ceiling of this kernel",
                    f"{ceiling / 1e9:,.1f} GFLOP/s ({ceiling / peak.measured:.0%} of the peak)",
                )
            )
    return pd.DataFrame(rows, columns=["item", "value"])


def direct_dgemm():
    """The OpenBLAS ``cblas_dgemm`` NumPy loaded, as ``f(a, b, c)`` computing ``c = a @ b``.

    For C-contiguous float64 matrices; calls the library with no NumPy in between, so timing it
    beside ``numpy.matmul`` shows what NumPy's wrapper costs. ``None`` when the loaded BLAS is
    not an OpenBLAS that exports ``cblas_dgemm`` under a name we know.
    """
    import numpy as np

    pointer = ctypes.POINTER(ctypes.c_double)
    for path in _loaded_openblas_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name, integer in (
            ("scipy_cblas_dgemm64_", ctypes.c_int64),
            ("cblas_dgemm64_", ctypes.c_int64),
            ("cblas_dgemm", ctypes.c_int),
        ):
            if not hasattr(library, name):
                continue
            function = getattr(library, name)
            function.restype = None
            function.argtypes = [ctypes.c_int] * 3 + [integer] * 3 + [
                ctypes.c_double, pointer, integer, pointer, integer,
                ctypes.c_double, pointer, integer,
            ]  # fmt: skip

            def dgemm(a, b, c, _function=function):
                for matrix in (a, b, c):
                    if matrix.dtype != np.float64 or not matrix.flags.c_contiguous:
                        raise ValueError("direct_dgemm needs C-contiguous float64 matrices")
                (m, k), (k2, n) = a.shape, b.shape
                if k != k2 or c.shape != (m, n):
                    raise ValueError(f"shapes {a.shape} @ {b.shape} -> {c.shape} do not match")
                row_major, no_trans = 101, 111
                a_, b_, c_ = (x.ctypes.data_as(pointer) for x in (a, b, c))
                _function(
                    row_major, no_trans, no_trans, m, n, k, 1.0, a_, k, b_, n, 0.0, c_, n
                )  # fmt: skip
                return c

            return dgemm
    return None
