"""Every number typed in a chapter's prose is one the same notebook computes (or a structural one).

The rule, for each chapter notebook ``notebooks/0*.ipynb``:

1. The *prose* is the text of its markdown cells before the exercises, without what is not the
   book's own claim: quotations of the report (``>`` blocks), code (fenced and inline), maths
   (``$...$``), citations and cross-references (``{cite:p}`...```, ``{doc}`...```), links, and
   the names of things that contain digits (``GTX 1080``, ``H100``, ``E5-2699 v4``, ``<표 3-2>``,
   ``[그림 2-7]``, ``제2장 제4절``, ``DDR4-2400``: a number joined to letters is a name).
2. A *number* is a run of digits, with thousands separators and a decimal part, read as written:
   ``2,700`` is 2700 to the nearest 50 (trailing zeros of an integer are not significant),
   ``85.2`` is 85.2 to the nearest 0.05.
3. A number passes when it is *structural* (a year from 1940 to 2039, a width in bits, or a
   chapter, section, exercise, footnote, table or figure number, which the words before it say)
   or when the same notebook *computes* it: some number printed in its outputs (text, tables,
   the audit table), possibly with another SI prefix or as a share, or set in its code, rounds
   to it at the prose's printed precision. Outputs of cells tagged ``nbval-ignore-output`` (a
   measurement of the machine that runs the notebook) do not count: prose must not depend on
   their digits. ``88 %`` passes if an output
   shows 87.92; ``7.5 minutes`` fails if the outputs show only 7.9.
4. What is left must be in :data:`ALLOWED`, each with a reason (a datasheet figure typed from a
   cited source in the same sentence, a number of the report restated next to its quote, ...).

The rule can fail: a typed number that the notebook's outputs do not contain, at the precision
the prose prints, is reported with its cell and context. It cannot tell a coincidental match from
a real one (small integers match almost anything), so it catches mostly the numbers that matter,
those with three or more significant digits or a decimal part, which is where stale and
mistyped figures show. Stored outputs are checked as they are: after code changes, the notebooks
are re-executed before this test means anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("0*.ipynb"))

# notebook stem -> {typed number: reason}. Keep it short and explicit.
ALLOWED: dict[str, dict[str, str]] = {
    "00_your_machine": {
        "7.5": "CUDA compute capability of Turing: a version number, not a quantity",
        "137": "2 × 4096³ FLOP, the product whose size the same sentence states",
        "128": "a copy reads and writes the 64 MiB array set in the code: 2 × 64 MiB",
    },
    "01_moores_law": {"4004": "the Intel 4004: a processor's name"},
    "03_roofline": {"32,768": "128 MiB / 4 KiB, the arithmetic the sentence states"},
    "05_im2col": {
        "49": "the value network's input planes (48 + the colour to play), chapter 6",
        "18": "2 × 9: a multiply and an add for each term of a 9-term dot product",
    },
    "06_alphago_flops": {
        "23": "19 + 2 × 2: the board padded for the 5×5 layer (layer sizes, not results)",
        "21": "19 + 2 × 1: the board padded for the 3×3 layers",
        "69,312": "192 × 361, the outputs of one layer (the number the report's D also has)",
    },
    "08_scale_out": {
        "176": "the paper's GPU count, cited in the sentence (also chapter 6's table)",
        "1,202": "the paper's CPU count, cited in the sentence",
        "2.8": "chapter 6's computed GFLOP per evaluation, recalled",
        "38": "the Llama 3 paper's measured share of BF16 peak, cited in the paragraph",
    },
    "07_survey": {
        "14.2": "the report's printed mean and 1,009 / 71, the division the sentence shows",
        "14.0": "1,009 / 72, the division the sentence shows",
        "47,141": "the report's <표 별첨2-10> cell in TFLOPS, quoted beside our total",
        "8,305": "Nurion's Xeon Phi partition, from the KISTI description cited there",
        "132": "Nurion's Skylake partition, from the KISTI description cited there",
        "512": "the AVX-512 vector width: a name",
        "66.9": "H100 SXM FP32 peak, typed from the datasheet cited in the sentence",
        "989": "H100 SXM dense BF16 peak, typed from the datasheet cited in the sentence",
        "2,105": "a cell of the report's <표 별첨2-4> (TB wanted by one stratum)",
    },
}

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
_PRODUCT_BEFORE = re.compile(
    r"\b(GTX|RTX|TITAN|Pentium|Xeon|Platinum|Gold|Core|Phi|Tesla|Quadro|EPYC|Ryzen|Galaxy|"
    r"POWER|Power|SR|Exynos|Radeon|Instinct|MI|Python|PCIe|DDR\d?|HBM\d?|Series|Apple M|"
    r"GeForce|Cray|CM|Blue Gene/[LPQ]|Kepler|K|P|V|T|L|M|Mali|GP|GV|GA|GH|IBM|SP|ASCI|NEC|"
    r"Earth-Simulator|Titan|Summit|Frontier|Sequoia|Tianhe|Sunway|Fugaku|Go|AVX|SSE|x86|Intel|"
    r"NVIDIA|AMD|ARM|Cortex|Skylake|Haswell|Broadwell|ResNet|VGG|GPT|BERT|LLaMA|ImageNet)"
    r"[- ]?$"
)
_STRUCTURAL_BEFORE = re.compile(
    r"(chapter|chapters|section|sections|exercise|footnote|footnotes|table|figure|lab|labs|"
    r"part|step|question|각주|제|표|그림|appendix|별첨|list|rank|ranks|top|no\.|#|v|version|"
    r"level|levels)\s*$",
    re.IGNORECASE,
)


def _prose(markdown: str) -> str:
    """The book's own statements in a markdown cell (see the module docstring, point 1)."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"~~~.*?~~~", " ", text, flags=re.DOTALL)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<표[^>]*>|\[그림[^\]]*\]|제\d+[장절]", " ", text)
    return text


