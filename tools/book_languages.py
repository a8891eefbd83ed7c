"""Sphinx extension: the book's editions, one per language, built from the same sources.

The English edition is the site's root; each translation is built with ``language`` set (see
``tools/build_book.py``) into a folder of the same name beside it (``ko/``). The translations
live in gettext catalogues, ``locales/<language>/LC_MESSAGES/<page>.po``, one per page.

- Every page links to its twin in the other edition (a switch in the article header, and
  ``<link rel="alternate" hreflang>`` in its head), so a reader changes language on the page they
  are reading.
- The Korean edition's search strips particles (조사) from Korean words, in the index and in the
  reader's query alike, so that "루프라인" finds "루프라인에서" and "루프라인은"; Latin words
  get the English stemmer.
- The alt text of a notebook's figures lives in the cell's metadata (``mystnb.image.alt``), which
  Sphinx's message extraction never sees, because myst-nb turns outputs into images after
  translation has run. This extension adds those texts to the page's catalogue when messages are
  extracted, and translates the images' alt text in a translated edition.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.gettext import MsgOrigin
from sphinx.locale import init as init_locale
from sphinx.search.en import SearchEnglish
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
# Each edition: its folder relative to the site's root, and the switch's label in its language
# (the word, and the short form a phone shows).
EDITIONS = {"en": ("", "English", "EN"), "ko": ("ko/", "한국어", "한")}
SWITCH_TITLE = {"en": "Read this page in English", "ko": "이 페이지를 한국어로 읽기"}


# Particles that follow a Korean noun, the longest first. A particle is stripped only where two
# syllables or more remain, so "정의" (definition) or "속도" (speed) keep their last syllable.
KOREAN_PARTICLES = (
    "에서는", "에서도", "으로는", "으로서", "으로써", "에게서", "이라는", "이라고",
    "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "마다", "라는", "이나", "이며",
    "이고", "이다", "은", "는", "이", "가", "을", "를", "에", "의", "와", "과", "도", "만", "로",
)  # fmt: skip
HANGUL = re.compile("[가-힣]")


def strip_particles(word: str) -> str:
    """A Korean word without the particles after it ("루프라인에서는" → "루프라인")."""
    stripped = True
    while stripped:
        stripped = False
        for particle in KOREAN_PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                word, stripped = word[: -len(particle)], True
                break
    return word


# The same stemmer in the search page's JavaScript, for the reader's query; Latin words go to
# the English (Porter) stemmer, renamed.
KOREAN_STEMMER_JS = """
var Stemmer = function() {
  const english = new EnglishStemmer();
  const particles = PARTICLES;
  const hangul = /[\\uac00-\\ud7a3]/;
  this.stemWord = function (w) {
    if (!hangul.test(w)) return english.stemWord(w);
    let stripped = true;
    while (stripped) {
      stripped = false;
      for (const p of particles) {
        if (w.endsWith(p) && w.length - p.length >= 2) {
          w = w.slice(0, -p.length);
          stripped = true;
          break;
        }
      }
    }
    return hangul.test(w) ? w : english.stemWord(w);
  };
};
""".replace("PARTICLES", json.dumps(KOREAN_PARTICLES, ensure_ascii=False))


class SearchKorean(SearchEnglish):
    """Search for the Korean edition: Korean words lose their particles, the rest is English."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = (
        SearchEnglish.js_stemmer_code.replace("var Stemmer =", "var EnglishStemmer =")
        + KOREAN_STEMMER_JS
    )

    def stem(self, word: str) -> str:
        if not HANGUL.search(word):
            return super().stem(word)
        word = strip_particles(word)
        return word if HANGUL.search(word) else super().stem(word)


def edition_language(language: str | None) -> str:
    """The edition a build's ``language`` belongs to (English unless a translation is named)."""
    return language if language in EDITIONS else "en"


def twin_url(docname: str, language: str, target: str) -> str:
    """The relative URL, from page ``docname`` of edition ``language``, of the same page in
    edition ``target``."""
    if language not in EDITIONS or target not in EDITIONS:
        raise ValueError(f"editions are {sorted(EDITIONS)}, got {language!r} and {target!r}")
    up_to_edition = "../" * docname.count("/")
    up_to_site = up_to_edition + "../" * EDITIONS[language][0].count("/")
    return f"{up_to_site}{EDITIONS[target][0]}{docname}.html"


