"""Input checks shared by the package: bad input gets a ``ValueError`` saying what was wrong.

Every public function checks its arguments at the boundary with these helpers, so that NaN,
infinities, text or a wrong object get a message naming the argument instead of a silent NaN
answer or an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "integer",
    "positive_integer",
    "finite_number",
    "positive_number",
    "finite_array",
    "sequence",
    "positive_integers",
    "frame",
    "instance",
    "text",
    "function",
]


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


def finite_array(name: str, value, *, allow_negative: bool = True) -> np.ndarray:
    """``value`` (a number or array-like of numbers) as a float array with no NaN or infinity
    (and, without ``allow_negative``, nothing below zero)."""
    if isinstance(value, str | bytes):
        raise ValueError(f"{name} must be numbers, got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {type(value).__name__}") from None
    _refuse(name, array, ~np.isfinite(array), "finite")
    if not allow_negative:
        _refuse(name, array, array < 0, "zero or more")
    return array


def _refuse(name: str, array: np.ndarray, wrong: np.ndarray, wanted: str) -> None:
    """A ValueError naming the first wrong element of ``array`` and how many more there are."""
    if wrong.any():
        more = f" and {int(wrong.sum()) - 1} more" if wrong.sum() > 1 else ""
        raise ValueError(f"{name} must be {wanted}, got {array[wrong].ravel()[0]}{more}")


def sequence(name: str, value, what: str = "a list") -> list:
    """``value`` (a list, tuple, array or other iterable, but not text or a dict) as a list."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return list(value)


def positive_integers(name: str, value, minimum: int = 1) -> list[int]:
    """A list of integers of at least ``minimum`` each (sizes, batch sizes), e.g. ``[64, 128]``."""
    items = sequence(name, value, "a list of integers")
    return [positive_integer(f"each of {name}", item, minimum) for item in items]


def frame(name: str, value, columns: Iterable[str] = ()) -> pd.DataFrame:
    """``value`` if it is a DataFrame with every one of ``columns``; else a clear error."""
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(value).__name__}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}; it has {list(value.columns)}")
    return value


def instance(name: str, value, kind: type | tuple[type, ...], what: str = ""):
    """``value`` if it is an instance of ``kind``; else a ``TypeError`` saying what was expected
    (``what``, e.g. ``"a dict of layer shapes"``, or the class names)."""
    if not isinstance(kind, type | tuple):
        raise TypeError(f"kind must be a class or a tuple of classes, got {type(kind).__name__}")
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = what or " or ".join(f"a {k.__name__}" for k in kinds)
        raise TypeError(f"{name} must be {wanted}, got {type(value).__name__}")
    return value


def text(name: str, value) -> str:
    """``value`` if it is a non-empty string (a name, a label, a path); else a clear error."""
    instance(name, value, str, "text (a str)")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def function(name: str, value):
    """``value`` if it can be called (a function, a lambda, a bound method); else a TypeError."""
    if not callable(value):
        raise TypeError(f"{name} must be a function to call, got {type(value).__name__}")
    return value
