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
from aicompute.translation import bilingual

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


_MIN_DIGITS, _MAX_DIGITS = 3, 6


def comparison_digits(reported: float | None, ours: float | None) -> int:
    """Significant digits that show the report's number as printed and tell ours apart from it.

    At least 3; more when the report printed more (1,837 keeps four), and more again, up to 6,
    until two different numbers print differently (1,837 against 1,873, not "1,840" against
    "1,870"). Numbers that agree to 6 digits, and equal numbers, keep the report's digits and
    print alike.
    """
    numbers = [v for v in (reported, ours) if v is not None]
    for value in numbers:
        if not math.isfinite(value):
            raise ValueError(f"cannot format a non-finite number: {value}")
    digits = _MIN_DIGITS
    if reported is not None:
        while digits < _MAX_DIGITS and float(f"{reported:.{digits - 1}e}") != reported:
            digits += 1
    if reported is not None and ours is not None and reported != ours:
        for more in range(digits, _MAX_DIGITS + 1):
            if format_number(reported, digits=more) != format_number(ours, digits=more):
                return more
    return digits


def _reported_text(claim: Claim, digits: int = _MIN_DIGITS) -> str:
    if claim.reported is None:
        return "(words)"
    return format_number(claim.reported, claim.unit, digits)


def _ours_text(finding: Finding, digits: int = _MIN_DIGITS) -> str:
    if finding.ours_text:
        return finding.ours_text
    return format_number(finding.ours, finding.claim.unit, digits)


def _is_whole(value: float | None) -> bool:
    return value is None or (abs(value) < 1e15 and value == round(value))


