"""The Korean edition's catalogues: extract the English text, update the catalogues, report.

    python tools/translations.py update   # after changing English prose: mark what needs review
    python tools/translations.py status   # messages and words per catalogue, what is left

``update`` extracts every page's messages with Sphinx's gettext builder (into ``_build/gettext``)
and merges them into ``locales/ko/LC_MESSAGES/<page>.po`` (sphinx-intl): a new paragraph arrives
untranslated, a changed one keeps its old translation marked fuzzy, for review. A message with
nothing to translate (Korean, numbers, code, math) is carried over as it is.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LANGUAGES = ("ko",)
POT_DIR = ROOT / "_build" / "gettext"
# The audit's own words (verdicts, labels, notes) have a catalogue in the package.
AUDIT_LOCALES = ROOT / "src" / "aicompute" / "data" / "locales"
AUDIT_POT_DIR = ROOT / "_build" / "gettext-audit"

# Markup a translation must keep exactly: roles with their targets, inline code, math, link
# targets and bare web addresses.
ROLE = r"\{[a-z:]+\}`[^`]+`"
CODE = r"(?<![`}])`[^`]+`"
MATH = r"\$\$?[^$]+\$\$?"
LINK_TARGET = r"\]\([^)\s]+\)"
WEB_ADDRESS = r"https?://[^\s)>\]]+"
KEPT_MARKUP = re.compile("|".join((ROLE, CODE, MATH, LINK_TARGET, WEB_ADDRESS)))
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
HANGUL = re.compile(r"[가-힣]")
LATIN = re.compile(r"[A-Za-z]")


def catalogues(language: str = "ko") -> list[Path]:
    """The edition's catalogue files, the book's pages and then the audit's, in a stable order."""
    if language not in LANGUAGES:
        raise ValueError(f"languages are {LANGUAGES}, got {language!r}")
    pages = sorted((LOCALES / language / "LC_MESSAGES").rglob("*.po"))
    return pages + sorted((AUDIT_LOCALES / language / "LC_MESSAGES").glob("*.po"))


def audit_messages() -> list[str]:
    """What the audit shows in words, over every claim of the book: the texts of the ledger."""
    from aicompute import claims, translation

    rendered = claims.ledger(claims.all_findings())._repr_html_()
    return translation.shown_texts(rendered)


def write_audit_template() -> None:
    """Write the audit's messages to ``_build/gettext-audit/audit.pot``."""
    template = polib.POFile(wrapwidth=0)
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for message in audit_messages():
        template.append(polib.POEntry(msgid=message, msgstr=""))
    AUDIT_POT_DIR.mkdir(parents=True, exist_ok=True)
    template.save(str(AUDIT_POT_DIR / "audit.pot"))


def kept_markup(text: str) -> Counter[str]:
    """The markup of a message that its translation must repeat (see ``KEPT_MARKUP``)."""
    return Counter(match.group(0) for match in KEPT_MARKUP.finditer(text))


def nothing_to_translate(message: str) -> bool:
    """True when a message has no English prose outside its code, math and references: none at
    all, or a Korean text (the report's words) that names a product or unit in Latin letters."""
    prose = KEPT_MARKUP.sub(" ", message)
    if not ENGLISH_WORD.search(prose):
        return True
    return len(HANGUL.findall(prose)) > len(LATIN.findall(prose))


def markup_problems(entry: polib.POEntry) -> list[str]:
    """What a translation dropped or added of the markup it must keep."""
    if not entry.msgstr:
        return []
    wanted, found = kept_markup(entry.msgid), kept_markup(entry.msgstr)
    problems = [f"missing {item!r}" for item in (wanted - found)]
    problems += [f"added {item!r}" for item in (found - wanted)]
    return problems


def english_words(text: str) -> int:
    """Words of English prose in a message (code, math and references not counted)."""
    return len(ENGLISH_WORD.findall(KEPT_MARKUP.sub(" ", text)))


GLOSSARY = ROOT / "chapters" / "glossary.md"
SOURCE_ONLY = re.compile(r"^\(.*\)$")  # a quotation's translation rendered as its source


def term_base() -> list[tuple[list[str], list[str]]]:
    """The glossary's technical terms: (English forms, Korean forms) per row of its table.

    Parenthesised parts are dropped from the English ("kernel (GPU)" is "kernel") and kept as
    further forms of the Korean ("im2col(로어링)" is also "로어링"). The English form itself
    counts as consistent where the Korean edition keeps a symbol in Latin letters (FLOP/s, SIMD).
    """
    terms, in_table = [], False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| term | 한국어 |"):
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
        if not in_table or line.startswith("| ---"):
            continue
        english, korean = (cell.strip() for cell in line.strip("|").split(" | ")[:2])
        english_forms = [f for f in _forms(english, keep_brackets=False) if len(f) > 3]
        korean_forms = _forms(korean, keep_brackets=True) + english_forms
        if english_forms:
            terms.append((english_forms, [f.replace(" ", "").lower() for f in korean_forms]))
    return terms


