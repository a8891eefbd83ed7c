"""Every numeral the report states is audited by a claim, checked in a survey table, or set aside
with a reason; links to claims must name real claims that quote the numeral.

The index (``aicompute/data/report_numerals.csv``) is made by ``tools/report_numerals.py`` from the
report's text; these tests need only the repository. Where the report's text is beside the clone
(``../shared/seed``), the index is also checked to be in step with it.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from aicompute import claims, data

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "report_numerals.py"
INDEX = ROOT / "src" / "aicompute" / "data" / "report_numerals.csv"


def _tool():
    spec = importlib.util.spec_from_file_location("report_numerals", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


numerals = _tool()


@lru_cache(maxsize=1)
def _rows() -> list[dict[str, str]]:
    with INDEX.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _claim_ids(covered: str) -> list[str]:
    return [part.strip() for part in covered.split("|")]


def _is_claim_link(covered: str) -> bool:
    return bool(covered) and not covered.startswith(("not a claim:", "survey-table:"))


def test_index_has_one_row_per_numeral_with_stable_ids() -> None:
    rows = _rows()
    assert rows, "the index of the report's numerals is empty"
    assert tuple(rows[0]) == numerals.COLUMNS
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "numeral ids repeat"
    for row in rows:
        assert re.fullmatch(r"L\d{4}\.\d+", row["id"]), row["id"]
        assert row["id"].startswith(f"L{int(row['line']):04d}."), row
        assert row["numeral"].strip() and row["section"].strip(), row


def test_every_numeral_is_covered() -> None:
    undecided = [r["id"] for r in _rows() if not r["covered_by"].strip()]
    assert not undecided, f"numerals neither audited nor set aside with a reason: {undecided}"


def test_exclusions_give_a_reason() -> None:
    for row in _rows():
        covered = row["covered_by"]
        if covered.startswith("not a claim:"):
            assert len(covered.removeprefix("not a claim:").strip()) >= 8, row


def test_claim_links_name_claims_that_quote_the_numeral() -> None:
    bad = []
    for row in _rows():
        if not _is_claim_link(row["covered_by"]):
            continue
        for claim_id in _claim_ids(row["covered_by"]):
            claim = claims.get(claim_id)  # ValueError for an id no claims table has
            value = numerals.numeral_value(row["numeral"])
            quoted = numerals.quotes_numeral(claim.korean, row["numeral"])
            reported = (
                value is not None
                and claim.reported is not None
                and (abs(claim.reported - value) <= 1e-9 * max(1.0, abs(value)))
            )
            if not (quoted or reported):
                bad.append(f"{row['id']} {row['numeral']!r} -> {claim_id}")
    assert not bad, f"claims that neither quote nor report the numeral they cover: {bad}"


def test_links_to_unknown_claims_fail() -> None:
    with pytest.raises(ValueError, match="no claim"):
        claims.get("ch0.no-such-claim")


def test_quotes_numeral_matches_whole_numbers_only() -> None:
    assert numerals.quotes_numeral("약 1,873 TB", "1,873")
    assert numerals.quotes_numeral("1873 TB", "1,873")
    assert numerals.quotes_numeral("195억 엔", "195억")
    assert not numerals.quotes_numeral("192×9", "19")
    assert not numerals.quotes_numeral("2,940만", "940")
    assert numerals.quotes_numeral("두 가지 형태", "두 가지")


@lru_cache(maxsize=1)
def _survey_cells() -> dict[str, set[float]]:
    frame = data.load("survey_tables")
    cells: dict[str, set[float]] = {}
    for row in frame.itertuples():
        for value in (row.value, row.base_n):
            try:
                cells.setdefault(row.table_id, set()).add(round(float(value), 6))
            except (TypeError, ValueError):
                pass
    return cells


def test_survey_table_cells_are_transcribed_and_checked() -> None:
    from aicompute.survey import consistency

    checked_tables = set(consistency.validate()["table_id"])
    bad = []
    for row in _rows():
        covered = row["covered_by"]
        if not covered.startswith("survey-table:"):
            continue
        match = re.fullmatch(r"survey-table: <표 (.+)>", covered)
        assert match, covered
        table_id = match.group(1)
        value = numerals.numeral_value(row["numeral"])
        if table_id not in checked_tables:
            bad.append(f"{row['id']}: no consistency check of <표 {table_id}>")
        elif value is None or round(value, 6) not in _survey_cells().get(table_id, set()):
            bad.append(f"{row['id']}: {row['numeral']} is not a cell of <표 {table_id}>")
    assert not bad, bad


def test_index_is_in_step_with_the_report() -> None:
    report = numerals.REPORT
    if not report.exists():
        pytest.skip(f"the report's text is not beside the clone ({report})")
    found = numerals.find_numerals(numerals.read_report(report))
    ours = [(r["id"], r["numeral"], r["quote"], r["section"]) for r in _rows()]
    theirs = [(n.id, n.numeral, n.quote, n.section) for n in found]
    assert ours == theirs, "rerun tools/report_numerals.py: the index and the report differ"


def test_summary_counts(capsys: pytest.CaptureFixture[str]) -> None:
    counts = numerals.summary(_rows())
    parts = [
        counts["numerals stated"],
        counts.get("audited by a claim", 0),
        counts.get("covered by a survey-table check", 0),
        counts.get("excluded with a reason", 0),
    ]
    assert parts[0] == sum(parts[1:]), counts
    line = (
        f"report numerals: {parts[0]} stated, {parts[1]} audited by a claim, "
        f"{parts[2]} covered by a survey-table check, {parts[3]} excluded with a reason"
    )
    with capsys.disabled():  # shown in every run's output, not only with -s
        print("\n" + line)


def test_package_counts_agree_with_the_tool() -> None:
    from aicompute import report_facts

    table = report_facts.numeral_coverage().set_index("numerals of the report")["count"]
    counts = numerals.summary(_rows())
    assert table["all"] == counts["numerals stated"]
    assert table["audited by a claim"] == counts.get("audited by a claim", 0)
    assert table["checked in a survey table"] == counts.get("covered by a survey-table check", 0)
    assert table["set aside, with a reason"] == counts.get("excluded with a reason", 0)
    assert table["not yet covered"] == 0
