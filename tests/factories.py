"""Test data built in one place: processors that the tests describe field by field."""

from __future__ import annotations

from aicompute import hardware


def make_cpu(**changes: object) -> hardware.CpuInfo:
    """A 4-core 2 GHz AVX2+FMA Intel CPU, with any field changed by keyword."""
    fields: dict[str, object] = dict(
        model="test",
        logical_cores=4,
        flags=frozenset({"sse2", "avx", "avx2", "fma"}),
        clock_ghz=2.0,
        clock_source="test",
        vendor="GenuineIntel",
        family=6,
    )
    fields.update(changes)
    return hardware.CpuInfo(**fields)  # type: ignore[arg-type]
