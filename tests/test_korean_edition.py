"""The Korean edition is complete and in step with the English: every message of every page and
of the audit is translated and reviewed (none untranslated, none fuzzy), keeps its markup, and
the catalogues hold exactly the messages the English sources have today.

A change to the English text changes a message: ``python tools/translations.py update`` then
marks the Korean that needs review (fuzzy) or adds what needs translating, and this file fails
until the Korean is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib
import pytest

from aicompute import translation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402

CATALOGUES = translations.catalogues("ko")
PAGE_CATALOGUES = [path for path in CATALOGUES if path.is_relative_to(translations.LOCALES)]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _live(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _examples(entries: list[polib.POEntry]) -> str:
    return "; ".join(repr(entry.msgid[:70]) for entry in entries[:3])


def test_every_page_and_the_audit_have_a_catalogue():
    pages = sorted(
        p.relative_to(ROOT).with_suffix(".po").as_posix()
        for folder in ("notebooks", "labs", "chapters")
        for p in (ROOT / folder).glob("*.*")
        if p.suffix in (".ipynb", ".md")
    )
    found = sorted(
        path.relative_to(translations.LOCALES / "ko" / "LC_MESSAGES").as_posix()
        for path in PAGE_CATALOGUES
    )
    assert found == pages
    assert translation.catalogue_path("ko").is_file()


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_catalogue_is_translated_and_reviewed(path):
    entries = _live(path)
    untranslated = [entry for entry in entries if not entry.msgstr]
    fuzzy = [entry for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"{len(untranslated)} untranslated: {_examples(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (English changed): {_examples(fuzzy)}"
    assert not [entry for entry in polib.pofile(str(path)) if entry.obsolete]


@pytest.mark.parametrize("path", PAGE_CATALOGUES, ids=_name)
def test_translations_keep_the_markup(path):
    broken = {
        entry.msgid[:70]: translations.markup_problems(entry)
        for entry in _live(path)
        if translations.markup_problems(entry)
    }
    assert not broken


def test_audit_translations_keep_every_number():
    for entry in _live(translation.catalogue_path("ko")):
        numbers = [str(index) for index in range(len(translation.PLACEHOLDER.findall(entry.msgid)))]
        if entry.msgstr:
            assert translation.fill(entry.msgstr, numbers), entry.msgid


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    pot_dir = tmp_path_factory.mktemp("gettext")
    translations.extract(pot_dir)
    return pot_dir


@pytest.mark.parametrize("path", PAGE_CATALOGUES, ids=_name)
def test_catalogue_is_in_step_with_its_page(path, extracted):
    relative = path.relative_to(translations.LOCALES / "ko" / "LC_MESSAGES")
    template = extracted / relative.with_suffix(".pot")
    wanted = {entry.msgid for entry in polib.pofile(str(template))}
    held = {entry.msgid for entry in _live(path)}
    assert not wanted - held, f"new English text: {sorted(wanted - held)[:3]}"
    assert not held - wanted, f"text no longer in the English: {sorted(held - wanted)[:3]}"


def test_audit_catalogue_is_in_step_with_the_audit():
    wanted = set(translations.audit_messages())
    held = {entry.msgid for entry in _live(translation.catalogue_path("ko"))}
    assert not wanted - held, f"new audit text: {sorted(wanted - held)[:3]}"
    assert not held - wanted, f"audit text no longer shown: {sorted(held - wanted)[:3]}"


def test_the_glossary_is_the_term_base():
    """Each technical term of the glossary is rendered with its Korean (or kept as its symbol)
    in at least 90 % of the messages that use it, and in 97 % over all terms: a translation may
    rephrase ("the three BLAS levels" → "BLAS의 세 수준"), but not drift to another term."""
    use = translations.term_use("ko")
    assert len(use) >= 30, "the glossary's technical terms table was found"
    drifting = {
        term: f"{len(missed)} of {count}: {missed[0][:60]!r}"
        for term, (count, missed) in use.items()
        if count >= 10 and len(missed) > 0.10 * count
    }
    assert not drifting
    total = sum(count for count, _ in use.values())
    missed = sum(len(m) for _, m in use.values())
    assert missed <= 0.03 * total, f"{missed} of {total} uses miss the glossary's Korean"
