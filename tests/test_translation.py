"""The audit's Korean: numbers masked and put back, the catalogue read, both languages rendered."""

from __future__ import annotations

import html
import re

import pytest

from aicompute import claims, translation


def test_template_masks_standalone_numbers_only():
    pattern, numbers = translation.template("ours is 2.5x the FP64 peak of 1,837 H100s, -3 %")
    assert pattern == "ours is {0}x the FP64 peak of {1} H100s, {2} %"
    assert numbers == ["2.5", "1,837", "-3"]


def test_fill_puts_numbers_back_in_any_order():
    assert translation.fill("{1}개 중 {0}", ["3", "72"]) == "72개 중 3"


def test_fill_scales_by_powers_of_ten_for_korean_units():
    assert translation.fill("{0*10}억 원", ["3"]) == "30억 원"
    assert translation.fill("{0*10}억 원", ["2.5"]) == "25억 원"
    assert translation.fill("{0*100}만 장", ["1,000"]) == "100,000만 장"


def test_template_leaves_a_comma_after_a_number_in_the_text():
    assert translation.template("from 1982, and 1,837") == ("from {0}, and {1}", ["1982", "1,837"])


def test_text_without_words_is_its_own_translation():
    assert translation.translate("<표 별첨2-4>.") == "<표 별첨2-4>."


@pytest.mark.parametrize("translated", ["{0}만", "{0} {1} {2}", "숫자 없음"])
def test_fill_refuses_a_translation_that_loses_or_invents_a_number(translated):
    with pytest.raises(ValueError, match="placeholders"):
        translation.fill(translated, ["1", "2"])


def test_template_refuses_braces():
    with pytest.raises(ValueError, match="braces"):
        translation.template("a {set}")


def test_read_po_keeps_reviewed_translations_only():
    text = "\n".join(
        [
            'msgid ""',
            'msgstr "Content-Type: text/plain; charset=UTF-8\\n"',
            "",
            'msgid "holds"',
            'msgstr "성립"',
            "",
            "#, fuzzy",
            'msgid "misleading"',
            'msgstr "틀림"',
            "",
            'msgid "Why"',
            'msgstr ""',
            "",
            '#~ msgid "old"',
            '#~ msgstr "옛"',
            "",
            'msgid ""',
            '"a \\"quoted\\" "',
            '"word"',
            'msgstr "“인용된” 낱말"',
        ]
    )
    assert translation.read_po(text) == {"holds": "성립", 'a "quoted" word': "“인용된” 낱말"}


def test_read_po_agrees_with_polib_on_the_shipped_catalogue():
    polib = pytest.importorskip("polib")
    path = translation.catalogue_path("ko")
    expected = {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(path))
        if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
    }
    assert translation.read_po(path.read_text(encoding="utf-8")) == expected


def test_bilingual_carries_both_languages_when_translated():
    rendered = translation.bilingual("does not hold")
    assert "<span class='aicompute-en'>does not hold</span>" in rendered
    assert "<span class='aicompute-ko' lang='ko'>성립하지 않음</span>" in rendered


def test_bilingual_shows_untranslated_text_in_both_editions():
    rendered = translation.bilingual("a sentence no catalogue has & never will")
    assert rendered == (
        "<span class='aicompute-text'>a sentence no catalogue has &amp; never will</span>"
    )


def test_every_text_the_audit_shows_has_its_korean():
    rendered = claims.ledger(claims.all_findings())._repr_html_()
    shown = translation.shown_texts(rendered)
    assert len(shown) > 100, "the ledger offers its labels, verdicts and notes for translation"
    missing = [text for text in shown if text not in translation.catalogue("ko")]
    assert not missing, f"{len(missing)} audit texts lack Korean, e.g. {missing[:3]}"
    untranslated = re.findall(r"<span class='aicompute-text'>([^<]*)</span>", rendered)
    untranslated = [html.unescape(text) for text in untranslated]
    assert all(not re.search("[A-Za-z]", text) for text in untranslated), untranslated[:3]


def test_translated_notes_keep_their_numbers():
    notes = [finding.note for finding in claims.all_findings() if finding.note]
    for note in notes:
        korean = translation.translate(note)
        assert korean is not None, note
        pattern, numbers = translation.template(note)
        if not re.search("[A-Za-z]", pattern):
            continue  # no words: the note is its own translation
        translated = translation.catalogue("ko")[pattern]
        for index, factor in translation.PLACEHOLDER.findall(translated):
            if not factor:
                assert numbers[int(index)] in korean, (note, korean)


@pytest.mark.parametrize("language", ["en", "japanese", ""])
def test_unknown_language_is_refused(language):
    with pytest.raises(ValueError, match="languages are"):
        translation.catalogue_path(language)
