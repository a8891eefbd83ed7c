"""Index every numeral the SPRi 2018 report states, and what covers each one.

Reads the report's text (``../shared/seed/000_1eabae7fca1d4460.txt`` beside the clone) and
writes ``src/aicompute/data/report_numerals.csv``: one row per numeral, with a stable id, the
line, the report's section, the numeral as printed, a short quote around it and ``covered_by``:

* claim ids (``ch0.dartmouth-1956``; several separated by ``|``) whose audit judges it;
* ``survey-table: <표 X>``: a cell of a survey table transcribed in ``survey_tables.csv`` and
  checked by ``aicompute.survey.consistency``;
* ``not a claim: <reason>``: a table or figure number, a footnote marker, a heading number, a
  questionnaire option, a part of a product name, and so on.

What counts as a numeral: every run of digits (with thousands separators and decimals, e.g.
``1,873`` and ``26.76``), together with a Korean magnitude written straight after it (``10만``,
``195억``, ``2백만``); Sino-Korean magnitudes written as words (``백만``, ``수 천``); and native
Korean numbers before a counter (``두 가지``, ``세 번째``, ``한 번``). A bare ``만`` or ``억``
is not counted (mostly a word: 만약, 만한, or a unit written apart), nor are circled option
numbers (①): they only label choices.

Rerunning keeps every decision already made: a row keeps its ``covered_by`` when its id, or
else its numeral and quote, is unchanged (a link to a claim id that no claims table has any more
is dropped and suggested again). New rows get a suggestion from the rules below (or
none, for a person to decide); ``tests/test_report_coverage.py`` fails while any is empty.

    python tools/report_numerals.py            # rebuild the index, keeping decisions
    python tools/report_numerals.py --summary  # counts only
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT.parent / "shared" / "seed" / "000_1eabae7fca1d4460.txt"
INDEX = ROOT / "src" / "aicompute" / "data" / "report_numerals.csv"
COLUMNS = ("id", "line", "section", "numeral", "quote", "covered_by", "source")
QUOTE_WIDTH = 30  # characters each side of the numeral

_MAGNITUDE = "만억조"
_DIGITS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_AFTER_DIGITS = re.compile(r"(?:[십백천]?[만억조])")
_WORDS = re.compile(
    r"(?<![가-힣])(?:수\s?[십백천만]+|백만|천만|십만)(?=\s|[개번장명권]|$)"
    r"|(?<![가-힣])(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|첫)\s?(?:가지|번째|번|개|배|명|차례)"
)
_HEADING = re.compile(r"^\s*(요\s*약\s*문|Summary|제(\d)장|제(\d)절|별\s*첨\s*(\d))")
_FOOTNOTE_LINE = re.compile(r"^\s*(\d{1,2})\)\s")
_LABEL = re.compile(r"<표[^>]*>|\[그림[^\]]*\]|<\s*표\s*\n?\s*\d-\d>")
_URL = re.compile(r"https?://\S+")

# Lines of the 제3장 tables that the survey package transcribes (their captions follow them).
TABLE_LINES = {
    "3-1": (1337, 1347),
    "3-2": (1431, 1438),
    "3-5": (1547, 1598),
    "3-6": (1651, 1671),
    "3-7": (1677, 1732),
}


@dataclass
class Numeral:
    """One numeral of the report: where it is and how it is printed."""

    id: str
    line: int
    section: str
    numeral: str
    quote: str
    covered_by: str = ""
    start: int = 0  # column in the line (not saved)


def read_report(path: Path = REPORT) -> list[str]:
    """The report's lines (1-based numbering follows the list index + 1)."""
    if not path.exists():
        raise SystemExit(f"the report's text is not at {path}")
    return path.read_text(encoding="utf-8").splitlines()


def sections(lines: list[str]) -> list[str]:
    """The section each line belongs to, e.g. '제2장 제3절', '제2장 제4절 footnote 14'."""
    chapter, part, table, labels = "요약문", "", "", []
    for text in lines:
        heading = _HEADING.match(text)
        if heading and len(text.strip()) < 60:
            if heading.group(1).startswith("요"):
                chapter, part, table = "요약문", "", ""
            elif heading.group(1) == "Summary":
                chapter, part, table = "Summary (English)", "", ""
            elif heading.group(2):
                chapter, part, table = f"제{heading.group(2)}장", "", ""
            elif heading.group(3):
                part, table = f"제{heading.group(3)}절", ""
            else:
                chapter, part, table = f"별첨 {heading.group(4)}", "", ""
        caption = re.match(r"^\s*(<표 별첨2-\d+>)", text)
        if caption:
            table = caption.group(1)
        footnote = _FOOTNOTE_LINE.match(text)
        where = " ".join(x for x in (chapter, part, table) if x)
        if footnote and chapter.startswith("제"):
            where += f" footnote {footnote.group(1)}"
        labels.append(where)
    return labels


