"""Tables for people: headers in words, no index, plain numbers, a dash when missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aicompute import display


def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {"name": ["K40", "P100"], "fp64_tflops": [1.43, math.nan], "cores": [2880, 3584]}
    )


def test_table_shows_words_dashes_and_separators() -> None:
    shown = display.table(
        sample(), {"name": "GPU", "fp64_tflops": "FP64 peak [TFLOP/s]", "cores": "CUDA cores"}
    )
    assert shown.headers == ["GPU", "FP64 peak [TFLOP/s]", "CUDA cores"]
    assert shown.cells == [["K40", "1.43", "2,880"], ["P100", "—", "3,584"]]
    text = repr(shown)
    assert text.splitlines()[0].startswith("GPU") and "2,880" in text
    page = shown._repr_html_()
    assert "<th class='num'>CUDA cores</th>" in page and ">0<" not in page  # no index column


def test_code_names_are_refused() -> None:
    with pytest.raises(ValueError, match=r"headers in words: \['fp64_tflops'\]"):
        display.table(sample(), {"name": "GPU", "cores": "CUDA cores"})
    with pytest.raises(ValueError, match="does not have"):
        display.table(sample(), {"nope": "x"})


def test_empty_table_says_what_is_missing() -> None:
    shown = display.table(pd.DataFrame({"GPU": []}), empty="No GPU on this machine.")
    assert repr(shown) == "No GPU on this machine."
    assert "No GPU on this machine." in shown._repr_html_()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.954e10, "39,540,000,000"),
        (3.95e10 + 0.5, "39,500,000,000"),
        (0.0625, "0.0625"),
        (7.68e-4, "0.000768"),
        (3.2e-5, "3.20e-05"),
        (12.0, "12"),
        (True, "yes"),
        (None, "—"),
        (float("inf"), "∞"),
        (1234567, "1,234,567"),
    ],
)
def test_format_value(value, text) -> None:
    assert display.format_value(value) == text


def test_bad_input_is_refused() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        display.table([1, 2])
    with pytest.raises(ValueError, match="empty"):
        display.table(sample(), empty=" ")
    with pytest.raises(ValueError, match="finite"):
        display.format_number(float("nan"))


def test_a_column_shares_its_decimals() -> None:
    # transcribed numbers are shown as printed: 116.7 stays 116.7, not 117
    assert display.format_column([116.7, 100.0, math.nan]) == ["116.7", "100.0", "—"]
    assert display.format_column([26.76, 1873.0]) == ["26.76", "1,873.00"]
    # computed numbers: three significant figures on the largest, two on the smallest
    assert display.format_column([23.611111, 0.7651723, 44.2128]) == ["23.61", "0.77", "44.21"]
    assert display.format_column([2.954678, 3.461111]) == ["2.95", "3.46"]
    # whole numbers stay whole; a range too wide for one format keeps each value's own
    assert display.format_column([3.0, 1234567.0]) == ["3", "1,234,567"]
    assert display.format_column([1e-6 / 3, 2.0 / 3]) == ["3.33e-07", "0.667"]
    assert display.format_column(["K40", None, 1.5]) == ["K40", "—", "1.5"]


def test_years_have_no_separators_and_wide_ranges_keep_their_own_format() -> None:
    frame = pd.DataFrame({"Year": [2018, 2024], "step [ms]": [4.0, 103_453_781.13456]})
    assert display.table(frame).cells == [["2018", "4"], ["2024", "103,000,000"]]


def test_labelled_uses_the_words_a_frame_needs() -> None:
    vocabulary = {"fp64_tflops": "FP64 peak [TFLOP/s]", "cores": "CUDA cores", "x_y": "unused"}
    shown = display.labelled(sample().set_index("name"), vocabulary, {"name": "GPU"})
    assert shown.headers == ["GPU", "FP64 peak [TFLOP/s]", "CUDA cores"]
    with pytest.raises(ValueError, match="headers in words"):
        display.labelled(sample(), {"cores": "CUDA cores"})


def test_values_line_wraps_to_the_column() -> None:
    values = {f"processor {i}": 1234.5 * i for i in range(1, 12)}
    text = display.values_line("share of peak", values, unit="%")
    lines = text.splitlines()
    assert len(lines) > 1 and all(len(line) <= 79 for line in lines)
    assert lines[0].startswith("share of peak: processor 1 1,234.5 %") or "processor 1" in lines[0]
    with pytest.raises(TypeError, match="mapping"):
        display.values_line("x", [1, 2])