def _value_and_half_unit(integer: str, decimals: str | None) -> tuple[float, float]:
    digits = integer.replace(",", "")
    if decimals:
        return float(digits + decimals), 0.5 * 10.0 ** -(len(decimals) - 1)
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return float(digits), 0.5 * 10.0**zeros


def prose_numbers(markdown: str) -> list[tuple[str, float, float, str]]:
    """The typed numbers of a markdown cell: (as written, value, half unit, context)."""
    text = _prose(markdown)
    found = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before, after = text[max(0, start - 25) : start], text[end : end + 2]
        if re.match(r"\.\d", after):
            continue  # a dotted address or version (127.0.0.1, 12.4.1)
        if re.search(r"[A-Za-z][-.]?$", before) or re.match(r"[A-Za-z가-힣]", after):
            if not re.match(
                r"(x|×|s\b|ms|GB|TB|MB|KB|kB|GHz|MHz|W\b|nm|th|st|nd|rd|M\b|G\b|T\b|P\b|k\b)", after
            ):
                continue  # glued to letters: a name (A100, E5-2699, DDR4-2400, 7120P)
        if _PRODUCT_BEFORE.search(before):
            continue  # a model number after its family name (GTX 1080, Xeon Platinum 8180)
        value, half_unit = _value_and_half_unit(match.group(1), match.group(2))
        if match.group(2) is None and "," not in match.group(1) and 1940 <= value <= 2039:
            continue  # a year
        if _STRUCTURAL_BEFORE.search(before) or re.match(r"\s*-?bits?\b", text[end:]):
            continue  # a chapter, section, table ... number, or a width in bits
        context = text[max(0, start - 40) : end + 20].replace("\n", " ")
        found.append((match.group(0), value, half_unit, context))
    return found