def _forms(text: str, keep_brackets: bool) -> list[str]:
    bracketed = re.findall(r"\(([^)]*)\)", text) if keep_brackets else []
    plain = re.sub(r"\([^)]*\)", "", text)
    return [form.strip() for form in re.split(r" / |, |; ", plain) + bracketed if form.strip()]


def term_use(language: str = "ko") -> dict[str, tuple[int, list[str]]]:
    """How each glossary term is rendered: English term → (messages that use it, the msgids of
    those whose translation has none of its Korean forms)."""
    entries = [
        entry
        for path in catalogues(language)
        if path.name != "glossary.po" and path.is_relative_to(LOCALES)
        for entry in polib.pofile(str(path))
        if entry.msgstr and entry.msgstr != entry.msgid and not SOURCE_ONLY.match(entry.msgstr)
    ]
    use = {}
    for english_forms, korean_forms in term_base():
        # Acronyms (STREAM, NCCL) match as written; words in any case ("Roofline", "roofline").
        patterns = [
            re.compile(rf"\b{re.escape(form)}(?:s|es)?\b", 0 if form.isupper() else re.IGNORECASE)
            for form in english_forms
        ]
        using = [
            e for e in entries if any(p.search(KEPT_MARKUP.sub(" ", e.msgid)) for p in patterns)
        ]
        missed = [
            e.msgid
            for e in using
            if not any(
                form in KEPT_MARKUP.sub(" ", e.msgstr).replace(" ", "").lower()
                for form in korean_forms
            )
        ]
        use[english_forms[0]] = (len(using), missed)
    return use


def extract(pot_dir: Path = POT_DIR) -> None:
    """Extract every page's messages into ``<pot_dir>/<page>.pot``."""
    from jupyter_book.sphinx import build_sphinx

    status = build_sphinx(
        ROOT,
        pot_dir,
        noconfig=True,
        path_config=ROOT / "_config.yml",
        confoverrides={
            "external_toc_path": (ROOT / "_toc.yml").as_posix(),
            "latex_individualpages": False,
        },
        doctreedir=pot_dir / ".doctrees",
        builder="gettext",
        warningiserror=True,
        really_quiet=True,
    )
    if isinstance(status, Exception):
        raise status
    if status != 0:
        raise RuntimeError("extracting the book's messages failed")


def update(language: str = "ko") -> None:
    """Extract the messages and merge them into the edition's catalogues."""
    from sphinx_intl.basic import update as merge

    extract()
    merge(str(LOCALES), str(POT_DIR), (language,))
    write_audit_template()
    merge(str(AUDIT_LOCALES), str(AUDIT_POT_DIR), (language,))
    for path in catalogues(language):
        catalogue = polib.pofile(str(path), wrapwidth=0)
        # Text gone from the English has no use; a changed text keeps its old Korean, fuzzy.
        catalogue[:] = [entry for entry in catalogue if not entry.obsolete]
        for entry in catalogue:
            if not entry.msgstr and nothing_to_translate(entry.msgid):
                entry.msgstr = entry.msgid
        catalogue.save()


def status(language: str = "ko") -> list[dict[str, object]]:
    """Per catalogue: messages, English words, and how many are untranslated or fuzzy."""
    rows = []
    for path in catalogues(language):
        catalogue = polib.pofile(str(path))
        live = [entry for entry in catalogue if not entry.obsolete]
        rows.append(
            {
                "catalogue": path.name
                if path.is_relative_to(AUDIT_LOCALES)
                else path.relative_to(LOCALES / language / "LC_MESSAGES").as_posix(),
                "messages": len(live),
                "words": sum(english_words(entry.msgid) for entry in live),
                "untranslated": sum(not entry.msgstr for entry in live),
                "fuzzy": sum("fuzzy" in entry.flags for entry in live),
                # The audit's texts are plain text: no markup to keep (numbers are placeholders).
                "markup problems": 0
                if path.is_relative_to(AUDIT_LOCALES)
                else sum(bool(markup_problems(entry)) for entry in live),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("update", "status"))
    if parser.parse_args().action == "update":
        update()
    rows = status()
    width = max(len(str(row["catalogue"])) for row in rows)
    columns = [key for key in rows[0] if key != "catalogue"]
    print(f"{'catalogue':<{width}}  " + "  ".join(columns))
    for row in rows:
        print(f"{row['catalogue']:<{width}}  " + "  ".join(f"{row[c]:>{len(c)}}" for c in columns))
    totals = {c: sum(int(row[c]) for row in rows) for c in columns}
    print(f"{'total':<{width}}  " + "  ".join(f"{totals[c]:>{len(c)}}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
