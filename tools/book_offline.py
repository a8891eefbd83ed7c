"""Sphinx extension: a book that reads without any other host.

- MathJax 3 comes from the ``django-static-mathjax`` package (a vendored copy of MathJax) and is
  shipped in ``_static/mathjax``; ``mathjax_path`` in ``_config.yml`` points at it.
- Thebe (live code in the page) is not offered, so its scripts, which would load code from a
  CDN, are left out of every page.
- Launch buttons (Colab) appear only on pages whose source is a notebook: Colab cannot open a
  MyST page.
- The theme starts in "auto" mode (light or dark as the reader's system says) instead of
  logging a console error on a reader's first visit.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

# What MathJax's tex-chtml component loads: itself, TeX extensions loaded on demand, the CHTML
# fonts, and the accessibility and menu parts it can load when a reader asks for them.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "a11y", "ui", "sre")


def mathjax_source() -> Path:
    """The folder of the vendored MathJax 3 build (``es5``)."""
    import mathjax  # the django-static-mathjax package

    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").is_file():
        raise RuntimeError(f"django-static-mathjax has no MathJax build in {folder}")
    return folder


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Ship MathJax with the site, in ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def _is_thebe(script: Any) -> bool:
    filename = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in filename or "THEBE_JS_URL" in body


def trim_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """No thebe scripts; launch buttons only where the page's source is a notebook."""
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]
    source_suffix = context.get("page_source_suffix", "")
    if source_suffix != ".ipynb" and "header_buttons" in context:
        context["header_buttons"] = [
            button
            for button in context["header_buttons"]
            if button.get("label") != "launch-buttons"
        ]


def default_theme_mode(app: Sphinx, config: Any) -> None:
    """Give the theme a mode to start in (pydata-sphinx-theme reads ``default_mode`` from the
    HTML context)."""
    config.html_context.setdefault("default_mode", "auto")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", default_theme_mode)
    # After sphinx-book-theme has added its launch buttons (priority 501).
    app.connect("html-page-context", trim_page, priority=900)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
