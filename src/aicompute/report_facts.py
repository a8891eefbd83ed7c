"""The report's history, definitions and self-consistency: the claims of ``data/claims/ch0.csv``.

The preface and 제1장 of the report tell AI's history (Dartmouth, expert systems, back-propagation,
deep belief nets, AlphaGo), define units (FLOPS prefixes, IEEE-754 widths, the terabyte), list the
questionnaire's GPUs and repeat figures of one section in another. Each such statement is a claim
judged here, deterministically, against a cited fact of ``data/ai_history.csv``, a datasheet row of
``data/hardware.csv``, a TOP500 row, or against what the report itself says elsewhere.

Dates are judged in years, not by a relative tolerance (1985 against 1986 is one year off, not
0.05 %): the same year holds, one year off roughly holds, more does not hold.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from aicompute import claims, data, hardware
from aicompute.claims import Claim, Finding, Verdict, audit_chapter, audits, check

__all__ = ["audit", "facts", "fact", "numerals", "numeral_coverage"]


@lru_cache(maxsize=1)
def facts() -> pd.DataFrame:
    """The cited facts (``data/ai_history.csv``), indexed by fact name."""
    return data.load("ai_history").set_index("fact")


def fact(name: str) -> float:
    """The value of one cited fact, e.g. ``fact("dartmouth_workshop")`` is 1956."""
    table = facts()
    if name not in table.index:
        raise ValueError(f"no fact {name!r} in ai_history.csv")
    return float(table.loc[name, "value"])


def _statement(name: str) -> str:
    return f"{facts().loc[name, 'statement']} ({facts().loc[name, 'source']})."


def _datasheet(name: str) -> pd.Series:
    table = hardware.datasheet()
    rows = table[table["name"] == name]
    if rows.empty:
        raise ValueError(f"no datasheet row named {name!r}")
    return rows.iloc[0]


def _years(claim: Claim, ours: float, fact_name: str, note: str = "") -> Finding:
    """The first year the quote prints, judged in whole years (decades for unit 'decade')."""
    printed = [int(n) for n in _numbers(claim.korean) if 1900 <= n <= 2100]
    if not printed:
        raise ValueError(f"claim {claim.id}: its quote prints no year")
    step = 10 if claim.unit == "decade" else 1
    off = abs(int(ours) // step - printed[0] // step)
    verdict = Verdict.HOLDS if off == 0 else Verdict.DOES_NOT_HOLD
    if off == 1 and step == 1:
        verdict = Verdict.ROUGHLY
    unit = "decade" if step == 10 else "year"
    gap = f"the same {unit}" if off == 0 else f"{off} {unit}{'s' if off > 1 else ''} apart"
    said = f"{printed[0]}s" if step == 10 else str(printed[0])
    text = f"{int(ours) // 10 * 10}s ({int(ours)})" if step == 10 else str(int(ours))
    return check(
        claim,
        ours,
        verdict=verdict,
        note=f"The report says {said}; {gap}. {_statement(fact_name)} {note}".strip(),
        ours_text=text,
    )


def _uncheckable(claim: Claim, why: str) -> Finding:
    return check(claim, None, verdict=Verdict.UNCHECKABLE, note=why)


def _numbers(text: str) -> list[float]:
    """The numbers printed in a quote, in order (thousands separators removed)."""
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


# --------------------------------------------------------------------------------------------
# History (제1장 and 제2장)


@audits("ch0.alphago-lee-2016")
def _alphago_lee(claim: Claim) -> Finding:
    facts_ok = (
        fact("alphago_lee_match_month") == 3
        and (fact("alphago_lee_match_won"), fact("alphago_lee_match_lost")) == (4, 1)
        and fact("lee_sedol_dan") == 9
    )
    return _years(
        claim,
        fact("alphago_lee_match_year"),
        "alphago_lee_match_year",
        f"Month, score 4:1 and 9 dan {'agree' if facts_ok else 'do not all agree'} "
        f"({_statement('lee_sedol_dan')})",
    )


@audits("ch0.alphago-zero-2017")
def _alphago_zero(claim: Claim) -> Finding:
    month_ok = fact("alphago_zero_month") == 10
    return _years(
        claim,
        fact("alphago_zero_year"),
        "alphago_zero_year",
        f"October {'agrees' if month_ok else 'does not agree'}.",
    )


@audits("ch0.dartmouth-1956")
def _dartmouth(claim: Claim) -> Finding:
    return _years(claim, fact("dartmouth_workshop"), "dartmouth_workshop")


@audits("ch0.expert-systems-1970s")
def _expert_systems(claim: Claim) -> Finding:
    return _years(
        claim,
        fact("expert_systems_industry"),
        "expert_systems_industry",
        "The first boom was the symbolic AI of 1956 to the early 1970s; expert systems were "
        "the second, and the 1970s were a winter, not a golden age.",
    )


@audits("ch0.backprop-1985")
def _backprop(claim: Claim) -> Finding:
    return _years(
        claim,
        fact("backprop_nature"),
        "backprop_nature",
        f"The technical report came first: {_statement('backprop_report')}",
    )


@audits("ch0.hinton-2006")
def _hinton(claim: Claim) -> Finding:
    return _years(claim, fact("deep_belief_nets"), "deep_belief_nets")


@audits("ch0.handwriting-99")
def _handwriting(claim: Claim) -> Finding:
    accuracy = 100 - fact("mnist_lenet5_error")
    return check(claim, accuracy, note=_statement("mnist_lenet5_error"))


@audits("ch0.third-golden-age")
def _third_golden_age(claim: Claim) -> Finding:
    return check(
        claim,
        fact("ai_booms_before_deep_learning"),
        note=_statement("ai_booms_before_deep_learning"),
    )


@audits("ch0.second-golden-age-1980s")
def _second_golden_age(claim: Claim) -> Finding:
    return _years(
        claim,
        fact("backprop_nature"),
        "backprop_nature",
        "Neural networks' revival (back-propagation, 1986) and the expert-system industry "
        "made the 1980s AI's second boom; this agrees with 제1장's 1985 rebound but not with "
        "its placing the first boom in the 1970s.",
    )


@audits("ch0.sl-50-gpus-3-weeks")
def _sl_training(claim: Claim) -> Finding:
    weeks_ok = fact("sl_policy_weeks") == 3
    return check(
        claim,
        fact("sl_policy_gpus"),
        note=f"{_statement('sl_policy_gpus')} {_statement('sl_policy_weeks')} "
        f"The three weeks {'agree' if weeks_ok else 'do not agree'}.",
    )


@audits("ch0.open-source-50")
def _open_source(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "The report names no list; the count of 'AI-related open-source programs' depends on "
        "what one counts, so no number can be recomputed.",
    )


@audits("ch0.fan-hui-january-2016")
def _fan_hui(claim: Claim) -> Finding:
    played = int(fact("fan_hui_match_year"))
    month = int(fact("fan_hui_match_month"))
    return check(
        claim,
        float(played),
        verdict=Verdict.MISLEADING,
        ours_text=f"match {played}-{month:02d}, published {int(fact('alphago_paper_year'))}-01",
        note="January 2016 is when the win was published, not when it was played. "
        + _statement("fan_hui_match_year"),
    )


@audits("ch0.two-networks")
def _two_networks(claim: Claim) -> Finding:
    return check(claim, fact("network_kinds"), note=_statement("network_kinds"))


@audits("ch0.deepface-4-million")
def _deepface(claim: Claim) -> Finding:
    return check(claim, fact("deepface_faces"), note=_statement("deepface_faces"))


@audits("ch0.deep-blue-late-1990s")
def _deep_blue(claim: Claim) -> Finding:
    return _years(claim, fact("deep_blue_match"), "deep_blue_match")


@audits("ch0.earlier-10-layers")
def _earlier_layers(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "The report cites no paper. AlphaGo's paper (silver2016alphago) compares networks of "
        "13 layers with different filter counts; which earlier DeepMind paper tested 10 layers "
        "and 30 of the 48 feature planes is not said, so the statement cannot be traced.",
    )


# --------------------------------------------------------------------------------------------
# Hardware and units


@audits("ch0.phone-gpu-265")
def _phone_gpu(claim: Claim) -> Finding:
    row = _datasheet("Mali-T880 MP12")
    return check(
        claim,
        float(row["fp32_tflops"]) * 1000,
        note=f"Mali-T880 MP12 of the Galaxy S7 ({row['source']}); 제2장 prints 265.2.",
    )


def _top500_row(month: str) -> pd.Series:
    table = data.load("top500_history").set_index("list")
    return table.loc[month]


@audits("ch0.sr2201-june-1996")
def _sr2201(claim: Claim) -> Finding:
    row = _top500_row("1996-06")
    named = "SR2201" in str(row["rank1_system"])
    return check(
        claim,
        float(row["rank1_rmax_gflops"]),
        note=f"No. 1 of the June 1996 TOP500 list: {row['rank1_system']} "
        f"({'the system the report names' if named else 'not the system the report names'}).",
    )


@audits("ch0.twenty-years-ago")
def _twenty_years(claim: Claim) -> Finding:
    phone_year = int(_datasheet("Mali-T880 MP12")["year"])
    return check(
        claim,
        float(phone_year - 1996),
        note=f"Galaxy S7 ({phone_year}) against the June 1996 list. The price of about "
        "50 billion won names no source and is not checked.",
    )


@audits("ch0.ieee754-32-64")
def _ieee754(claim: Claim) -> Finding:
    printed = _numbers(claim.korean)
    ours = [fact("ieee754_single_bits"), fact("ieee754_double_bits")]
    agree = [p for p in printed if p in (32, 64)] == ours
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if agree else Verdict.DOES_NOT_HOLD,
        ours_text="binary32 and binary64",
        note=_statement("ieee754_single_bits") + " " + _statement("ieee754_double_bits"),
    )


def _prefix(claim: Claim, si_fact: str) -> Finding:
    ours = fact(si_fact)
    assert claim.reported is not None
    meaning = {1e15: "10^15", 1e12: "10^12 (1조)", 1e9: "10^9 (10억)"}
    return check(
        claim,
        ours,
        verdict=Verdict.HOLDS if ours == claim.reported else Verdict.DOES_NOT_HOLD,
        ours_text=meaning.get(ours, f"{ours:g}"),
        note=f"The report glosses the prefix as {meaning.get(claim.reported)}. "
        + _statement(si_fact)
        + (" The report swaps giga and tera." if ours != claim.reported else ""),
    )


@audits("ch0.peta-is-10-15")
def _peta(claim: Claim) -> Finding:
    return _prefix(claim, "si_peta")


@audits("ch0.giga-is-10-12")
def _giga(claim: Claim) -> Finding:
    return _prefix(claim, "si_giga")


@audits("ch0.tera-is-10-9")
def _tera(claim: Claim) -> Finding:
    return _prefix(claim, "si_tera")


@audits("ch0.dot-100-200-flop")
def _dot_product(claim: Claim) -> Finding:
    n = 100
    return check(
        claim,
        float(n + (n - 1)),
        note="n multiplications and n - 1 additions: 199 FLOP; 200 counts one addition too "
        "many (or one fused multiply-add per element), a rounding the claim's tolerance allows.",
    )


@audits("ch0.gpgpu-sc-2006")
def _gpgpu(claim: Claim) -> Finding:
    return _years(claim, fact("gpu_cluster_at_sc"), "gpu_cluster_at_sc", "2006 was not the first.")


@audits("ch0.cuda-2008")
def _cuda(claim: Claim) -> Finding:
    return _years(claim, fact("cuda_release"), "cuda_release")


@audits("ch0.top500-twice-a-year")
def _top500(claim: Claim) -> Finding:
    size_ok = fact("top500_systems") == 500
    return check(
        claim,
        fact("top500_lists_per_year"),
        note=_statement("top500_lists_per_year")
        + (" Ranks 1 to 500 agree" if size_ok else " The list size does not agree")
        + f", ranked by measured HPL Rmax: {_statement('top500_systems')}",
    )


@audits("ch0.gpu-thousands-of-alus")
def _thousands_of_alus(claim: Claim) -> Finding:
    lanes = {
        name: int(_datasheet(name)["fp32_lanes"])
        for name in ("GTX 1070", "GTX 1080", "Tesla P100 SXM2", "Tesla P40")
    }
    thousands = all(1000 <= n < 10000 for n in lanes.values())
    return check(
        claim,
        float(min(lanes.values())),
        verdict=Verdict.HOLDS if thousands else Verdict.DOES_NOT_HOLD,
        ours_text=f"{min(lanes.values()):,} to {max(lanes.values()):,} FP32 lanes",
        note="FP32 lanes (CUDA cores) of the report's GPUs: "
        + ", ".join(f"{k} {v:,}" for k, v in lanes.items())
        + " (hardware.csv).",
    )


@audits("ch0.gpu-science-from-2009")
def _gpu_science(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "'In earnest' (본격적으로) sets no threshold that a number could test; GPU computing "
        f"was shown at SC in {int(fact('gpu_cluster_at_sc'))} and CUDA was public in "
        f"{int(fact('cuda_release'))}, so 2009 is plausible but not checkable.",
    )


@audits("ch0.cudnn-on-cublas")
def _cudnn_on_cublas(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.MISLEADING,
        ours_text="a sibling of cuBLAS with its own convolution kernels",
        note=_statement("cudnn_own_kernels")
        + " Both are NVIDIA libraries on CUDA; cuDNN's convolutions are GEMM-like, not cuBLAS "
        "calls.",
    )


@audits("ch0.tpu-google-only")
def _tpu(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS,
        ours_text="only inside Google and through Google Cloud (2017-2018)",
        note=_statement("tpu_google_only"),
    )


@audits("ch0.neuromorphic-not-commercial")
def _neuromorphic(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS,
        ours_text=f"research chips only (TrueNorth {int(fact('truenorth_research_chip'))})",
        note=_statement("truenorth_research_chip")
        + " Spiking networks are usually converted from or trained like ordinary ones, so "
        "'must be trained with spiking networks' is loose.",
    )


@audits("ch0.blas-three-levels")
def _blas_levels(claim: Claim) -> Finding:
    return check(claim, fact("blas_levels"), note=_statement("blas_levels"))


@audits("ch0.watson-500gb-per-s")
def _watson_rate(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "A promotional figure without a benchmark: the report cites no measurement, and what "
        "'processing' 500 GB per second means (reading, indexing) is not said.",
    )


@audits("ch0.books-per-terabyte")
def _books_per_terabyte(claim: Claim) -> Finding:
    footnote_27_mb_per_book = 1e12 / 1e6 / 1e6  # 1 TB holds about a million books
    return check(
        claim,
        footnote_27_mb_per_book,
        verdict=Verdict.INCONSISTENT,
        ours_text="footnote 10: 0.5 MB per book ≠ footnote 27: 1 MB per book",
        note="The report contradicts itself: footnote 10 makes 500 GB a million books "
        "(0.5 MB a book), footnote 27 makes 1 TB a million books (1 MB a book), twice as much.",
    )


@audits("ch0.tb-two-million-images")
def _two_million_images(claim: Claim) -> Finding:
    images = 1e12 / 500e3
    return check(claim, images, note="1 TB / 500 kB = 2,000,000 images (SI units).")


@audits("ch0.kgs-data-1.85tb")
def _kgs_data(claim: Claim) -> Finding:
    values = fact("sl_positions") * fact("input_planes") * 19 * 19
    tebibytes = values * 4 / 2**40
    return check(
        claim,
        tebibytes,
        note=f"{fact('sl_positions'):,.0f} positions x {fact('input_planes'):.0f} planes x "
        f"19 x 19 points = {values:.3e} values; stored as 4-byte floats that is "
        f"{values * 4 / 1e12:.2f} TB = {tebibytes:.2f} TiB, so the 1.85 is in binary "
        "terabytes (TiB) of 32-bit values (silver2016alphago).",
    )


@audits("ch0.nurion-tens-of-pflops")
def _nurion_tens(claim: Claim) -> Finding:
    from aicompute.survey.reference import nurion_peak

    peak = nurion_peak("fp64")
    tens = 10 <= peak < 100
    return check(
        claim,
        peak,
        verdict=Verdict.HOLDS if tens else Verdict.DOES_NOT_HOLD,
        note="Nurion's FP64 peak from its nodes, cores, clocks and FLOPs per cycle "
        "(survey_reference_systems.csv): tens of PFLOPS. Its price is judged in chapter 7.",
    )


@audits("ch0.double-infra-double-speed")
def _double_infra(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.MISLEADING,
        ours_text="2x only for compute-bound, parallel work",
        note="Doubling hardware doubles speed only for work with no serial part and enough "
        "arithmetic intensity (Amdahl; the roofline). The report's own 12-element example "
        "(제2장 제2절, <표 2-1>) shows four cores giving about one core's speed; chapter 2 "
        "measures the same.",
    )


@audits("ch0.tb-is-1000-gb")
def _terabyte(claim: Claim) -> Finding:
    return check(
        claim,
        fact("gigabytes_per_terabyte"),
        note=_statement("gigabytes_per_terabyte")
        + " The 'ordinary PC disk of 1 TB' is a typical size in 2017, not checked.",
    )


# --------------------------------------------------------------------------------------------
# The questionnaire's GPUs (별첨 1, 문 7-8)

_QUESTIONNAIRE_MEMORY = {
    "GTX 1070": 8,
    "GTX 1080": 8,
    "GTX 1080 Ti": 11,
    "TITAN X (Pascal)": 12,
    "Tesla P100 SXM2": 16,
    "Tesla P40": 24,
}


@audits("ch0.questionnaire-memory")
def _questionnaire_memory(claim: Claim) -> Finding:
    printed = [int(x) for x in _numbers(claim.korean)]
    ours = {name: int(_datasheet(name)["memory_gb"]) for name in _QUESTIONNAIRE_MEMORY}
    agree = printed == list(_QUESTIONNAIRE_MEMORY.values()) == list(ours.values())
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if agree else Verdict.DOES_NOT_HOLD,
        ours_text=", ".join(f"{v} GB" for v in ours.values()),
        note="Datasheet memory of " + ", ".join(ours) + " (hardware.csv).",
    )


def _tflops(claim: Claim, name: str, note: str = "") -> Finding:
    row = _datasheet(name)
    return check(
        claim,
        float(row["fp32_tflops"]),
        note=f"{name}, FP32 at boost clock ({row['source']}). {note}".strip(),
    )


@audits("ch0.questionnaire-titan-x-10.1")
def _titan_x(claim: Claim) -> Finding:
    base_clock_tflops = 2 * 3584 * 1417e6 / 1e12
    return _tflops(
        claim,
        "TITAN X (Pascal)",
        f"At its 1,417 MHz base clock, 2 x 3,584 x 1.417 GHz = {base_clock_tflops:.2f} "
        "TFLOPS: the questionnaire's 10.1 is the base-clock peak.",
    )


@audits("ch0.questionnaire-p100-10.6")
def _p100(claim: Claim) -> Finding:
    pcie = float(_datasheet("Tesla P100 PCIe 16GB")["fp32_tflops"])
    return _tflops(claim, "Tesla P100 SXM2", f"The PCIe card, 16 GB, gives {pcie} TFLOPS.")


@audits("ch0.questionnaire-p40-11.8")
def _p40(claim: Claim) -> Finding:
    return _tflops(claim, "Tesla P40")


@audits("ch0.questionnaire-speeds")
def _questionnaire_speeds(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "No model, batch size, precision or data set is given for 'images per second' or for "
        "the machine-translation speed-ups, so they cannot be recomputed; the footnote's K80 "
        "baseline (1x) is also the GTX 1070's (1x).",
    )


@audits("ch0.dgx1-8-gpus")
def _dgx1(claim: Claim) -> Finding:
    return check(claim, fact("dgx1_gpus"), note=_statement("dgx1_gpus"))


# --------------------------------------------------------------------------------------------
# The report against itself (summary and body, chapter and chapter)


def _abci_yen() -> float:
    return claims.get("ch7.abci-budget").reported or float("nan")


@audits("ch0.summary-abci-195")
def _summary_abci(claim: Claim) -> Finding:
    return check(claim, _abci_yen(), note="Against 제3장 제1절's 195억 엔 (ch7.abci-budget).")


@audits("ch0.summary-english-19.5bn")
def _summary_english(claim: Claim) -> Finding:
    return check(
        claim,
        _abci_yen() * 1e8 / 1e9,
        note="195억 엔 = 195 x 10^8 yen = 19.5 billion yen: the English abstract agrees.",
    )


@audits("ch0.abci-won-1840")
def _abci_won(claim: Claim) -> Finding:
    body = claims.get("ch7.abci-budget").korean
    won = [n for n in _numbers(body) if n > 1000]
    ours = won[0] if won else float("nan")
    return check(
        claim,
        ours,
        verdict=Verdict.INCONSISTENT if ours != claim.reported else Verdict.HOLDS,
        ours_text=f"제1장 {claim.reported:,.0f}억 원 ≠ 제3장 {ours:,.0f}억 원",
        note="The report converts the same 195억 엔 twice and differently: 1,840억 원 in "
        "제1장, 1,900억 원 in 제3장 제1절 (ch7.abci-budget); both are 'about', 3 % apart.",
    )


@audits("ch0.abci-by-2018q1")
def _abci_date(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "What Japan announced cannot be checked here; the plan slipped: "
        + _statement("abci_operation_year"),
    )


@audits("ch0.survey-dates")
def _survey_dates(claim: Claim) -> Finding:
    fieldwork, questionnaire = claim.korean.split(" … ")
    year, month, first, _, last = _numbers(fieldwork)
    q_year, q_month = _numbers(questionnaire)
    agree = (year, month) == (q_year, q_month) and first <= last
    return check(
        claim,
        q_year,
        verdict=Verdict.HOLDS if agree else Verdict.DOES_NOT_HOLD,
        ours_text=f"{int(q_year)}-{int(q_month):02d} (questionnaire)",
        note="<표 3-1>'s fieldwork (13-29 September 2017) and the questionnaire's date agree.",
    )


@audits("ch0.google-brain-cat")
def _google_brain_cat(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS,
        ours_text=f"Le et al., {int(fact('google_brain_cat'))}",
        note=_statement("google_brain_cat"),
    )


@audits("ch0.human-level-images")
def _human_level_images(claim: Claim) -> Finding:
    machine, human = fact("imagenet_resnet_top5_error"), fact("imagenet_human_top5_error")
    return check(
        claim,
        machine,
        verdict=Verdict.HOLDS if machine <= human else Verdict.DOES_NOT_HOLD,
        ours_text=f"top-5 error {machine} % (machine) against {human} % (human)",
        note=f"{_statement('imagenet_resnet_top5_error')} {_statement('imagenet_human_top5_error')}"
        " On this benchmark only; 'object recognition' in general is a wider task.",
    )


@audits("ch0.bilingual-speech")
def _bilingual_speech(claim: Claim) -> Finding:
    return check(
        claim,
        fact("deep_speech_2_languages"),
        verdict=Verdict.HOLDS,
        ours_text="Deep Speech 2: English and Mandarin",
        note=_statement("deep_speech_2_languages"),
    )


@audits("ch0.open-source-owners")
def _open_source_owners(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.MISLEADING,
        ours_text="TensorFlow: Google; CNTK: Microsoft; Torch: IDIAP/NYU, not Facebook",
        note=f"{_statement('tensorflow_developer')} {_statement('cntk_developer')} "
        f"{_statement('torch_origin_year')} Facebook's own framework is PyTorch (2016).",
    )


@audits("ch0.footnote-25-table-reference")
def _footnote_25(claim: Claim) -> Finding:
    from aicompute.survey.report_tables import tables

    transcribed = sorted(set(tables()["table_id"]))
    cited = re.search(r"<표 ([^>]+)>", claim.korean).group(1)
    exists = cited in transcribed
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if exists else Verdict.DOES_NOT_HOLD,
        ours_text="<표 3-2> holds the TFLOPS" if not exists else f"<표 {cited}>",
        note=f"The report has no <표 {cited}>; its tables are numbered chapter-table "
        f"({', '.join(t for t in transcribed if not t.startswith('별첨'))}, ...), and the "
        "theoretical performance multiplied in <표 3-6> is <표 3-2>'s.",
    )


@audits("ch0.figure-9-reference")
def _figure_9(claim: Claim) -> Finding:
    cited = re.search(r"\[그림 ([^\]]+)\]", claim.korean).group(1)
    numbered_by_chapter = re.fullmatch(r"\d+-\d+", cited) is not None
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if numbered_by_chapter else Verdict.DOES_NOT_HOLD,
        ours_text="[그림 2-11] shows the lowering" if not numbered_by_chapter else cited,
        note=f"The report has no [그림 {cited}]: its figures are numbered chapter-figure "
        "([그림 1-1] to [그림 3-3]); the matrix product of the lowering is [그림 2-11], "
        "shown a page earlier.",
    )


@audits("ch0.summary-30bn-boundary")
def _summary_boundary(claim: Claim) -> Finding:
    body = claims.get("ch7.share-current-under-3bn").korean
    inclusive = "이하" in claim.korean
    body_exclusive = "미만" in body
    return check(
        claim,
        30.0,
        verdict=Verdict.ROUGHLY if inclusive and body_exclusive else Verdict.HOLDS,
        ours_text="below 3 bn won (미만), as 제3장 제2절 says",
        note="The summary says 30억 원 이하 (at most 3 bn won); the body and <표 3-7> "
        "(10-30억 원 미만, 30-50억 원 미만) draw the line below 3 bn won (미만). A firm of "
        "exactly 3 bn won falls in different groups; the figures are those of the strata "
        "below 3 bn won.",
    )


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@audits("ch0.questionnaire-q17-numbering")
def _q17_numbering(claim: Claim) -> Finding:
    numbers = [_CIRCLED.index(c) + 1 for c in claim.korean if c in _CIRCLED]
    expected = list(range(1, len(numbers) + 1))
    return check(
        claim,
        float(len(numbers)),
        verdict=Verdict.HOLDS if numbers == expected else Verdict.DOES_NOT_HOLD,
        ours_text="options numbered " + " ".join(_CIRCLED[n - 1] for n in numbers),
        note="The report contradicts itself: the nine options of question 17 repeat ⑥ and ⑦ "
        "(R and 'other' should be ⑧ and ⑨), so an answer '⑥' or '⑦' is ambiguous."
        if numbers != expected
        else "The options are numbered in order.",
    )


@audits("ch0.universal-approximation")
def _universal_approximation(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS,
        ours_text=f"universal approximation, {int(fact('universal_approximation'))}",
        note=_statement("universal_approximation")
        + " Proven possible, not that training finds such a network.",
    )


@audits("ch0.xeon-phi-lineage")
def _xeon_phi(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS,
        ours_text="Pentium (P54C) cores, then Atom (Silvermont) cores; x86",
        note=f"{_statement('knights_corner_core')} {_statement('knights_landing_core')} "
        "'Ports easily' means it compiles and runs; fast code still needs the wide vectors.",
    )


@audits("ch0.opencl-after-gpu")
def _opencl(claim: Claim) -> Finding:
    after = fact("opencl_release") > fact("cuda_release")
    return check(
        claim,
        None,
        verdict=Verdict.HOLDS if after else Verdict.DOES_NOT_HOLD,
        ours_text=f"OpenCL {int(fact('opencl_release'))}, CUDA {int(fact('cuda_release'))}",
        note=_statement("opencl_release"),
    )


@audits("ch0.linpack-footnote")
def _linpack(claim: Claim) -> Finding:
    return check(
        claim,
        None,
        verdict=Verdict.ROUGHLY,
        ours_text="HPL: dense LU (holds); the spelled-out name is LAPACK's",
        note=_statement("hpl_dense_lu"),
    )


@audits("ch0.interviews-startups-need-support")
def _interviews(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "The interviews are not published: no count of firms, questions or answers. The "
        "survey's own closest figure, the share of firms intending to use government "
        "infrastructure, is judged as ch7.intention.",
    )


@audits("ch0.policy-will-be-effective")
def _policy_forecast(claim: Claim) -> Finding:
    return _uncheckable(
        claim,
        "A forecast about a policy not yet made when the report was written; no data of "
        "2017 can test it.",
    )


def numerals() -> pd.DataFrame:
    """Every numeral the report prints, with its section, a quote and what covers it.

    ``data/report_numerals.csv``: ``covered_by`` names the claims that audit the numeral, a
    survey table whose cells the survey checks (``survey-table: <표 ...>``), or why it is not a
    claim (``not a claim: ...``: a table number, a footnote marker, a questionnaire option).
    """
    frame = data.load("report_numerals")
    kinds = frame["covered_by"].fillna("").map(_coverage_kind)
    return frame.assign(coverage=kinds)


def _coverage_kind(covered_by: str) -> str:
    if covered_by.startswith("not a claim:"):
        return "set aside, with a reason"
    if covered_by.startswith("survey-table:"):
        return "checked in a survey table"
    return "audited by a claim" if covered_by.strip() else "not yet covered"


def numeral_coverage() -> pd.DataFrame:
    """How many of the report's numerals are audited, checked in a table or set aside."""
    counts = numerals()["coverage"].value_counts()
    order = [
        "audited by a claim",
        "checked in a survey table",
        "set aside, with a reason",
        "not yet covered",
    ]
    rows = [{"numerals of the report": k, "count": int(counts.get(k, 0))} for k in order]
    rows.append({"numerals of the report": "all", "count": int(counts.sum())})
    return pd.DataFrame(rows)


def audit() -> list[Finding]:
    """Every claim of the preface, 제1장's history, the units and the report's self-consistency."""
    return audit_chapter(0)
