"""The built book, opened as a reader meets it: every page in a real Chromium, offline.

Each page of ``_build/html`` is served from 127.0.0.1 with every other host blocked, and opened
at 1280 px, at 390 px (a phone) and at 1280 px in the dark theme. A page fails when it scrolls
sideways, when a claim card is wider than its column, when TeX is left unrendered, when a widget
view (which needs a kernel) is shown, when the console reports an error, when it asks another
host for anything, when an image is broken or has no alt text, or when words meant for the
book's maintainers reach the reader.

The Korean edition (``ko/``) is opened the same way. Every page of both editions must show a
language switch that leads to the same page in the other edition; a Korean page must be marked
Korean and show no English paragraph (code and outputs aside), no figure described in English
and no English table-of-contents caption, and its audit cards must speak Korean.

Needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``CHROMIUM=...``) and the ``playwright``
package; runs after ``make book`` (``make test`` does both). Outside CI it is skipped, saying
why, when either is missing; with ``CI=true`` it never skips.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
IN_CI = os.environ.get("CI", "").lower() == "true"
MODES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"},
    "phone": {"viewport": {"width": 390, "height": 844}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
}
# Words for the book's maintainers, not its readers. Case-sensitive where the word is an acronym.
PROCESS_WORDS = [
    re.compile(r"\bnbval\b", re.IGNORECASE),
    re.compile(r"\bpytest\b", re.IGNORECASE),
    re.compile(r"(?<!%)(?<!% )\bCI\b"),  # not a confidence interval ("95% CI")
    re.compile(r"\bTODO\b"),
    re.compile(r"\bFIXME\b"),
    re.compile(r"\bcontinuous integration\b", re.IGNORECASE),
    re.compile(r"\bpull request\b", re.IGNORECASE),
    re.compile(r"\bissue #?\d+\b", re.IGNORECASE),
    re.compile(r"\bissues? (?:that|which) (?:asked|asks|filed|requested)\b", re.IGNORECASE),
    re.compile(r"\bDEVELOPERS\.md\b"),
]
RAW_TEX = re.compile(r"\$\$|\\frac|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\mathrm|\\times")

# Runs in the page: everything a reader would see go wrong, as a list of strings.
PAGE_PROBLEMS_JS = """
async () => {
  const problems = [];
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = 'eager'; });
  const images = [...document.images];
  await Promise.all(images.map(i => i.complete ? null :
    new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done);
                          setTimeout(done, 5000); })));
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    const wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > width + 1
                   && e.getBoundingClientRect().width > 0)
      .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
      .slice(0, 3)
      .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} px wide `
                  + `in a ${width} px window (widest: ${wide.join(', ')})`);
  }
  // Content pushed past the right edge where nothing lets the reader scroll to it (a parent
  // that hides overflow clips it silently). Own scroll containers (code, wide tables) are fine.
  const cut = [];
  const article = document.querySelector('article') || document.querySelector('main');
  for (const e of article ? article.querySelectorAll('*') : []) {
    if (e.closest('mjx-assistive-mml')) continue;  // for screen readers, clipped on purpose
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let scrollable = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll')
          && a.getBoundingClientRect().right <= width + 1) { scrollable = true; break; }
    }
    if (!scrollable && !cut.some(c => c.contains(e))) cut.push(e);
  }
  if (cut.length) {
    const name = e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
    problems.push(`${cut.length} element(s) cut off at the right edge: `
                  + cut.slice(0, 3).map(name).join(', '));
  }
  const clipping = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow !== 'visible') return a.getBoundingClientRect().right;
    }
    return width;
  };
  document.querySelectorAll('.aicompute-claim').forEach(c => {
    const right = c.getBoundingClientRect().right;
    if (c.scrollWidth > c.clientWidth + 1 || right > Math.min(width, clipping(c)) + 1) {
      problems.push(`claim ${c.id} is wider than its column (right edge ${Math.round(right)} px)`);
    }
  });
  const widgets = document.querySelectorAll(
    '.jupyter-widgets, script[type="application/vnd.jupyter.widget-view+json"]');
  if (widgets.length) problems.push(`${widgets.length} widget view(s), which need a kernel`);
  for (const i of images) {
    const name = (i.getAttribute('src') || '').split('/').pop().slice(0, 60);
    if (i.naturalWidth === 0) problems.push(`broken image ${name}`);
    if (!i.hasAttribute('alt') || (i.alt.trim() === ''
        && !i.closest('[aria-hidden="true"], [role="presentation"]'))) {
      problems.push(`image without alt text ${name}`);
    }
  }
  return problems;
}
"""

# The edition's marks: its language, the switch to the twin page, and prose in the wrong language.
EDITION_PROBLEMS_JS = """
(korean) => {
  const problems = [];
  const lang = document.documentElement.lang;
  if (lang !== (korean ? 'ko' : 'en')) problems.push(`page language is ${lang}`);
  const switches = [...document.querySelectorAll('a.aicompute-language-switch')];
  const shown = switches.filter(a => a.getClientRects().length);
  if (shown.length !== 1) problems.push(`${shown.length} visible language switches, not one`);
  const here = location.pathname;
  const twin = korean ? here.replace(/\\/ko\\//, '/') : here.replace(/^\\//, '/ko/');
  for (const a of shown) {
    const target = new URL(a.href).pathname;
    if (target !== twin) problems.push(`language switch leads to ${target}, not ${twin}`);
  }
  const seen = e => e.getClientRects().length > 0;
  const wrong = korean ? '.aicompute-en' : '.aicompute-ko';
  const leaked = [...document.querySelectorAll(wrong)].filter(seen);
  if (leaked.length) problems.push(`${leaked.length} audit texts in the other language shown`);
  if (korean) {
    const hangul = /[\\uac00-\\ud7a3]/;
    const skip = 'pre, code, .highlight, .cell_output, .output, mjx-container, .bibliography,'
               + ' .citation, nav, header, footer, .aicompute-audit, .aicompute-ledger';
    const english = [...document.querySelectorAll(
        'article p, article li, article h1, article h2, article h3, article figcaption,'
        + ' article td, article dt, article dd, article .admonition-title')]
      .filter(e => seen(e) && !e.closest(skip))
      // A table row that pairs a Korean term with its English (the glossary) keeps the English.
      .filter(e => !(e.closest('td') && hangul.test(e.closest('tr').innerText)))
      .map(e => e.innerText)
      .filter(t => !hangul.test(t) && (t.match(/[A-Za-z]{2,}/g) || []).length >= 6);
    const alts = [...document.querySelectorAll('article img[alt]')].map(i => i.alt)
      .filter(t => !hangul.test(t) && (t.match(/[A-Za-z]{2,}/g) || []).length >= 6);
    if (alts.length) problems.push(`figure described in English: ${alts[0].slice(0, 90)}`);
    const captions = [...document.querySelectorAll('.caption-text')].map(e => e.textContent)
      .filter(t => !hangul.test(t));
    if (captions.length) problems.push(`table of contents in English: ${captions[0]}`);
    for (const t of english.slice(0, 3)) {
      problems.push(`English prose on a Korean page: ${t.slice(0, 90)}`);
    }
  }
  return problems;
}
"""

# Text nodes a reader sees as text (not code, not rendered math).
TEXT_NODES_JS = """
() => {
  const main = document.querySelector('main') || document.body;
  const skip = 'pre, code, script, style, textarea, mjx-container, .MathJax, .highlight';
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (!parent.getClientRects().length) continue;
    texts.push(n.textContent);
  }
  return texts;
}
"""


def _pages() -> list[str]:
    if not HTML.is_dir():
        return []
    return sorted(
        str(p.relative_to(HTML))
        for p in HTML.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(HTML).parts)
        and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:500]  # a redirect
    )


def _unavailable() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not HTML.is_dir():
        return f"no built book in {HTML}: run `make book` first"
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(chromium).is_file() or shutil.which(chromium)):
        return f"no Chromium at {chromium}: install Debian's `chromium` package (apt-get)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (`make venv` installs it)"
    return None


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The built book, served on 127.0.0.1; the base URL."""
    reason = _unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def browser(site: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def contexts(browser) -> Iterator[dict]:
    opened = {mode: browser.new_context(**options) for mode, options in MODES.items()}
    try:
        yield opened
    finally:
        for context in opened.values():
            context.close()


def page_problems(context, base: str, path: str, mode: str) -> list[str]:
    """Everything wrong with one page as a reader sees it."""
    problems: list[str] = []
    page = context.new_page()
    try:

        def route(request_route) -> None:
            url = request_route.request.url
            if url.startswith(base):
                request_route.continue_()
            else:
                problems.append(f"request to another host: {url[:120]}")
                request_route.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda m: (
                problems.append(f"console {m.type}: {m.text[:200]}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"script error: {str(e)[:200]}"))
        page.goto(base + path, wait_until="load")
        if mode == "dark":
            theme = page.evaluate("document.documentElement.dataset.theme")
            if theme != "dark":
                problems.append(f"dark mode asked for, page shows data-theme={theme!r}")
        problems += page.evaluate(PAGE_PROBLEMS_JS)
        problems += page.evaluate(EDITION_PROBLEMS_JS, path.startswith("ko/"))
        texts = page.evaluate(TEXT_NODES_JS)
        visible = "\n".join(texts)
        tex = sorted({m.group(0) for m in RAW_TEX.finditer(visible)})
        if tex:
            problems.append(f"raw TeX in the text: {' '.join(tex)}")
        main_text = page.evaluate("(document.querySelector('main') || document.body).innerText")
        for pattern in PROCESS_WORDS:
            for match in list(pattern.finditer(main_text))[:2]:
                start = max(match.start() - 40, 0)
                context_text = " ".join(main_text[start : match.end() + 40].split())
                problems.append(f"words for maintainers: …{context_text}…")
    finally:
        page.close()
    return problems


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", _pages() or ["(no built book)"])
def test_page_reads_well(site: str, contexts: dict, path: str, mode: str) -> None:
    problems = page_problems(contexts[mode], site, path, mode)
    assert not problems, f"{path} at {mode}:\n  " + "\n  ".join(dict.fromkeys(problems))


def test_ledger_filter_shows_only_failing_claims(site: str, contexts: dict) -> None:
    """The ledger's filter (CSS only) leaves exactly the claims that do not hold or mislead."""
    path = "chapters/claims_ledger.html"
    if not (HTML / path).is_file():
        pytest.fail(f"the book has no {path}")
    page = contexts["phone"].new_page()
    try:
        page.goto(site + path, wait_until="load")
        visible = "[...document.querySelectorAll('.aicompute-claim')].filter(c => c.offsetParent)"
        total = page.evaluate(f"{visible}.length")
        failing = page.evaluate(
            "document.querySelectorAll('.aicompute-claim.verdict-does-not-hold,"
            " .aicompute-claim.verdict-misleading').length"
        )
        page.click("label[for=aicompute-show-failing]")
        shown = page.evaluate(f"{visible}.map(c => c.className)")
        assert total > 0 and len(shown) == failing
        assert all("does-not-hold" in c or "misleading" in c for c in shown)
        page.click("label[for=aicompute-show-all]")
        assert page.evaluate(f"{visible}.length") == total
    finally:
        page.close()


def test_language_switch_goes_there_and_back(site: str, contexts: dict) -> None:
    """A reader on a phone switches a chapter to Korean and back, staying on the same page."""
    path = "notebooks/03_roofline.html"
    page = contexts["phone"].new_page()
    try:
        page.goto(site + path, wait_until="load")
        page.click("a.aicompute-language-switch")
        page.wait_for_load_state("load")
        assert page.url == site + "ko/" + path
        assert page.evaluate("document.documentElement.lang") == "ko"
        page.click("a.aicompute-language-switch")
        page.wait_for_load_state("load")
        assert page.url == site + path
    finally:
        page.close()


@pytest.mark.parametrize("query", ["루프라인", "루프라인에서는", "roofline"])
def test_korean_search_finds_a_word_whatever_its_particle(site: str, contexts: dict, query: str):
    """The Korean edition's search strips particles (조사) from the index and from the query
    alike, so a word is found with or without one; English words are stemmed as in English."""
    page = contexts["desktop"].new_page()
    try:
        page.goto(f"{site}ko/search.html?q={query}", wait_until="load")
        page.wait_for_function(
            "document.querySelector('#search-results p.search-summary') !== null", timeout=30000
        )
        found = page.evaluate(
            "[...document.querySelectorAll('#search-results ul.search li a')]"
            ".map(a => a.getAttribute('href'))"
        )
        assert "notebooks/03_roofline.html" in found, found
    finally:
        page.close()
