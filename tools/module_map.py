"""Copy the package map (``aicompute.MODULE_MAP_TABLE``) into ``CONTRIBUTING.md``.

The map is written once, in ``src/aicompute/__init__.py``; ``CONTRIBUTING.md`` shows the same
table between the lines ``<!-- module-map -->`` and ``<!-- /module-map -->``. Run this after
adding or changing a row; ``tests/test_module_map.py`` fails while the two differ.

    python tools/module_map.py           # rewrite the table in CONTRIBUTING.md
    python tools/module_map.py --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
START, END = "<!-- module-map -->", "<!-- /module-map -->"
SECTION = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.DOTALL)


def with_map(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    if not SECTION.search(text):
        raise ValueError(f"CONTRIBUTING.md has no {START} ... {END} block")
    return SECTION.sub(lambda _: f"{START}\n{table.strip()}\n{END}", text, count=1)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    import aicompute

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    args = parser.parse_args()
    text = CONTRIBUTING.read_text(encoding="utf-8")
    updated = with_map(text, aicompute.MODULE_MAP_TABLE)
    if args.check:
        if updated != text:
            print("CONTRIBUTING.md's module map is out of date: run python tools/module_map.py")
            return 1
        return 0
    CONTRIBUTING.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
