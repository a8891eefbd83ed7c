"""The audit in the book's Korean edition: Korean for its verdicts, labels and notes.

An audit's words are computed ("ours is 12 % lower", "Mean 4.1 TB x 29 firms ..."), so they
cannot be translated where the book's prose is. Their Korean lives in a gettext catalogue,
``data/locales/ko/LC_MESSAGES/audit.po``, whose messages are those texts with every number
replaced by a numbered placeholder ("ours is {0} % lower" → "이 책의 값이 {0}% 낮음"): the numbers
are put back in, so a note keeps its Korean when a table or a measurement changes a number, and
a changed sentence is flagged for review like any page of the book.

The HTML carries both languages; the audit's stylesheet shows the one of the page that displays
it (``<html lang="ko">`` in the Korean edition, English in Jupyter, Colab and the English book).
"""

from __future__ import annotations

import functools
import html
import re
from importlib import resources

from . import validate

__all__ = [
    "LANGUAGES",
    "bilingual",
    "catalogue",
    "fill",
    "read_po",
    "shown_texts",
    "template",
    "translate",
]

LANGUAGES = ("ko",)
# A number standing alone or before a unit ("2.5x", "46 %", "1,837", "-3"), not inside a name
# ("FP64", "H100", "ch3.roofline").
NUMBER = re.compile(r"(?<![\w.])[-+−]?\d(?:[\d,]*\d)?(?:\.\d+)?")
# "{0}", or "{0*10}" for the number times ten: Korean counts large amounts in 만 (10⁴) and 억
# (10⁸), so "3 bn won" is "{0*10}억 원" → "30억 원".
PLACEHOLDER = re.compile(r"\{(\d+)(?:\*(10+))?\}")


def template(text: str) -> tuple[str, list[str]]:
    """``text`` with its numbers replaced by ``{0}``, ``{1}``, ...; and those numbers in order."""
    text = validate.text("text", text)
    if "{" in text or "}" in text:
        raise ValueError(f"text to translate may not contain braces: {text!r}")
    numbers: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        numbers.append(match.group(0))
        return f"{{{len(numbers) - 1}}}"

    return NUMBER.sub(numbered, text), numbers


def _scaled(number: str, factor: str | None) -> str:
    """``number`` (as printed) times ``factor`` (a power of ten), printed the same way."""
    if not factor:
        return number
    value = float(number.replace(",", "").replace("−", "-")) * int(factor)
    whole = round(value)
    if abs(value - whole) < 1e-9 * max(1.0, abs(value)):
        return f"{whole:,}" if "," in number or abs(whole) >= 10_000 else str(whole)
    return f"{value:.10g}"


def fill(translated: str, numbers: list[str]) -> str:
    """A translated template with its numbers put back (placeholders may come in any order,
    and may scale a number by a power of ten: ``{0*10}``)."""
    translated = validate.text("translated", translated)
    numbers = [
        validate.text("each of numbers", number) for number in validate.sequence("numbers", numbers)
    ]
    wanted = {int(index) for index, _ in PLACEHOLDER.findall(translated)}
    if wanted != set(range(len(numbers))):
        raise ValueError(
            f"translation {translated!r} has placeholders {sorted(wanted)}, "
            f"but the text has {len(numbers)} numbers"
        )
    return PLACEHOLDER.sub(
        lambda match: _scaled(numbers[int(match.group(1))], match.group(2)), translated
    )


def catalogue_path(language: str = "ko") -> resources.abc.Traversable:
    """Where the audit's catalogue of ``language`` lives in the package."""
    if language not in LANGUAGES:
        raise ValueError(f"languages are {LANGUAGES}, got {language!r}")
    return resources.files("aicompute").joinpath(
        "data", "locales", language, "LC_MESSAGES", "audit.po"
    )


_PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _po_string(quoted: str) -> str:
    """The text of one quoted line of a .po file."""
    return re.sub(r"\\(.)", lambda m: _PO_ESCAPES.get(m.group(1), m.group(0)), quoted[1:-1])


def read_po(text: str) -> dict[str, str]:
    """The translated, reviewed messages of a gettext catalogue's text: msgid → msgstr.

    Untranslated, fuzzy (to be reviewed) and obsolete entries are left out. A reader of the
    plain format sphinx-intl writes, so the package needs no gettext library on Colab.
    """
    text = validate.instance("text", text, str, "the text of a .po file")
    messages = {}
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.strip().splitlines()
        if any(line.startswith("#~") for line in lines):
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        fields: dict[str, str] = {}
        field = ""
        for line in lines:
            keyword = re.match(r'(msgctxt|msgid|msgstr)\s+(".*")$', line)
            if keyword:
                field = keyword.group(1)
                fields[field] = _po_string(keyword.group(2))
            elif line.startswith('"') and field:
                fields[field] += _po_string(line)
        if fields.get("msgid") and fields.get("msgstr"):
            messages[fields["msgid"]] = fields["msgstr"]
    return messages


@functools.cache
def catalogue(language: str = "ko") -> dict[str, str]:
    """The translated, reviewed messages of ``language``: template → translated template."""
    path = catalogue_path(language)
    return read_po(path.read_text(encoding="utf-8")) if path.is_file() else {}


def translate(text: str, language: str = "ko") -> str | None:
    """``text`` in ``language``, or None when the catalogue has no reviewed translation.

    A text without words (numbers, symbols, the report's Korean) is its own translation."""
    pattern, numbers = template(text)
    if not re.search("[A-Za-z]", pattern):
        return text
    translated = catalogue(language).get(pattern)
    return None if translated is None else fill(translated, numbers)


def bilingual(text: str) -> str:
    """HTML for ``text`` in English and, when the catalogue has it, in Korean beside it.

    The audit's stylesheet shows one of the two, by the page's language. Text without a
    translation shows in both editions (``aicompute-text``), so nothing ever disappears.
    """
    validate.instance("text", text, str, "text (a str)")
    korean = translate(text) if text.strip() else None
    english = html.escape(text)
    if korean is None:
        return f"<span class='aicompute-text'>{english}</span>"
    return (
        f"<span class='aicompute-en'>{english}</span>"
        f"<span class='aicompute-ko' lang='ko'>{html.escape(korean)}</span>"
    )


_SHOWN = re.compile(r"<span class='aicompute-(?:text|en)'>(.*?)</span>", re.DOTALL)


def shown_texts(rendered_html: str) -> list[str]:
    """The English texts a rendering offers for translation (see :func:`bilingual`), as
    templates, each once, in order of appearance; numbers and symbols alone need none."""
    rendered_html = validate.text("rendered_html", rendered_html)
    texts = (html.unescape(match) for match in _SHOWN.findall(rendered_html))
    templates = (template(text)[0] for text in texts if text.strip())
    return list(dict.fromkeys(t for t in templates if re.search("[A-Za-z]", t)))
