"""How findings are shown: one card per claim, numbers that tell apart, and the ledger."""

from __future__ import annotations

import re

import pytest

from aicompute import claims
from aicompute.claims import Claim, Verdict, check


def make_claim(claim_id: str = "ch0.card", chapter: int = 0, **overrides) -> Claim:
    fields = dict(
        id=claim_id,
        chapter=chapter,
        source="<표 3-4>",
        korean="저장 용량은 1,837 TB",
        english="storage is 1,837 TB",
        reported=1837.0,
        unit="TB",
        rel_tol=0.001,
        rough_tol=0.05,
    )
    fields.update(overrides)
    return Claim(**fields)


@pytest.mark.parametrize(
    ("reported", "ours", "texts"),
    [
        (1837.0, 1873.0, ("1,837 TB", "1,873 TB")),  # a digit swap stays visible
        (1837.0, 1837.0, ("1,837 TB", "1,837 TB")),  # equal numbers print alike
        (18.0, 18.2, ("18.0 TB", "18.2 TB")),
        (51.0, 153.0, ("51 TB", "153 TB")),  # whole numbers without decimals
        (0.5, 0.49999, ("0.50000 TB", "0.49999 TB")),
        (93.0, 93.01, ("93.00 TB", "93.01 TB")),
        (1.5, 1.5000001, ("1.50 TB", "1.50 TB")),  # alike to six digits: the report's digits
        (1008.8, 1008.8000000001, ("1,008.8 TB", "1,008.8 TB")),
    ],
)
def test_numbers_show_the_digits_that_differ(reported, ours, texts) -> None:
    finding = check(make_claim(reported=reported), ours)
    table = claims.audit_table([finding])
    assert tuple(table.frame.loc[0, ["report's number", "ours"]]) == texts
    assert f"report {texts[0]} | ours {texts[1]}" in repr(table)
    assert all(text in table._repr_html_() for text in texts)


def test_comparison_digits_rejects_non_finite() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        claims.comparison_digits(1.0, float("nan"))


def test_each_claim_is_one_card_with_verdict_words_numbers_and_why() -> None:
    findings = [
        check(make_claim("ch0.a", rough_tol=0.01), 1873.0, note="the table sums to 1,873"),
        check(make_claim("ch0.b", reported=None), None, verdict=Verdict.MISLEADING, note="why"),
    ]
    rendered = claims.audit_table(findings)._repr_html_()
    cards = re.findall(r"<article class='aicompute-claim [^']*'", rendered)
    assert len(cards) == 2
    assert "verdict-does-not-hold" in cards[0] and "verdict-misleading" in cards[1]
    report_label = "<dt><span class='aicompute-en'>Report</span>"
    assert "no-numbers" in cards[1] and rendered.count(report_label) == 1
    assert "✗</span> <span class='aicompute-en'>does not hold</span>" in rendered
    assert "!</span> <span class='aicompute-en'>misleading</span>" in rendered
    # The Korean edition's words ride along, for the page's language to pick.
    assert "<span class='aicompute-ko' lang='ko'>성립하지 않음</span>" in rendered
    assert "저장 용량은 1,837 TB" in rendered and "storage is 1,837 TB" in rendered
    assert "ours is 2 % higher" in rendered
    assert "<details class='aicompute-claim-why' open>" in rendered
    assert "the table sums to 1,873" in rendered
    assert "<style>" in rendered  # reads the same in Jupyter, on Colab and in the book
    folded = claims.audit_table(findings, fold_notes=True)._repr_html_()
    assert "<details class='aicompute-claim-why'>" in folded


def test_card_text_is_escaped() -> None:
    finding = check(make_claim(english="a < b & c"), 1837.0)
    rendered = claims.audit_table([finding])._repr_html_()
    assert "a &lt; b &amp; c" in rendered and "a < b & c" not in rendered


def test_ledger_counts_groups_and_filters() -> None:
    findings = [
        check(make_claim("ch1.x", chapter=1), 1837.0),
        check(make_claim("ch1.y", chapter=1), 5000.0),
        check(make_claim("ch2.z", chapter=2), 1900.0),
    ]
    ledger = claims.ledger(findings)
    summary = ledger.summary()
    assert summary.loc["Chapter 1", "claims"] == 2
    assert summary.loc["Chapter 1", "does not hold"] == 1
    assert summary.loc["Chapter 2", "roughly holds"] == 1
    assert summary.loc["All chapters"].drop("claims").sum() == 3
    rendered = ledger._repr_html_()
    assert rendered.count("class='aicompute-ledger-chapter'") == 2
    assert "id='ledger-ch1'" in rendered and "href='#ledger-ch2'" in rendered
    assert "only the 1 that do not hold or mislead" in rendered
    assert "<details class='aicompute-claim-why' open>" not in rendered
    assert "Chapter 1" in repr(ledger)


def test_a_difference_of_rounding_noise_reads_as_the_same_number() -> None:
    claim = make_claim(reported=0.1 + 0.2)
    finding = check(claim, 0.3)
    assert finding.ratio != 1  # 0.1 + 0.2 is not exactly 0.3 in binary floating point
    rendered = claims.audit_table([finding])._repr_html_()
    assert "same as the report" in rendered
    assert not re.search(r"\de-\d", rendered), "a difference in scientific notation"
