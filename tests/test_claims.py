"""The claims registry, verdicts and audit tables."""

from __future__ import annotations

import pytest

from aicompute import claims
from aicompute.claims import Claim, Verdict, check


@pytest.fixture(autouse=True)
def isolated_registry():
    """Claims registered by a test disappear after it, so the book's registry stays clean."""
    saved = dict(claims._REGISTRY)
    yield
    claims._REGISTRY.clear()
    claims._REGISTRY.update(saved)


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
        {"chapter": 9},
        {"korean": " "},
        {"reported": float("nan")},
        {"rel_tol": 0.5, "rough_tol": 0.1},
    ],
)
def test_malformed_claims_raise(bad: dict) -> None:
    with pytest.raises(ValueError):
        make_claim(**bad)


def test_register_rejects_conflicting_duplicate() -> None:
    claim = claims.register(make_claim(id="ch0.registry-test"))
    assert claims.register(make_claim(id="ch0.registry-test")) == claim  # same content: fine
    with pytest.raises(ValueError, match="already registered"):
        claims.register(make_claim(id="ch0.registry-test", reported=12.0))
    assert claims.get("ch0.registry-test") is claim
    with pytest.raises(ValueError, match="no claim"):
        claims.get("ch0.does-not-exist")


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


def test_every_registered_claim_is_audited_once() -> None:
    """The appendix ledger gathers every claim; a claim nobody audits must fail the build."""
    findings = claims.all_findings()
    ids = [f.claim.id for f in findings]
    assert len(ids) == len(set(ids))
    assert {c.id for c in claims.registered()} == set(ids)
