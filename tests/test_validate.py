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


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), "1.0", None, True])
def test_finite_number_refuses_non_finite_and_non_numbers(bad) -> None:
    with pytest.raises(ValueError, match="x must be"):
        validate.finite_number("x", bad)


def test_finite_and_positive_numbers_pass() -> None:
    assert validate.finite_number("x", np.float32(1.5)) == 1.5
    assert validate.positive_number("rate", 2) == 2.0
    assert validate.positive_number("time", 0, allow_zero=True) == 0.0
    with pytest.raises(ValueError, match="rate must be positive, got 0.0"):
        validate.positive_number("rate", 0)
    with pytest.raises(ValueError, match="time must be zero or more"):
        validate.positive_number("time", -1, allow_zero=True)


def test_frame_names_what_is_wrong() -> None:
    import pandas as pd

    table = pd.DataFrame({"n": [1], "rate": [2.0]})
    assert validate.frame("table", table, ["n"]) is table
    with pytest.raises(TypeError, match="table must be a pandas DataFrame, got float"):
        validate.frame("table", 1.0)
    with pytest.raises(ValueError, match=r"lacks the columns \['size'\]"):
        validate.frame("table", table, ["size"])


def test_finite_array_converts_and_names_the_first_wrong_element() -> None:
    np.testing.assert_array_equal(validate.finite_array("x", [1, 2.5]), [1.0, 2.5])
    assert validate.finite_array("x", 3).shape == ()
    with pytest.raises(ValueError, match=r"x must be finite, got nan and 1 more"):
        validate.finite_array("x", [1.0, float("nan"), float("inf")])
    with pytest.raises(ValueError, match=r"x must be zero or more, got -2.0"):
        validate.finite_array("x", [0.0, -2.0], allow_negative=False)
    for bad in ["1.0", object(), [1, "a"]]:
        with pytest.raises(ValueError, match="x must be numbers"):
            validate.finite_array("x", bad)


def test_instance_says_what_was_expected() -> None:
    assert validate.instance("n", 3, int) == 3
    with pytest.raises(TypeError, match="shape must be a ConvShape, got float"):
        from aicompute.im2col import ConvShape

        validate.instance("shape", 1.0, ConvShape)
    with pytest.raises(TypeError, match="layers must be a dict of shapes, got str"):
        validate.instance("layers", "abc", dict, "a dict of shapes")
    with pytest.raises(TypeError, match="x must be a dict or a list, got str"):
        validate.instance("x", "1", (dict, list))


def test_text_and_function() -> None:
    assert validate.text("name", "K40") == "K40"
    with pytest.raises(ValueError, match="name must not be empty"):
        validate.text("name", "  ")
    with pytest.raises(TypeError, match=r"name must be text \(a str\), got float"):
        validate.text("name", float("nan"))
    assert validate.function("fn", len) is len
    with pytest.raises(TypeError, match="fn must be a function to call, got str"):
        validate.function("fn", "len")


def test_sequences_are_lists_but_not_text_or_dicts() -> None:
    assert validate.sequence("sizes", (1, 2)) == [1, 2]
    assert validate.sequence("sizes", np.arange(2)) == [0, 1]
    for bad in ["12", {"a": 1}, 3.0, None]:
        with pytest.raises(TypeError, match="sizes must be a list"):
            validate.sequence("sizes", bad)
    assert validate.positive_integers("sizes", [1, np.int64(2)]) == [1, 2]
    with pytest.raises(ValueError, match="each of sizes must be positive, got 0"):
        validate.positive_integers("sizes", [4, 0])
    with pytest.raises(TypeError, match="sizes must be a list of integers, got float"):
        validate.positive_integers("sizes", float("nan"))