def notebook_alt_texts(path: Path) -> list[tuple[str, int]]:
    """The figures' alt texts of a notebook, with the index of the cell that holds each."""
    if path.suffix != ".ipynb":
        return []
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    found = []
    for index, cell in enumerate(cells):
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            found.append((alt, index))
    return found


def extract_alt_texts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Add a notebook's figure alt texts to the page's message catalogue (gettext builder)."""
    if app.builder.name != "gettext":
        return
    source = Path(app.env.doc2path(docname))
    domain = docname_to_domain(docname, app.config.gettext_compact)
    for alt, cell in notebook_alt_texts(source):
        app.builder.catalogs[domain].add(alt, MsgOrigin(str(source), cell))


def page_catalogue(app: Sphinx, docname: str) -> tuple[Any, bool]:
    """The compiled translations of a page (a ``gettext`` translator) and whether there are any."""
    directories = [str(Path(app.srcdir) / folder) for folder in app.config.locale_dirs]
    domain = docname_to_domain(docname, app.config.gettext_compact)
    return init_locale(directories, app.config.language, domain)


def translate_alt_texts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Translate the alt text of every image of a page in a translated edition."""
    if app.builder.format != "html" or edition_language(app.config.language) == "en":
        return
    catalogue, found = page_catalogue(app, docname)
    if not found:
        return
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            image["alt"] = catalogue.gettext(image["alt"])


class ReportUntranslated(SphinxTransform):
    """Warn about every text of the page's catalogue that a translated edition would show in
    English: a message without a translation (or a fuzzy one), or one whose translation Sphinx
    could not apply (it must parse as the same kind of block as the English). With warnings as
    errors, no English paragraph slips through."""

    default_priority = 26  # after Sphinx's Locale transform (20)

    def apply(self, **kwargs: Any) -> None:
        if self.app.builder.name == "gettext" or edition_language(self.config.language) == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        expected = set()
        for folder in self.config.locale_dirs:
            path = Path(self.app.srcdir, folder, self.config.language, "LC_MESSAGES", domain)
            if path.with_suffix(".po").is_file():
                with path.with_suffix(".po").open("rb") as catalogue:
                    expected |= {str(m.id) for m in read_po(catalogue) if m.id}
        for node, message in extract_messages(self.document):
            if message in expected and not node.get("translated"):
                logger.warning("untranslated text: %r", message[:100], location=node)


class TranslateTocCaptions(SphinxTransform):
    """Translate the captions of the table of contents (the parts: "Part I: Why compute grew").

    sphinx-external-toc inserts its toctrees (priority 100) after Sphinx's translation has run
    (20), so their captions, which the catalogue of the root page holds, are translated here.
    """

    default_priority = 101

    def apply(self, **kwargs: Any) -> None:
        if self.app.builder.name == "gettext" or edition_language(self.config.language) == "en":
            return
        toctrees = list(self.document.findall(addnodes.toctree))
        if not toctrees:
            return
        catalogue, _ = page_catalogue(self.app, self.env.docname)
        for toctree in toctrees:
            for message in toctree.extract_original_messages():
                translated = catalogue.gettext(message)
                if translated == message:
                    logger.warning("untranslated text: %r", message, location=toctree)
                toctree.apply_translated_message(message, translated)


def add_switch(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Link the page to its twins in the other editions: a visible switch and head links."""
    language = edition_language(app.config.language)
    others = [target for target in EDITIONS if target != language]
    links = [
        f'<link rel="alternate" hreflang="{target}" href="{twin_url(pagename, language, target)}">'
        for target in EDITIONS
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(links)
    target = others[0]
    context["language_switch"] = {
        "href": twin_url(pagename, language, target),
        "hreflang": target,
        "label": EDITIONS[target][1],
        "short": EDITIONS[target][2],
        "title": SWITCH_TITLE[target],
    }


def place_switch(app: Sphinx, config: Any) -> None:
    """Put the switch after the theme's buttons in every page's header."""
    config.templates_path.append(str(TEMPLATES))
    options = config.html_theme_options
    options.setdefault("article_header_end", ["article-header-buttons.html"])
    if "language-switch.html" not in options["article_header_end"]:
        options["article_header_end"] = [*options["article_header_end"], "language-switch.html"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", place_switch)
    app.add_search_language(SearchKorean)
    app.add_transform(ReportUntranslated)
    app.add_transform(TranslateTocCaptions)
    app.connect("doctree-resolved", extract_alt_texts)
    app.connect("doctree-resolved", translate_alt_texts)
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