def _whole_text(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{round(value):,} {unit}".strip()


def _numbers(finding: Finding) -> tuple[str, str]:
    """The report's number and ours, printed at the precision that shows their difference.

    Whole numbers (counts, mostly) print without decimals: 51 firms against 153, not 51.0.
    """
    claim, ours = finding.claim, finding.ours
    if claim.reported is not None and _is_whole(claim.reported) and _is_whole(ours):
        return (
            _whole_text(claim.reported, claim.unit),
            finding.ours_text or _whole_text(ours, claim.unit),
        )
    # Ours in words brings its own digits; the report's number then keeps its printed ones.
    digits = comparison_digits(claim.reported, None if finding.ours_text else ours)
    return _reported_text(claim, digits), _ours_text(finding, digits)


def _difference_text(finding: Finding) -> str:
    """How far ours is from the report's number, in words ("" when not two numbers)."""
    ratio = finding.ratio
    if ratio is None or finding.ours_text:
        return ""
    # Equal up to floating-point rounding (a sum of printed shares, a product of exact
    # figures) is equal: "ours is 1.1e-14 % lower" would only show the arithmetic's noise.
    if math.isclose(ratio, 1, rel_tol=1e-9):
        return "same as the report"
    if 0.5 <= ratio <= 2:
        percent = abs(ratio - 1) * 100
        shown = f"{percent:.2g}" if percent < 10 else f"{percent:.0f}"
        return f"ours is {shown} % {'higher' if ratio > 1 else 'lower'}"
    if ratio > 0:
        factor = ratio if ratio > 1 else 1 / ratio
        return f"ours is {format_number(factor, digits=2)}× {'higher' if ratio > 1 else 'lower'}"
    return "opposite sign"


_COLUMNS = ["id", "source", "보고서 (Korean)", "report says", "report's number", "ours", "verdict"]
_STYLESHEET = resources.files("aicompute").joinpath("claims.css")


@functools.cache
def _style() -> str:
    """The audit's stylesheet, shipped with every rendering so that it reads the same in
    Jupyter, on Colab and in the book."""
    return "<style>" + _STYLESHEET.read_text(encoding="utf-8") + "</style>"


def _slug(verdict: Verdict) -> str:
    return verdict.name.lower().replace("_", "-")


def _claim_html(finding: Finding, *, fold_note: bool) -> str:
    """One claim as one card: verdict, the report's words and number, ours, and why."""
    claim, verdict = finding.claim, finding.verdict
    reported, ours = _numbers(finding)
    difference = _difference_text(finding)
    if difference:
        difference = f"<div class='aicompute-claim-diff'>{bilingual(difference)}</div>"
    numbers = ""
    if claim.reported is not None:
        numbers += f"<div><dt>{bilingual('Report')}</dt><dd>{bilingual(reported)}</dd></div>"
    if finding.ours is not None or finding.ours_text:
        numbers += (
            f"<div class='aicompute-claim-ours'><dt>{bilingual('Ours')}</dt>"
            f"<dd>{bilingual(ours)}</dd></div>"
        )
    if numbers:
        numbers = f"<dl class='aicompute-claim-numbers'>{numbers}{difference}</dl>"
    why = ""
    if finding.note:
        state = "" if fold_note else " open"
        why = (
            f"<details class='aicompute-claim-why'{state}><summary>{bilingual('Why')}</summary>"
            f"<p>{bilingual(finding.note)}</p></details>"
        )
    return (
        f"<article class='aicompute-claim verdict-{_slug(verdict)}"
        f"{'' if numbers else ' no-numbers'}' "
        f"id='claim-{html.escape(claim.id)}'>"
        "<header class='aicompute-claim-head'>"
        f"<span class='aicompute-verdict' style='background:{_VERDICT_BACKGROUND[verdict]}'>"
        f"<span aria-hidden='true'>{verdict.symbol}</span> {bilingual(verdict.value)}</span>"
        f"<span class='aicompute-claim-source'>{html.escape(claim.source)}</span>"
        f"<span class='aicompute-claim-id'>{html.escape(claim.id)}</span></header>"
        f"{numbers}<blockquote class='aicompute-claim-quote'>"
        f"<p lang='ko'>{html.escape(claim.korean)}</p>"
        f"<p lang='en' class='aicompute-en'>{html.escape(_quoted(claim.english))}</p></blockquote>"
        f"{why}</article>"
    )


def _quoted(text: str) -> str:
    """Our translation in quotation marks, unless it brings its own."""
    return text if text[:1] in "\"“'‘" else f"“{text}”"


class AuditTable:
    """A table of findings: report's words and number beside ours, with the verdict.

    Shows as one card per claim in notebooks and the book (cards that fit a phone's width and
    read in light and dark themes), and as plain text elsewhere. ``frame`` holds the same content
    as a pandas DataFrame for further analysis. ``fold_notes`` folds each explanation under a
    "Why" toggle (the ledger does, a chapter shows them open).
    """

    def __init__(self, findings: Iterable[Finding], *, fold_notes: bool = False):
        self.findings = list(findings)
        if not self.findings:
            raise ValueError("an audit table needs at least one finding")
        ids = [f.claim.id for f in self.findings]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"claims appear more than once: {duplicated}")
        self.fold_notes = fold_notes
        self.frame = pd.DataFrame([_row(f) for f in self.findings], columns=_COLUMNS + ["note"])

    def counts(self) -> dict[str, int]:
        """How many findings earned each verdict."""
        return _counts(self.findings)

    def __repr__(self) -> str:
        lines = []
        for f in self.findings:
            reported, ours = _numbers(f)
            lines.append(
                f"{f.verdict.symbol} {f.claim.id} [{f.claim.source}] "
                f"report {reported} | ours {ours} -> {f.verdict.value}"
            )
        return "\n".join(lines)

    def cards_html(self) -> str:
        """The claims as cards, without the stylesheet (see :meth:`_repr_html_`)."""
        cards = "".join(_claim_html(f, fold_note=self.fold_notes) for f in self.findings)
        return f"<div class='aicompute-audit'>{cards}</div>"

    def _repr_html_(self) -> str:
        return _style() + self.cards_html()


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    findings = list(findings)
    return {v.value: sum(f.verdict is v for f in findings) for v in Verdict}


def _row(finding: Finding) -> dict[str, str]:
    claim = finding.claim
    reported, ours = _numbers(finding)
    return {
        "id": claim.id,
        "source": claim.source,
        "보고서 (Korean)": claim.korean,
        "report says": claim.english,
        "report's number": reported,
        "ours": ours,
        "verdict": f"{finding.verdict.symbol} {finding.verdict.value}",
        "note": finding.note,
    }


def audit_table(findings: Iterable[Finding], *, fold_notes: bool = False) -> AuditTable:
    """The audit table of these findings, in the order given."""
    return AuditTable(_checked_findings(findings), fold_notes=fold_notes)


