"""The claims registry, verdicts and audit tables."""

from __future__ import annotations

import pytest

from aicompute import claims
from aicompute.claims import Claim, Verdict, check


@pytest.fixture(autouse=True)
def isolated_audits():
    """Audit functions bound by a test disappear after it, so the book's registry stays clean."""
    claims._import_package()
    saved = dict(claims._AUDITS)
    yield
    claims._AUDITS.clear()
    claims._AUDITS.update(saved)


def make_claim(**overrides) -> Claim:
    fields = dict(
        id="ch0.test-claim",
        chapter=0,
        source="제2장 제1절",
        korean="성능이 18개월마다 2배",
        english="performance doubles every 18 months",
        reported=18.0,
        unit="months",
        rel_tol=0.10,
        rough_tol=0.30,
    )
    fields.update(overrides)
    return Claim(**fields)


@pytest.mark.parametrize(
    ("ours", "expected"),
    [
        (18.0, Verdict.HOLDS),
        (19.7, Verdict.HOLDS),
        (21.0, Verdict.ROUGHLY),
        (24.0, Verdict.DOES_NOT_HOLD),
        (10.0, Verdict.DOES_NOT_HOLD),
    ],
)
def test_numeric_verdict_follows_tolerances(ours: float, expected: Verdict) -> None:
    assert check(make_claim(), ours).verdict is expected


def test_explicit_verdict_needs_a_note() -> None:
    claim = make_claim(reported=None)
    with pytest.raises(ValueError, match="note"):
        check(claim, None, verdict=Verdict.MISLEADING)
    finding = check(claim, None, verdict=Verdict.MISLEADING, note="right number, wrong reason")
    assert finding.verdict is Verdict.MISLEADING


def test_qualitative_claim_without_verdict_is_refused() -> None:
    with pytest.raises(ValueError, match="verdict"):
        check(make_claim(reported=None), 3.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "no-dot"},
        {"id": "ch1.wrong-chapter"},
        {"chapter": -1},
        {"chapter": 1.0},
        {"korean": " "},
        {"reported": float("nan")},
        {"rel_tol": 0.5, "rough_tol": 0.1},
        {"rough_tol": float("inf")},
    ],
)
def test_malformed_claims_raise(bad: dict) -> None:
    with pytest.raises(ValueError):
        make_claim(**bad)


def test_any_chapter_number_works() -> None:
    assert make_claim(id="ch12.later-chapter", chapter=12).chapter == 12


def test_claims_come_from_the_chapter_tables() -> None:
    claim = claims.get("ch2.vector-add-intensity")
    assert claim.chapter == 2 and claim.reported == pytest.approx(1 / 16)
    assert claim.source.startswith("<표 2-1>")
    assert [c.id for c in claims.registered(2)][0] == "ch2.recurrence-not-parallel"
    assert 2 in claims.chapters()
    with pytest.raises(ValueError, match="no claim"):
        claims.get("ch0.does-not-exist")


def test_printed_tolerance_is_half_the_last_digit() -> None:
    assert claims.printed_tolerance("48.5") == pytest.approx(0.05 / 48.5, abs=1e-8)
    assert claims.printed_tolerance("215") == pytest.approx(0.5 / 215, abs=1e-8)
    assert claims.printed_tolerance("100000") == pytest.approx(1e-4, abs=1e-8)


def test_detail_reads_extra_columns() -> None:
    claim = make_claim(details=(("firms", "31"),))
    assert claim.detail("firms") == "31"
    with pytest.raises(ValueError, match="no column"):
        claim.detail("revenue")


@pytest.fixture
def extra_claim(monkeypatch) -> Claim:
    """A claim of chapter 2 that only this test knows, with no audit yet."""
    claim = make_claim(id="ch2.test-only-claim", chapter=2)
    registry = {**claims._registry(), claim.id: claim}
    monkeypatch.setattr(claims, "_registry", lambda: registry)
    return claim


def test_one_audit_per_claim(extra_claim: Claim) -> None:
    with pytest.raises(ValueError, match="without an audit function"):
        claims.audit_chapter(2)

    @claims.audits(extra_claim.id)
    def first(claim: Claim):
        return check(claim, 18.0)

    assert claims.audit_chapter(2)[-1].claim is extra_claim
    with pytest.raises(ValueError, match="already has an audit"):

        @claims.audits(extra_claim.id)
        def second(claim: Claim):
            return check(claim, 18.0)

    with pytest.raises(ValueError, match="no claim"):
        claims.audits("ch2.not-in-any-table")


def test_an_audit_must_return_its_own_finding(extra_claim: Claim) -> None:
    @claims.audits(extra_claim.id)
    def wrong(claim: Claim):
        return check(claims.get("ch2.vector-add-intensity"), 1 / 16)

    with pytest.raises(ValueError, match="must return that claim"):
        claims.audit_chapter(2)


def test_check_refuses_what_is_not_a_claim() -> None:
    with pytest.raises(TypeError, match="Claim or a claim id"):
        check(3.0, 1.0)


def test_non_finite_ours_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        check(make_claim(), float("inf"))


def test_audit_table_renders_text_and_html() -> None:
    findings = [
        check(make_claim(id="ch0.a"), 18.2),
        check(make_claim(id="ch0.b"), 40.0, note="the fit says 40"),
    ]
    table = claims.audit_table(findings)
    text = repr(table)
    assert "ch0.a" in text and "holds" in text and "does not hold" in text
    html = table._repr_html_()
    assert "성능이 18개월마다 2배" in html and "the fit says 40" in html
    assert table.counts()["holds"] == 1 and table.counts()["does not hold"] == 1
    # Printed with the digits that tell the pair apart: 18.0 against 18.2, 18 against 40.
    assert list(table.frame["report's number"]) == ["18.0 months", "18 months"]


def test_audit_table_rejects_duplicates_and_empty() -> None:
    finding = check(make_claim(id="ch0.dup"), 18.0)
    with pytest.raises(ValueError, match="more than once"):
        claims.audit_table([finding, finding])
    with pytest.raises(ValueError, match="at least one"):
        claims.audit_table([])


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (220.4, "GFLOP/s", "220 GFLOP/s"),
        (1234567.0, "", "1,230,000"),
        (0.0625, "FLOP/B", "0.0625 FLOP/B"),
        (0.0, "", "0"),
        (None, "", "—"),
        (9.3e16, "FLOP/s", "9.30e+16 FLOP/s"),
    ],
)
def test_format_number(value, unit, text) -> None:
    assert claims.format_number(value, unit) == text


def test_format_number_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        claims.format_number(float("nan"))
    with pytest.raises(ValueError):
        claims.format_number(1.0, digits=0)


def test_every_claim_has_exactly_one_audit() -> None:
    """The appendix ledger gathers every claim; a claim nobody audits must fail the build."""
    findings = claims.all_findings()
    assert [f.claim.id for f in findings] == [c.id for c in claims.registered()]
