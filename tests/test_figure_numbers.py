"""The book's figure numbering: per chapter ("Fig. 3.2"), per page elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import figure_numbers  # noqa: E402


def test_figures_restart_in_every_page_with_the_chapter_as_prefix() -> None:
    # Sphinx without a numbered table of contents counts across the whole book.
    env = SimpleNamespace(
        toc_fignumbers={
            "notebooks/03_roofline": {"figure": {"fig-b": (12,), "fig-a": (11,)}},
            "labs/lab1_gpu_roofline": {"figure": {"fig-lab1": (31,)}},
            "chapters/glossary": {},
        }
    )
    changed = figure_numbers.renumber(None, env)
    assert env.toc_fignumbers["notebooks/03_roofline"]["figure"] == {
        "fig-a": (3, 1),
        "fig-b": (3, 2),
    }
    assert env.toc_fignumbers["labs/lab1_gpu_roofline"]["figure"] == {"fig-lab1": (1,)}
    assert sorted(changed) == ["labs/lab1_gpu_roofline", "notebooks/03_roofline"]
    assert figure_numbers.renumber(None, env) == []  # already numbered: nothing to rewrite
    assert figure_numbers.chapter_prefix("notebooks/00_your_machine") == (0,)
    assert figure_numbers.chapter_prefix("chapters/preface") == ()