def _checked_findings(findings) -> list[Finding]:
    """``findings`` as a list, refused unless every item is a :class:`Finding`."""
    findings = list(validate.instance("findings", findings, Iterable, "a list of Findings"))
    for index, finding in enumerate(findings):
        validate.instance(f"findings[{index}]", finding, Finding)
    return findings


# --------------------------------------------------------------------------------------------
# The ledger: every finding of the book on one page

_FAILING = (Verdict.DOES_NOT_HOLD, Verdict.MISLEADING)


class Ledger:
    """Every finding, grouped by chapter, under a summary of verdict counts per chapter.

    The page offers a filter (all claims, or only those that do not hold or mislead) that works
    with CSS alone, so the book needs no script for it; each explanation folds under "Why".
    """

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        self.table = AuditTable(self.findings, fold_notes=True)
        self.by_chapter: dict[int, list[Finding]] = {}
        for finding in self.findings:
            self.by_chapter.setdefault(finding.claim.chapter, []).append(finding)

    def counts(self) -> dict[str, int]:
        """How many findings earned each verdict, over the whole book."""
        return self.table.counts()

    def summary(self) -> pd.DataFrame:
        """Verdict counts per chapter (rows) and in total, as a table for people."""
        rows = {
            f"Chapter {chapter}": {**_counts(findings), "claims": len(findings)}
            for chapter, findings in self.by_chapter.items()
        }
        rows["All chapters"] = {**self.counts(), "claims": len(self.findings)}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "chapter"
        return frame[["claims", *(v.value for v in Verdict)]]

    def __repr__(self) -> str:
        return self.summary().to_string()

    def _summary_html(self) -> str:
        head = "".join(
            f"<th scope='col' title='{html.escape(v.value)}'>{v.symbol} "
            f"<span class='aicompute-word'>{bilingual(v.value)}</span></th>"
            for v in Verdict
        )
        rows = []
        for label, counts in self.summary().iterrows():
            chapter = str(label).removeprefix("Chapter ")
            name = (
                f"<a href='#ledger-ch{chapter}'>{bilingual(str(label))}</a>"
                if chapter.isdigit()
                else bilingual(str(label))
            )
            cells = "".join(
                f"<td class='{'zero' if counts[v.value] == 0 else ''}'>{counts[v.value]}</td>"
                for v in Verdict
            )
            rows.append(f"<tr><th scope='row'>{name}</th><td>{counts['claims']}</td>{cells}</tr>")
        return (
            "<div class='aicompute-ledger-summary'><table><caption>"
            f"{bilingual('Verdicts per chapter')}</caption><thead><tr>"
            f"<th scope='col'>{bilingual('chapter')}</th><th scope='col'>{bilingual('claims')}</th>"
            + head
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
        )

    def _repr_html_(self) -> str:
        failing = sum(f.verdict in _FAILING for f in self.findings)
        controls = (
            "<input type='radio' name='aicompute-ledger-filter' id='aicompute-show-all' "
            "class='aicompute-filter-all' checked>"
            "<input type='radio' name='aicompute-ledger-filter' id='aicompute-show-failing' "
            "class='aicompute-filter-failing'>"
            "<div class='aicompute-ledger-filter' role='group' aria-label='Which claims to show'>"
            f"{bilingual('Show:')} <label for='aicompute-show-all'>"
            f"{bilingual(f'all {len(self.findings)} claims')}</label>"
            "<label for='aicompute-show-failing'>"
            f"{bilingual(f'only the {failing} that do not hold or mislead')}</label></div>"
        )
        sections = []
        for chapter, findings in self.by_chapter.items():
            counts = ", ".join(
                bilingual(f"{n} {verdict}") for verdict, n in _counts(findings).items() if n
            )
            cards = AuditTable(findings, fold_notes=True).cards_html()
            sections.append(
                f"<section class='aicompute-ledger-chapter' id='ledger-ch{chapter}'>"
                f"<h3>{bilingual(f'Chapter {chapter}')} "
                f"<small>{bilingual(f'{len(findings)} claims:')} {counts}</small></h3>"
                f"{cards}</section>"
            )
        return (
            _style()
            + "<div class='aicompute-ledger'>"
            + self._summary_html()
            + controls
            + "".join(sections)
            + "</div>"
        )


def ledger(findings: Iterable[Finding]) -> Ledger:
    """The ledger of these findings: a summary per chapter, then every claim by chapter."""
    return Ledger(_checked_findings(findings))