def find_numerals(lines: list[str]) -> list[Numeral]:
    """Every numeral of the report, in reading order, with ids ``L<line>.<k>``."""
    where = sections(lines)
    found = []
    for number, text in enumerate(lines, start=1):
        spans = []
        for match in _DIGITS.finditer(text):
            end = match.end()
            suffix = _AFTER_DIGITS.match(text, end)
            if suffix:
                end = suffix.end()
            spans.append((match.start(), end))
        for match in _WORDS.finditer(text):
            if not any(s <= match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
        for k, (start, end) in enumerate(sorted(spans), start=1):
            quote = text[max(start - QUOTE_WIDTH, 0) : end + QUOTE_WIDTH].strip()
            found.append(
                Numeral(
                    f"L{number:04d}.{k}",
                    number,
                    where[number - 1],
                    text[start:end],
                    quote,
                    "",
                    start,
                )
            )
    return found


# --------------------------------------------------------------------------------------------
# Suggestions for new rows (a person checks them; the test checks what can be checked)


def digit_core(numeral: str) -> str:
    """The digits of a printed numeral ('1,873' from '1,873', '195' from '195억'), or ''."""
    match = _DIGITS.search(numeral)
    return match.group(0) if match else ""


def numeral_value(numeral: str) -> float | None:
    """The number a digit numeral prints, magnitude words ignored; None for word numerals."""
    core = digit_core(numeral)
    return float(core.replace(",", "")) if core else None


def _survey_cells() -> dict[str, tuple[set[float], set[str]]]:
    """Per transcribed table: its printed values and bases, and the words of its labels."""
    path = ROOT / "src" / "aicompute" / "data" / "survey_tables.csv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    cells: dict[str, tuple[set[float], set[str]]] = {}
    for row in csv.DictReader(rows):
        values, labels = cells.setdefault(row["table_id"], (set(), set()))
        for key in ("value", "base_n"):
            try:
                values.add(round(float(row[key]), 6))
            except ValueError:
                pass
        labels.update((row["category_ko"], row["variable_ko"]))
    return cells


def table_of(line: int, section: str) -> str | None:
    """The transcribed survey table a line lies in, e.g. '별첨2-3' or '3-6', if any."""
    match = re.search(r"<표 (별첨2-\d+)>", section)
    if match:
        return match.group(1)
    for table_id, (first, last) in TABLE_LINES.items():
        if first <= line <= last:
            return table_id
    return None


def suggest(numeral: Numeral, lines: list[str], cells, claim_quotes: dict[str, str]) -> str:
    """A first decision for a new row by rule, or '' when a person must decide."""
    text = lines[numeral.line - 1]
    at = numeral.start
    before, after = text[:at], text[at + len(numeral.numeral) :]
    if re.fullmatch(r"\s*-\s*\d+\s*-\s*", text):
        return "not a claim: page number"
    if any(m.start() <= at < m.end() for m in _URL.finditer(text)):
        return "not a claim: part of a web address"
    if any(m.start() <= at < m.end() for m in _LABEL.finditer(text)) or re.search(
        r"(<표|\[그림)\s*$", before
    ):
        return "not a claim: table or figure number"
    footnote_after_word = before[-1:].strip() and before[-1:] not in "-(" and after[:1] == ")"
    footnote_line = not before.strip() and after.startswith(") ")
    if numeral.numeral.isdigit() and (footnote_after_word or footnote_line):
        return "not a claim: footnote marker"
    if (
        re.match(r"^\s*(제\s*|별\s*첨\s*)$", before)
        or re.match(r"^\s*$", before)
        and (re.match(r"^\.\s", after))
    ):
        return "not a claim: heading number"
    if re.search(r"[A-Za-z]-?$", before):
        return "not a claim: part of a product, model or method name"
    if re.search(r"문\s?$", before) or re.search(r"문\s?\d+-$", before):
        return "not a claim: questionnaire question number"
    table_id = table_of(numeral.line, numeral.section)
    value = numeral_value(numeral.numeral)
    if table_id and table_id in cells and value is not None:
        values, labels = cells[table_id]
        label = f"<표 {table_id}>"
        token = re.compile(rf"(?<![\d.,]){re.escape(digit_core(numeral.numeral))}(?![\d])")
        in_label_part = "(" not in before and ("(" in after or not re.search(r"\d\.\d", text))
        if in_label_part and any(token.search(lab) for lab in labels if lab):
            return f"not a claim: category label of {label}"
        if round(value, 6) in values:
            return f"survey-table: {label}"
    # A claim that quotes the numeral with the characters printed right after it, and shares a
    # run of text with the report around it, is suggested (a person confirms or corrects it).
    snippet = re.sub(r"\s+", "", numeral.numeral + after)[: len(numeral.numeral) + 2]
    window = re.sub(r"\s+", "", " ".join(lines[max(numeral.line - 4, 0) : numeral.line + 3]))
    links = [
        cid
        for cid, quote in claim_quotes.items()
        if quotes_numeral(quote, numeral.numeral)
        and snippet in re.sub(r"\s+", "", quote)
        and _overlaps(quote, window)
    ]
    return "|".join(links)


def _overlaps(quote: str, window: str, size: int = 10) -> bool:
    """Does the claim's quote share a run of ``size`` characters with the report here?"""
    squeezed = re.sub(r"\s+", "", quote)
    return any(squeezed[i : i + size] in window for i in range(0, max(len(squeezed) - size, 0) + 1))


def quotes_numeral(quote: str, numeral: str) -> bool:
    """Does a claim's Korean quote contain this numeral (as printed, or without separators)?"""
    core = digit_core(numeral)
    if not core:
        return re.sub(r"\s+", "", numeral) in re.sub(r"\s+", "", quote)
    forms = {core, core.replace(",", "")}
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", quote) for f in forms)


# --------------------------------------------------------------------------------------------


def read_index(path: Path = INDEX) -> list[dict[str, str]]:
    """The index as saved (empty when there is none yet)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def merge(found: list[Numeral], saved: list[dict[str, str]]) -> list[Numeral]:
    """Give each numeral its saved decision: by id, else by numeral and quote."""
    by_id = {row["id"]: row for row in saved}
    by_quote = {(row["numeral"], row["quote"]): row for row in saved}
    for numeral in found:
        row = by_id.get(numeral.id)
        if row is None or (row["numeral"], row["quote"]) != (numeral.numeral, numeral.quote):
            row = by_quote.get((numeral.numeral, numeral.quote))
        if row is not None:
            numeral.covered_by = row["covered_by"]
    return found


def _claim_quotes() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from aicompute import claims

    return {c.id: c.korean for c in claims.registered()}


def summary(rows: list[dict[str, str]] | list[Numeral]) -> dict[str, int]:
    """How many numerals the report states, and how each is covered."""
    kinds = Counter()
    for row in rows:
        covered = row["covered_by"] if isinstance(row, dict) else row.covered_by
        if not covered.strip():
            kinds["undecided"] += 1
        elif covered.startswith("not a claim:"):
            kinds["excluded with a reason"] += 1
        elif covered.startswith("survey-table:"):
            kinds["covered by a survey-table check"] += 1
        else:
            kinds["audited by a claim"] += 1
    return {"numerals stated": len(rows), **kinds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", action="store_true", help="print the counts only")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--index", type=Path, default=INDEX)
    args = parser.parse_args(argv)
    if args.summary:
        for key, value in summary(read_index(args.index)).items():
            print(f"{key}: {value}")
        return 0
    lines = read_report(args.report)
    found = merge(find_numerals(lines), read_index(args.index))
    cells, quotes = _survey_cells(), _claim_quotes()
    for numeral in found:
        links = numeral.covered_by
        if links and not links.startswith(("not a claim:", "survey-table:")):
            unknown = [cid for cid in links.split("|") if cid.strip() not in quotes]
            if unknown:  # a claim was renamed or removed: suggest again
                print(f"{numeral.id}: no claim {', '.join(unknown)}; suggesting again")
                numeral.covered_by = ""
        if not numeral.covered_by:
            numeral.covered_by = suggest(numeral, lines, cells, quotes)
    with args.index.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in found:
            writer.writerow([n.id, n.line, n.section, n.numeral, n.quote, n.covered_by, "spri2018"])
    for key, value in summary(found).items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
