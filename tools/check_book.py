"""Check the built HTML book: every notebook page exists and links to itself on Colab.

Usage: python tools/check_book.py _build/html
"""

from __future__ import annotations

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


def main(html_dir: str) -> None:
    html_root = Path(html_dir)
    problems = []
    notebooks = 0
    for entry in toc_entries():
        page = html_root / f"{entry}.html"
        if not page.exists():
            problems.append(f"{entry}: no page {page}")
            continue
        source = colab.ROOT / f"{entry}.ipynb"
        if source.exists():
            notebooks += 1
            if colab.colab_url(source) not in page.read_text(encoding="utf-8"):
                problems.append(f"{entry}: no Colab launch link to {colab.colab_url(source)}")
    if problems:
        raise SystemExit("book check failed:\n  " + "\n  ".join(problems))
    print(f"book check: {len(toc_entries())} pages, {notebooks} notebooks with Colab links")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
