"""The one registry of the report's claims, and the audit tables built from it.

Every numeric or factual statement of the 2018 SPRi report that the book checks is declared once,
with :func:`register`, in the package module whose code recomputes it (``aicompute.moore`` for
chapter 1, and so on). A chapter module also exposes ``audit() -> list[Finding]``, which recomputes
each of its claims deterministically (from data or first principles, never from a timing), so
that the appendix ledger can gather every verdict of the book with :func:`all_findings`.

A verdict is computed, not typed in: :func:`check` compares the report's number with ours under a
relative tolerance. Claims that are not a single number (a qualitative statement, or one whose
number is right but whose reasoning is not) take an explicit verdict and must say why.
"""

from __future__ import annotations

import html
import importlib
import math
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import pandas as pd

__all__ = [
    "Claim",
    "Finding",
    "Verdict",
    "AuditTable",
    "register",
    "get",
    "registered",
    "check",
    "audit_table",
    "all_findings",
    "format_number",
]


class Verdict(str, Enum):
    """How a claim of the report fares against our recomputation."""

    HOLDS = "holds"
    ROUGHLY = "roughly holds"
    DOES_NOT_HOLD = "does not hold"
    MISLEADING = "misleading"
    UNCHECKABLE = "cannot be checked"

    @property
    def symbol(self) -> str:
        """A one-character mark that reads without colour (colour-blind safe)."""
        return {
            Verdict.HOLDS: "✓",
            Verdict.ROUGHLY: "≈",
            Verdict.DOES_NOT_HOLD: "✗",
            Verdict.MISLEADING: "!",
            Verdict.UNCHECKABLE: "?",
        }[self]


# Okabe-Ito colours, light tints for table cells: readable in light and dark themes with black text.
_VERDICT_BACKGROUND = {
    Verdict.HOLDS: "#cdeee0",
    Verdict.ROUGHLY: "#d6eaf8",
    Verdict.DOES_NOT_HOLD: "#f9d9c5",
    Verdict.MISLEADING: "#fbeec4",
    Verdict.UNCHECKABLE: "#e6e6e6",
}


@dataclass(frozen=True)
class Claim:
    """One statement of the report, as the report makes it.

    Attributes:
        id: unique, stable identifier, ``"<chapter>.<slug>"``, e.g. ``"ch1.moore-18-months"``.
        chapter: the book chapter that audits it (1-7; 0 for the preface or labs).
        source: where the report says it, e.g. ``"제2장 제1절"`` or ``"<표 2-2>"``.
        korean: the report's own words (Korean original).
        english: our English translation of those words.
        reported: the report's number, in ``unit``; ``None`` when the claim is not a number.
        unit: the unit of ``reported`` (and of our number), e.g. ``"GFLOP/s"``.
        rel_tol: relative difference up to which the claim "holds".
        rough_tol: relative difference up to which the claim "roughly holds".
    """

    id: str
    chapter: int
    source: str
    korean: str
    english: str
    reported: float | None
    unit: str = ""
    rel_tol: float = 0.05
    rough_tol: float = 0.25

    def __post_init__(self) -> None:
        if not self.id or "." not in self.id:
            raise ValueError(f"claim id must look like 'ch1.slug', got {self.id!r}")
        if not 0 <= self.chapter <= 7:
            raise ValueError(f"claim {self.id}: chapter must be 0-7, got {self.chapter}")
        for field_name in ("source", "korean", "english"):
            if not getattr(self, field_name).strip():
                raise ValueError(f"claim {self.id}: {field_name} must not be empty")
        if self.reported is not None and not math.isfinite(self.reported):
            raise ValueError(f"claim {self.id}: reported must be finite, got {self.reported}")
        if not 0 <= self.rel_tol <= self.rough_tol:
            raise ValueError(
                f"claim {self.id}: need 0 <= rel_tol <= rough_tol, got {self.rel_tol}, "
                f"{self.rough_tol}"
            )


@dataclass(frozen=True)
class Finding:
    """Our recomputation of one claim and the verdict it earns."""

    claim: Claim
    ours: float | None
    verdict: Verdict
    note: str = ""
    ours_text: str = ""

    @property
    def ratio(self) -> float | None:
        """Ours divided by the report's number, when both are numbers."""
        if self.ours is None or self.claim.reported in (None, 0):
            return None
        return self.ours / self.claim.reported


_REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add a claim to the book's registry; each id may be registered once."""
    existing = _REGISTRY.get(claim.id)
    if existing is not None:
        if existing != claim:
            raise ValueError(f"claim id {claim.id!r} is already registered with other content")
        return existing  # a module imported twice registers the same claim again: keep one
    _REGISTRY[claim.id] = claim
    return claim


def get(claim_id: str) -> Claim:
    """The registered claim with this id."""
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        raise ValueError(f"no claim registered with id {claim_id!r}") from None


def registered(chapter: int | None = None) -> list[Claim]:
    """All registered claims (of one chapter, if given), sorted by id."""
    claims = sorted(_REGISTRY.values(), key=lambda c: (c.chapter, c.id))
    return [c for c in claims if chapter is None or c.chapter == chapter]


def check(
    claim: Claim | str,
    ours: float | None,
    *,
    note: str = "",
    verdict: Verdict | None = None,
    ours_text: str = "",
) -> Finding:
    """Compare our number with the claim's and return the finding.

    With ``verdict=None`` the verdict follows from the relative difference: within ``rel_tol`` the
    claim holds, within ``rough_tol`` it roughly holds, beyond that it does not hold. An explicit
    verdict overrides this (for qualitative claims, or a right number for a wrong reason) and then
    requires a ``note`` saying why.
    """
    if isinstance(claim, str):
        claim = get(claim)
    if ours is not None and not math.isfinite(ours):
        raise ValueError(f"claim {claim.id}: our value must be finite, got {ours}")
    if verdict is None:
        if claim.reported is None or ours is None:
            raise ValueError(
                f"claim {claim.id}: a verdict can only be computed from two numbers; "
                "pass verdict= and a note for a qualitative claim"
            )
        verdict = _numeric_verdict(claim, ours)
    elif not note.strip():
        raise ValueError(f"claim {claim.id}: an explicit verdict needs a note saying why")
    return Finding(claim=claim, ours=ours, verdict=verdict, note=note, ours_text=ours_text)