def _strip_html(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


def computed_numbers(notebook: dict) -> list[float]:
    """Every number the notebook prints in an output or sets in its code."""
    texts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        texts.append("".join(cell["source"]))
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue  # a measurement of this machine: prose must not depend on its digits
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append("".join(output["text"]))
            for kind in ("text/plain", "text/html", "text/markdown", "text/latex"):
                if kind in output.get("data", {}):
                    texts.append(_strip_html("".join(output["data"][kind])))
    numbers = []
    pattern = re.compile(r"-?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:[eE]([+-]?\d+))?")
    for text in texts:
        for match in pattern.finditer(text):
            value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
            if match.group(3):
                if abs(int(match.group(3))) > 300:
                    continue
                value *= 10.0 ** int(match.group(3))
            numbers.append(abs(value))
    return numbers


def _before_exercises(notebook: dict) -> list[tuple[int, str]]:
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            exercises = re.search(r"^#+\s*Exercises", source, flags=re.MULTILINE)
            if exercises:
                cells.append((index, source[: exercises.start()]))
                break
            cells.append((index, source))
    return cells


# A number may be printed with another prefix (TFLOPS in a table, PFLOPS in the text) or as a
# share (0.875 printed, 87.5 % written).
_SCALES = (1.0, 1e3, 1e-3, 1e6, 1e-6, 100.0, 0.01)


def _is_computed(value: float, half_unit: float, computed: list[float]) -> bool:
    """Whether some computed number, at some scale, rounds to ``value`` at ``half_unit``."""
    tolerance = half_unit * (1 + 1e-9) + 1e-12
    return any(abs(number * scale - value) <= tolerance for number in computed for scale in _SCALES)


def unmatched_numbers(path: Path) -> list[str]:
    """The typed numbers of a chapter's prose that its outputs do not compute (nor ALLOWED)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    computed = sorted(set(computed_numbers(notebook)))
    allowed = ALLOWED.get(path.stem, {})
    problems = []
    for index, markdown in _before_exercises(notebook):
        for written, value, half_unit, context in prose_numbers(markdown):
            if written in allowed:
                continue
            if not _is_computed(value, half_unit, computed):
                problems.append(f"{path.stem} cell {index}: {written!r} in '...{context}...'")
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_prose_numbers_are_computed(path: Path) -> None:
    problems = unmatched_numbers(path)
    assert not problems, "typed numbers the notebook does not compute:\n" + "\n".join(problems)


def test_rule_can_fail() -> None:
    """A stale number in the prose is caught; a rounded one, a year and a name are not."""
    notebook = {
        "cells": [
            {
                "cell_type": "markdown",
                "source": "In 2016 the GTX 1080 took 85.2 minutes, 7.5 of them idle, "
                "about 2,700-fold (chapter 4).",
            },
            {
                "cell_type": "code",
                "source": "print(x)",
                "outputs": [{"output_type": "stream", "text": "85.22 minutes, 2,717x, 7.9"}],
            },
        ]
    }
    computed = computed_numbers(notebook)
    typed = prose_numbers(notebook["cells"][0]["source"])
    assert [t[0] for t in typed] == ["85.2", "7.5", "2,700"]
    missing = [t[0] for t in typed if not _is_computed(t[1], t[2], computed)]
    assert missing == ["7.5"]


def test_no_hand_typed_verdict_counts() -> None:
    """The ledger's counts are computed at build time; no page types them by hand."""
    typed = re.compile(r"\b\d[\d,]*\s+(claims|verdicts|findings)\b")
    pages = [*(ROOT / "chapters").glob("*.md"), ROOT / "README.md"]
    offenders = []
    for page in pages:
        text = re.sub(r"```.*?```", " ", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        offenders += [f"{page.name}: {m.group(0)}" for m in typed.finditer(text)]
    for path in [*CHAPTERS, *sorted((ROOT / "labs").glob("*.ipynb"))]:
        for _, markdown in _before_exercises(json.loads(path.read_text(encoding="utf-8"))):
            offenders += [f"{path.name}: {m.group(0)}" for m in typed.finditer(markdown)]
    assert not offenders, offenders
