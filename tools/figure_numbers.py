"""Number figures per chapter: "Fig. 3.2" in chapter 3, "Fig. 1" in a lab or appendix page.

Sphinx numbers figures per section number of a numbered table of contents; the book's is not
numbered (its parts hold introduction pages as well as chapters), so Sphinx would count figures
across the whole book. This extension renumbers them after Sphinx: within each page in document
order, prefixed by the chapter's number when the page is a chapter notebook
(``notebooks/NN_name``). Tables and code blocks get the same treatment.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

CHAPTER = re.compile(r"^notebooks/(\d+)_")


def chapter_prefix(docname: str) -> tuple[int, ...]:
    """``(N,)`` for the chapter notebook ``notebooks/NN_...``, else ``()``."""
    match = CHAPTER.match(docname)
    return (int(match.group(1)),) if match else ()


def renumber(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Renumber every page's figures from 1 (after the chapter prefix); return changed pages."""
    changed = []
    for docname, by_type in env.toc_fignumbers.items():
        prefix = chapter_prefix(docname)
        new = {
            figtype: {
                fig_id: (*prefix, index)
                for index, (fig_id, _) in enumerate(
                    sorted(numbers.items(), key=lambda item: item[1]), start=1
                )
            }
            for figtype, numbers in by_type.items()
        }
        if new != by_type:
            env.toc_fignumbers[docname] = new
            changed.append(docname)
    return changed


def setup(app: Sphinx) -> dict[str, object]:
    # After Sphinx's own numbering (TocTreeCollector listens with the default priority 500).
    app.connect("env-get-updated", renumber, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
