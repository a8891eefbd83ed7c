"""Tables for people: every table a reader sees in the book goes through :func:`table`.

A DataFrame printed as it comes shows a bare 0..N index, ``snake_case`` headers, ``NaN`` and
``3.954e+10``. :func:`table` shows the same data with headers in words (units in brackets), no
index, thousands separators, a dash for a missing value and plain numbers, both as HTML (in the
book and Jupyter) and as text (in a terminal). An empty table says in words what is missing.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping

import pandas as pd

from aicompute import validate

__all__ = [
    "Table",
    "format_column",
    "format_number",
    "format_value",
    "labelled",
    "table",
    "values_line",
]

MISSING = "—"


def format_number(value: float | None, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant figures and thousands separators, then its unit.

    Whole numbers of up to 15 digits keep every digit; scientific notation only below 1e-4 or
    from 1e15 up, where plain digits no longer read better.
    """
    if value is None:
        return MISSING
    value = validate.finite_number("value", value)
    digits = validate.positive_integer("digits", digits)
    if value == 0:
        text = "0"
    else:
        magnitude = math.floor(math.log10(abs(value)))
        if magnitude >= 15 or magnitude < -4:
            text = f"{value:.{digits - 1}e}"
        else:
            decimals = max(digits - 1 - magnitude, 0)
            text = f"{round(value, digits - 1 - magnitude):,.{decimals}f}"
    return f"{text} {unit}".strip()


