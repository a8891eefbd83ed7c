"""The report's claims, read from one table per chapter, and the audit that judges each one.

Every statement of the 2018 SPRi report that the book checks is a row of a curated table,
``aicompute/data/claims/ch<N>.csv`` (the file name gives the chapter): its id, the report's
section, its Korean words and our translation, the reported number, its unit, the tolerances and
a source. Editing a claim's wording or tolerance is a one-row change; a new chapter is a new file.

Each claim has exactly one audit function, in the package module whose code recomputes it, bound
to the claim by its id with the :func:`audits` decorator::

    @audits("ch2.vector-add-intensity")
    def _vector_add_intensity(claim: Claim) -> Finding:
        return check(claim, vector_add_intensity(12))

An audit is deterministic and fast (from data or first principles, never from a timing), so the
appendix ledger can run all of them with :func:`all_findings`; :func:`audit_chapter` runs one
chapter's in table order. A verdict is computed, not typed in: :func:`check` compares the report's
number with ours under the claim's tolerances. Claims that are not a single number (a qualitative
statement, or one whose number is right but whose reasoning is not) take an explicit verdict and
must say why.
"""

from __future__ import annotations

import functools
import html
import importlib
import math
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from importlib import resources

import pandas as pd

from aicompute import data, validate

__all__ = [
    "Claim",
    "Finding",
    "Verdict",
    "AuditTable",
    "audits",
    "get",
    "registered",
    "chapters",
    "check",
    "audit_chapter",
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
    INCONSISTENT = "contradicts itself"

    @property
    def symbol(self) -> str:
        """A one-character mark that reads without colour (colour-blind safe)."""
        return {
            Verdict.HOLDS: "✓",
            Verdict.ROUGHLY: "≈",
            Verdict.DOES_NOT_HOLD: "✗",
            Verdict.MISLEADING: "!",
            Verdict.UNCHECKABLE: "?",
            Verdict.INCONSISTENT: "≠",
        }[self]


# Okabe-Ito colours, light tints for table cells: readable in light and dark themes with black text.
_VERDICT_BACKGROUND = {
    Verdict.HOLDS: "#cdeee0",
    Verdict.ROUGHLY: "#d6eaf8",
    Verdict.DOES_NOT_HOLD: "#f9d9c5",
    Verdict.MISLEADING: "#fbeec4",
    Verdict.UNCHECKABLE: "#e6e6e6",
    Verdict.INCONSISTENT: "#ead7f0",
}


@dataclass(frozen=True)
class Claim:
    """One statement of the report, as the report makes it (one row of a claims table).

    Attributes:
        id: unique, stable identifier, ``"ch<chapter>.<slug>"``, e.g. ``"ch1.moore-18-months"``.
        chapter: the book chapter that audits it (0 for the preface or labs).
        source: where the report says it, e.g. ``"제2장 제1절"`` or ``"<표 2-2>"``.
        korean: the report's own words (Korean original).
        english: our English translation of those words.
        reported: the report's number, in ``unit``; ``None`` when the claim is not a number.
        unit: the unit of ``reported`` (and of our number), e.g. ``"GFLOP/s"``.
        rel_tol: relative difference up to which the claim "holds".
        rough_tol: relative difference up to which the claim "roughly holds".
        details: further columns of the claim's table row (name, text), e.g. a firm count.
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
    details: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"ch\d+\.[a-z0-9][a-z0-9.\-]*", self.id or ""):
            raise ValueError(f"claim id must look like 'ch1.slug', got {self.id!r}")
        if isinstance(self.chapter, bool) or not isinstance(self.chapter, int):
            raise ValueError(f"claim {self.id}: chapter must be an integer, got {self.chapter!r}")
        if self.chapter < 0 or not self.id.startswith(f"ch{self.chapter}."):
            raise ValueError(f"claim {self.id}: id and chapter {self.chapter} disagree")
        for field_name in ("source", "korean", "english"):
            value = getattr(self, field_name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"claim {self.id}: {field_name} must be non-empty text")
        if self.reported is not None and not math.isfinite(self.reported):
            raise ValueError(f"claim {self.id}: reported must be finite, got {self.reported}")
        tolerances = (self.rel_tol, self.rough_tol)
        if not all(math.isfinite(t) for t in tolerances) or not 0 <= self.rel_tol <= self.rough_tol:
            raise ValueError(
                f"claim {self.id}: need 0 <= rel_tol <= rough_tol, got {self.rel_tol}, "
                f"{self.rough_tol}"
            )

    def detail(self, name: str) -> str:
        """The claim table's further column ``name`` for this claim ("" when empty)."""
        for key, value in self.details:
            if key == name:
                return value
        raise ValueError(f"claim {self.id}: its table has no column {name!r}")


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


# --------------------------------------------------------------------------------------------
# The claims tables

TABLE_COLUMNS = (
    "id",
    "section",
    "korean",
    "english",
    "reported",
    "unit",
    "rel_tol",
    "rough_tol",
    "source",
)
_TABLE_FOLDER = ("data", "claims")
_TABLE_NAME = re.compile(r"ch(\d+)\.csv")


def printed_tolerance(reported_text: str) -> float:
    """Half a unit of the last printed digit of ``reported_text``, relative to it (>= 1e-4).

    A number copied from a table, or an exact count, holds only within its printed rounding:
    "48.5" within 0.05 / 48.5.
    """
    value = float(reported_text)
    decimals = len(reported_text.split(".")[1]) if "." in reported_text else 0
    if value == 0:
        return 1e-4
    return max(0.5 * 10**-decimals / abs(value), 1e-4) + 1e-9


def _claim_from_row(chapter: int, row: dict[str, str]) -> Claim:
    reported_text = row["reported"]
    reported = float(reported_text) if reported_text else None
    if row["rel_tol"] == "printed":
        if reported is None:
            raise ValueError(f"claim {row['id']}: 'printed' tolerance needs a reported number")
        rel_tol = printed_tolerance(reported_text)
    else:
        rel_tol = float(row["rel_tol"])
    rough_tol = max(float(row["rough_tol"]), rel_tol)
    details = tuple((k, v) for k, v in row.items() if k not in TABLE_COLUMNS)
    return Claim(
        id=row["id"],
        chapter=chapter,
        source=row["section"],
        korean=row["korean"],
        english=row["english"],
        reported=reported,
        unit=row["unit"],
        rel_tol=rel_tol,
        rough_tol=rough_tol,
        details=details,
    )


def _table_files() -> dict[int, object]:
    folder = resources.files("aicompute").joinpath(*_TABLE_FOLDER)
    files = {}
    for item in folder.iterdir():
        match = _TABLE_NAME.fullmatch(item.name)
        if match:
            files[int(match.group(1))] = item
    return dict(sorted(files.items()))


@functools.cache
def _registry() -> dict[str, Claim]:
    """Every claim of every chapter table, in chapter and then row order."""
    registry: dict[str, Claim] = {}
    for chapter, file in _table_files().items():
        frame = data.read(file, f"claims/ch{chapter}", dtype=str, keep_default_na=False)
        missing = [c for c in TABLE_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"claims table ch{chapter}.csv lacks columns {missing}")
        for row in frame.to_dict("records"):
            claim = _claim_from_row(chapter, row)
            if claim.id in registry:
                raise ValueError(f"claim id {claim.id!r} appears twice in the claims tables")
            registry[claim.id] = claim
    return registry


def get(claim_id: str) -> Claim:
    """The claim with this id."""
    try:
        return _registry()[claim_id]
    except (KeyError, TypeError):
        raise ValueError(f"no claim with id {claim_id!r} in the claims tables") from None


def registered(chapter: int | None = None) -> list[Claim]:
    """All claims (of one chapter, if given), in chapter and table order."""
    return [c for c in _registry().values() if chapter is None or c.chapter == chapter]


def chapters() -> list[int]:
    """The chapters that have a claims table."""
    return sorted({c.chapter for c in _registry().values()})


# --------------------------------------------------------------------------------------------
# One audit function per claim

Audit = Callable[[Claim], "Finding"]
_AUDITS: dict[str, Audit] = {}


def audits(claim_id: str) -> Callable[[Audit], Audit]:
    """Bind the decorated function as the one audit of claim ``claim_id``.

    The function takes the claim and returns its :class:`Finding`; a second audit of the same
    claim, or an id that no claims table has, raises ``ValueError``.
    """
    claim = get(claim_id)

    def bind(function: Audit) -> Audit:
        existing = _AUDITS.get(claim.id)
        if existing is not None and _name(existing) != _name(function):
            raise ValueError(f"claim {claim.id} already has an audit: {_name(existing)}")
        _AUDITS[claim.id] = function
        return function

    return bind


def _name(function: Audit) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@functools.cache
def _import_package() -> None:
    """Import every module of the package once, so that every audit function is bound."""
    import aicompute

    for module in pkgutil.walk_packages(aicompute.__path__, prefix="aicompute."):
        importlib.import_module(module.name)


def _run(claim: Claim) -> Finding:
    finding = _AUDITS[claim.id](claim)
    if not isinstance(finding, Finding) or finding.claim.id != claim.id:
        raise ValueError(f"the audit of {claim.id} must return that claim's Finding")
    return finding


def audit_chapter(chapter: int) -> list[Finding]:
    """The findings of one chapter's claims, in the order of its claims table."""
    _import_package()
    claims = registered(chapter)
    if not claims:
        raise ValueError(f"no claims table for chapter {chapter!r}")
    unaudited = [c.id for c in claims if c.id not in _AUDITS]
    if unaudited:
        raise ValueError(f"claims without an audit function: {unaudited}")
    return [_run(c) for c in claims]


def all_findings() -> list[Finding]:
    """Every finding of the book, chapter by chapter.

    Raises ``ValueError`` if a claim has no audit function, so that the appendix ledger cannot
    silently miss a claim.
    """
    return [finding for chapter in chapters() for finding in audit_chapter(chapter)]


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
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim or a claim id, got {type(claim).__name__}")
    if ours is not None:
        ours = validate.finite_number(f"our value for claim {claim.id}", ours)
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
    value = validate.finite_number("value", value)
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
    findings = list(validate.instance("findings", findings, Iterable, "a list of Findings"))
    for index, finding in enumerate(findings):
        validate.instance(f"findings[{index}]", finding, Finding)
    return AuditTable(findings)
