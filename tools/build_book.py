"""Build a translated edition of the book beside the English one: ``_build/html/<language>``.

    python tools/build_book.py ko

The edition is built from the same notebooks and pages as the English one, with Sphinx's
``language`` set: the prose comes from ``locales/<language>/LC_MESSAGES``, and code, outputs and
figures are the English edition's (stored outputs are not re-executed). Warnings fail the build,
as ``jupyter-book build -W -n`` does for the English edition.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What differs from _config.yml in each translated edition.
EDITION_SETTINGS = {
    "ko": {
        "html_title": "AI는 왜 컴퓨팅 인프라가 필요한가",
        "html_theme_options": {
            "search_bar_text": "이 책에서 찾기...",
            "extra_footer": "코드는 MIT 라이선스, 글과 그림은 CC BY 4.0으로 배포합니다.\n",
        },
    },
}


def build_edition(language: str, work: Path | None = None, publish: bool = True) -> int:
    """Build the edition of ``language`` in ``work`` (``_build/<language>``) and, when
    ``publish``, copy it to ``_build/html/<language>``; Sphinx's exit code."""
    if language not in EDITION_SETTINGS:
        raise ValueError(f"editions to build are {sorted(EDITION_SETTINGS)}, got {language!r}")
    from jupyter_book.sphinx import build_sphinx

    work = work or ROOT / "_build" / language
    overrides = {
        "language": language,
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nitpicky": True,
        **EDITION_SETTINGS[language],
    }
    status = build_sphinx(
        ROOT,
        work / "html",
        noconfig=True,
        path_config=ROOT / "_config.yml",
        confoverrides=overrides,
        doctreedir=work / "doctrees",
        builder="html",
        warningiserror=True,
        keep_going=True,
        freshenv=True,  # every page read again, so every warning is reported again
    )
    if isinstance(status, Exception):
        raise status
    if status == 0 and publish:
        target = ROOT / "_build" / "html" / language
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(work / "html", target)
    return int(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", choices=sorted(EDITION_SETTINGS))
    parser.add_argument(
        "--work", type=Path, help="build here only, a preview (default: _build/<language>)"
    )
    arguments = parser.parse_args()
    work = arguments.work.resolve() if arguments.work else None
    return build_edition(arguments.language, work, publish=work is None)


if __name__ == "__main__":
    sys.exit(main())