def format_value(value, digits: int = 3) -> str:
    """One table cell as text: numbers via :func:`format_number`, a dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            return "∞" if value > 0 else "−∞"
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return format_number(float(value), digits=digits)
    return str(value)


class Table:
    """A DataFrame shown for people: HTML in the book and Jupyter, aligned text elsewhere."""

    def __init__(self, frame: pd.DataFrame, cells: list[list[str]], caption: str, empty: str):
        self.frame = frame
        self.cells = cells
        self.caption = caption
        self.empty = empty

    @property
    def headers(self) -> list[str]:
        """The column headers as shown."""
        return [str(c) for c in self.frame.columns]

    def __repr__(self) -> str:
        if not self.cells:
            return self.empty
        rows = [self.headers, *self.cells]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.headers))]
        numeric = self._numeric_columns()
        lines = []
        for row in rows:
            parts = [
                text.rjust(width) if numeric[i] else text.ljust(width)
                for i, (text, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(parts).rstrip())
        if self.caption:
            lines.insert(0, self.caption)
        return "\n".join(lines)

    def _numeric_columns(self) -> list[bool]:
        return [pd.api.types.is_numeric_dtype(self.frame[c]) for c in self.frame.columns]

    def _repr_html_(self) -> str:
        if not self.cells:
            return f"<p class='aicompute-empty'><em>{html.escape(self.empty)}</em></p>"
        numeric = self._numeric_columns()
        align = ["num" if n else "text" for n in numeric]
        head = "".join(
            f"<th class='{a}'>{html.escape(h)}</th>"
            for a, h in zip(align, self.headers, strict=True)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td class='{a}'>{html.escape(text)}</td>"
                for a, text in zip(align, row, strict=True)
            )
            + "</tr>"
            for row in self.cells
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return (
            "<div class='aicompute-table-wrap'><table class='aicompute-table'>"
            f"{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )


def table(
    frame: pd.DataFrame,
    headers: Mapping[str, str] | None = None,
    *,
    digits: int | Mapping[str, int] = 3,
    caption: str = "",
    empty: str = "No rows.",
    keep_index: bool = False,
) -> Table:
    """``frame`` as a table for people.

    ``headers`` renames columns to words with units (``{"fp64_tflops": "FP64 peak
    [TFLOP/s]"}``); a column left in ``snake_case`` is refused, so that no code name reaches a
    reader. ``digits`` gives significant figures, for all columns or per shown header. The index is
    dropped unless ``keep_index`` (then it becomes the first column, and needs a name in words).
    ``empty`` is what an empty table says instead. The numbers of a column share their decimals
    (:func:`format_column`); a column whose header names a year shows it without separators.
    """
    validate.frame("frame", frame)
    if not isinstance(empty, str) or not empty.strip():
        raise ValueError("empty must say in words what an empty table lacks")
    shown = frame.reset_index() if keep_index else frame.reset_index(drop=True)
    headers = dict(headers or {})
    unknown = sorted(set(headers) - {str(c) for c in shown.columns})
    if unknown:
        raise ValueError(f"headers name columns the table does not have: {unknown}")
    shown = shown.rename(columns=lambda c: headers.get(str(c), str(c)))
    code_names = [c for c in shown.columns if "_" in c or c in ("index", "level_0")]
    if code_names:
        raise ValueError(f"give these columns headers in words: {code_names}")
    per_column = digits if isinstance(digits, Mapping) else {}
    default = digits if not isinstance(digits, Mapping) else 3
    for name in per_column:
        if name not in shown.columns:
            raise ValueError(f"digits names a column the table does not have: {name!r}")
    columns = {
        column: (
            [format_year(v) for v in shown[column].tolist()]
            if YEAR.search(column)
            else format_column(shown[column].tolist(), per_column.get(column, default))
        )
        for column in shown.columns
    }
    cells = [[columns[column][i] for column in shown.columns] for i in range(len(shown))]
    return Table(shown, cells, caption, empty)


YEAR = re.compile(r"\byears?\b", re.IGNORECASE)


def format_year(value) -> str:
    """A year as written (2018, not 2,018); anything else as :func:`format_value` shows it."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isfinite(float(value)) and float(value).is_integer():
            return str(int(value))
    return format_value(value)


def _decimals(values: list[float], digits: int) -> int | None:
    """Decimals that show a column of numbers alike, or None where each needs its own format.

    Numbers that are exact at up to three decimals (a printed table's 116.7 or 26.76) keep
    them, so that a transcribed number is shown as printed; computed ones get ``digits``
    significant figures on the largest and at least two on the smallest.
    """
    for decimals in range(4):
        if all(abs(v - round(v, decimals)) <= 1e-6 * 10**-decimals for v in values):
            return decimals
    nonzero = [abs(v) for v in values if v != 0]
    top = math.floor(math.log10(max(nonzero)))
    bottom = math.floor(math.log10(min(nonzero)))
    if top >= 15 or bottom < -4 or top - bottom > 3:
        return None  # too wide a range for one format: each number keeps its own
    return min(max(digits - 1 - top, 1 - bottom, 0), 6)


def format_column(values: list, digits: int = 3) -> list[str]:
    """One column as text: its numbers with the same decimals (see :func:`_decimals`).

    A column of whole numbers shows them whole (``2,880``), whatever their type.
    """
    values = validate.sequence("values", values, "a list of table cells")
    digits = validate.positive_integer("digits", digits)
    floats = [
        float(v)
        for v in values
        if isinstance(v, numbers.Real)
        and not isinstance(v, (bool, numbers.Integral))
        and math.isfinite(float(v))
    ]
    whole = all(v.is_integer() for v in floats)
    decimals = None if whole else _decimals(floats, digits)
    if decimals is None:
        return [format_value(v, digits) for v in values]
    shown = []
    for v in values:
        is_number = isinstance(v, numbers.Real) and not isinstance(v, (bool, numbers.Integral))
        if is_number and math.isfinite(float(v)):
            shown.append(f"{float(v):,.{decimals}f}")
        else:
            shown.append(format_value(v, digits))
    return shown


def labelled(
    frame: pd.DataFrame,
    vocabulary: Mapping[str, str],
    headers: Mapping[str, str] | None = None,
    *,
    digits: int | Mapping[str, int] = 3,
    caption: str = "",
    empty: str = "No rows.",
) -> Table:
    """:func:`table` with a module's vocabulary of headers, of which ``frame`` uses some.

    A chapter names its columns the same way in every table: ``vocabulary`` maps code names to
    words for all of them, ``headers`` adds to or overrides it for this table. Named index levels
    become the first columns; an unnamed index is dropped.
    """
    validate.frame("frame", frame)
    validate.instance("vocabulary", vocabulary, Mapping, "a dict of column -> header")
    named = [name for name in frame.index.names if name is not None]
    shown = frame.reset_index(level=named) if named else frame
    words = {**dict(vocabulary), **dict(headers or {})}
    columns = {str(c) for c in shown.columns}
    return table(
        shown,
        {code: text for code, text in words.items() if code in columns},
        digits=digits,
        caption=caption,
        empty=empty,
    )


def values_line(label: str, values: Mapping[str, object], unit: str = "", width: int = 79) -> str:
    """``label: a x unit, b y unit, ...`` wrapped to ``width`` columns, for a printed summary.

    A dict printed as it comes runs far past the book's column; this keeps each line readable.
    """
    if not isinstance(label, str) or not isinstance(values, Mapping):
        raise TypeError("values_line takes a label (text) and a mapping of names to values")
    width = validate.positive_integer("width", width, minimum=20)
    items = [
        f"{name} {format_value(value)}{(' ' + unit) if unit else ''}"
        for name, value in values.items()
    ]
    lines = [f"{label}:"]
    for index, item in enumerate(items):
        text = item + ("," if index < len(items) - 1 else "")
        if len(lines[-1]) + 1 + len(text) > width:
            lines.append("  " + text)
        else:
            lines[-1] += " " + text
    return "\n".join(lines)
