"""Shared input checks."""

from __future__ import annotations

import numpy as np
import pytest

from aicompute import validate


def test_integers_pass_and_numpy_integers_too() -> None:
    assert validate.integer("n", 3) == 3
    assert validate.integer("n", np.int64(4)) == 4
    assert validate.positive_integer("n", 1) == 1
    assert validate.positive_integer("padding", 0, minimum=0) == 0


@pytest.mark.parametrize("bad", [2.0, "3", True, None])
def test_non_integers_are_refused(bad) -> None:
    with pytest.raises(ValueError, match="n must be an integer"):
        validate.integer("n", bad)


def test_too_small_is_refused_with_the_bound() -> None:
    with pytest.raises(ValueError, match="batch must be positive, got 0"):
        validate.positive_integer("batch", 0)
    with pytest.raises(ValueError, match="size must be at least 2, got 1"):
        validate.positive_integer("size", 1, minimum=2)
