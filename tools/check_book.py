"""Check the built HTML book: every page exists, every notebook page links to itself on Colab,
and every page's language switch leads to the same page in the other edition.

Usage: python tools/check_book.py _build/html [_build/html/ko ...]   (one folder per edition)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402


def toc_entries() -> list[str]:
    toc = yaml.safe_load((colab.ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            entries.append(chapter["file"])
            entries += [section["file"] for section in chapter.get("sections", [])]
    return entries


SWITCH = re.compile(r'<a class="btn btn-sm aicompute-language-switch" href="([^"]+)"')


def switch_problem(page: Path, entry: str) -> str | None:
    """What is wrong with a page's language switch, or None when it leads to its twin."""
    links = SWITCH.findall(page.read_text(encoding="utf-8"))
    if len(links) != 1:
        return f"{entry}: {len(links)} language switches, not one"
    twin = (page.parent / links[0]).resolve()
    if not twin.is_file() or twin == page.resolve():
        return f"{entry}: its language switch leads to {links[0]}, which is not its twin"
    if not twin.as_posix().endswith(f"/{entry}.html"):
        return f"{entry}: its language switch leads to another page, {links[0]}"
    return None


def check_edition(html_dir: str) -> None:
    html_root = Path(html_dir)
    problems = []
    notebooks = 0
    for entry in toc_entries():
        page = html_root / f"{entry}.html"
        if not page.exists():
            problems.append(f"{entry}: no page {page}")
            continue
        problem = switch_problem(page, entry)
        if problem:
            problems.append(problem)
        source = colab.ROOT / f"{entry}.ipynb"
        if source.exists():
            notebooks += 1
            if colab.colab_url(source) not in page.read_text(encoding="utf-8"):
                problems.append(f"{entry}: no Colab launch link to {colab.colab_url(source)}")
    if problems:
        raise SystemExit("book check failed:\n  " + "\n  ".join(problems))
    print(
        f"book check, {html_dir}: {len(toc_entries())} pages, each with a language switch to "
        f"its twin; {notebooks} notebooks with Colab links"
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for folder in sys.argv[1:]:
        check_edition(folder)