def _numeric_verdict(claim: Claim, ours: float) -> Verdict:
    reported = claim.reported
    assert reported is not None
    scale = max(abs(reported), abs(ours))
    if scale == 0:
        return Verdict.HOLDS
    difference = abs(ours - reported) / abs(reported) if reported != 0 else math.inf
    if difference <= claim.rel_tol:
        return Verdict.HOLDS
    if difference <= claim.rough_tol:
        return Verdict.ROUGHLY
    return Verdict.DOES_NOT_HOLD


def format_number(value: float | None, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant figures and thousands separators, then its unit."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        raise ValueError(f"cannot format a non-finite number: {value}")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    if value == 0:
        text = "0"
    else:
        magnitude = math.floor(math.log10(abs(value)))
        if magnitude >= 15 or magnitude <= -4:
            text = f"{value:.{digits - 1}e}"
        else:
            decimals = max(digits - 1 - magnitude, 0)
            text = f"{round(value, digits - 1 - magnitude):,.{decimals}f}"
    return f"{text} {unit}".strip()


_COLUMNS = ["id", "source", "보고서 (Korean)", "report says", "report's number", "ours", "verdict"]


class AuditTable:
    """A table of findings: report's words and number beside ours, with the verdict.

    Shows as a coloured HTML table in notebooks and the book, and as plain text elsewhere.
    ``frame`` holds the same content as a pandas DataFrame for further analysis.
    """

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        if not self.findings:
            raise ValueError("an audit table needs at least one finding")
        ids = [f.claim.id for f in self.findings]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"claims appear more than once: {duplicated}")
        self.frame = pd.DataFrame([_row(f) for f in self.findings], columns=_COLUMNS + ["note"])

    def counts(self) -> dict[str, int]:
        """How many findings earned each verdict."""
        return {v.value: sum(f.verdict is v for f in self.findings) for v in Verdict}

    def __repr__(self) -> str:
        lines = []
        for f in self.findings:
            lines.append(
                f"{f.verdict.symbol} {f.claim.id} [{f.claim.source}] "
                f"report {_reported_text(f.claim)} | ours {_ours_text(f)} -> {f.verdict.value}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Verdict second, so that it stays in view when a narrow page scrolls the table sideways.
        order = [_COLUMNS[0], _COLUMNS[6], *_COLUMNS[1:6]]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in order)
        body = []
        for f in self.findings:
            row = _row(f)
            note = f"<div class='audit-note'>{html.escape(f.note)}</div>" if f.note else ""
            cells = [
                f"<td><code>{html.escape(row['id'])}</code></td>",
                f"<td style='background:{_VERDICT_BACKGROUND[f.verdict]};color:#000;"
                f"white-space:nowrap'>{f.verdict.symbol} {html.escape(f.verdict.value)}</td>",
                f"<td>{html.escape(row['source'])}</td>",
                f"<td lang='ko'>{html.escape(row['보고서 (Korean)'])}</td>",
                f"<td>{html.escape(row['report says'])}</td>",
                f"<td style='white-space:nowrap'>{html.escape(row[_COLUMNS[4]])}</td>",
                f"<td><b>{html.escape(row['ours'])}</b>{note}</td>",
            ]
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            "<div style='overflow-x:auto'><table class='aicompute-audit' "
            "style='font-size:0.85em;vertical-align:top'><thead><tr>"
            + head
            + "</tr></thead><tbody>"
            + "".join(body)
            + "</tbody></table></div>"
        )


def _reported_text(claim: Claim) -> str:
    return format_number(claim.reported, claim.unit) if claim.reported is not None else "(words)"


def _ours_text(finding: Finding) -> str:
    if finding.ours_text:
        return finding.ours_text
    return format_number(finding.ours, finding.claim.unit)


def _row(finding: Finding) -> dict[str, str]:
    claim = finding.claim
    return {
        "id": claim.id,
        "source": claim.source,
        "보고서 (Korean)": claim.korean,
        "report says": claim.english,
        "report's number": _reported_text(claim),
        "ours": _ours_text(finding),
        "verdict": f"{finding.verdict.symbol} {finding.verdict.value}",
        "note": finding.note,
    }


def audit_table(findings: Iterable[Finding]) -> AuditTable:
    """The audit table of these findings, in the order given."""
    return AuditTable(findings)


def all_findings() -> list[Finding]:
    """Every finding of the book: calls ``audit()`` of each package module that defines one.

    Raises ``ValueError`` if a registered claim is not audited or is audited twice, so that the
    appendix ledger cannot silently miss a claim.
    """
    import aicompute

    findings: list[Finding] = []
    for module_info in sorted(pkgutil.iter_modules(aicompute.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"aicompute.{module_info.name}")
        audit = getattr(module, "audit", None)
        if callable(audit):
            findings.extend(audit())
    audited = [f.claim.id for f in findings]
    twice = sorted({i for i in audited if audited.count(i) > 1})
    missing = sorted(set(_REGISTRY) - set(audited))
    if twice or missing:
        raise ValueError(f"claims audited twice: {twice}; registered but never audited: {missing}")
    return sorted(findings, key=lambda f: (f.claim.chapter, audited.index(f.claim.id)))
