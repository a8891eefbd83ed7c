"""Input checks shared by the package: bad input gets a ``ValueError`` saying what was wrong."""

from __future__ import annotations

import operator

__all__ = ["integer", "positive_integer"]


def integer(name: str, value) -> int:
    """``value`` as an ``int``; booleans, floats and strings are refused (``2.0`` is no size)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return int(operator.index(value))
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def positive_integer(name: str, value, minimum: int = 1) -> int:
    """An integer of at least ``minimum`` (1 unless given): sizes, counts, batch sizes."""
    number = integer(name, value)
    if number < minimum:
        wanted = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {wanted}, got {number}")
    return number
