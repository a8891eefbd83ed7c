"""Input checks shared by the package: bad input gets a ``ValueError`` saying what was wrong.

Every public function checks its arguments at the boundary with these helpers, so that NaN,
infinities, text or a wrong object get a message naming the argument instead of a silent NaN
answer or an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable

import pandas as pd

__all__ = ["integer", "positive_integer", "finite_number", "positive_number", "frame"]


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


def finite_number(name: str, value) -> float:
    """``value`` as a finite ``float``; NaN, infinities, booleans and non-numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def positive_number(name: str, value, *, allow_zero: bool = False) -> float:
    """A finite number above zero (or at least zero with ``allow_zero``): rates, sizes, times."""
    number = finite_number(name, value)
    if number < 0 or (number == 0 and not allow_zero):
        wanted = "zero or more" if allow_zero else "positive"
        raise ValueError(f"{name} must be {wanted}, got {number}")
    return number


def frame(name: str, value, columns: Iterable[str] = ()) -> pd.DataFrame:
    """``value`` if it is a DataFrame with every one of ``columns``; else a clear error."""
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(value).__name__}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}; it has {list(value.columns)}")
    return value
