"""Bad input to any public function of the package is refused with a clear error, never answered.

Every function in a module's ``__all__`` is called with each bad value in every required
parameter at once: NaN, infinities, text and an arbitrary object. It must raise ``ValueError`` or
``TypeError``; an answer (a NaN or infinity passed through, or any result at all) or another
exception from deep inside (``AttributeError``, ``OverflowError``, ``KeyError``...) fails, and so
does a message that names neither a parameter nor the bad value (``'float' object is not
iterable`` tells the caller nothing).

Functions whose parameters all have defaults get each bad value in one numeric parameter at a
time, the others at their defaults: they must refuse it before doing any work (these include
the measurements, which would otherwise run with a NaN repeat count or loop forever).

A few functions answer some of these values by design; :data:`EXEMPT` lists them, each with the
bad values it answers and why. An exemption that is no longer needed fails too, so the list
stays as short as the package allows.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import signal

import pytest

import aicompute

BAD_VALUES = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "text": "not a number",
    "object": object(),
}

#: Functions that answer some bad values by design: name -> (the values it answers, why).
EXEMPT: dict[str, tuple[frozenset[str], str]] = {
    "aicompute.display.format_value": (
        frozenset(BAD_VALUES),
        "shows any table cell as text: NaN as a dash, infinities as signs, anything else printed",
    ),
    "aicompute.backend.to_numpy": (
        frozenset({"nan", "inf", "-inf"}),
        "copies an array of numbers to the host: NaN and infinities in a result are data to check",
    ),
    "aicompute.hardware.lookup": (
        frozenset({"text"}),
        "a device name that is not in the datasheet gives None by contract (callers say so)",
    ),
    "aicompute.validate.text": (frozenset({"text"}), "text is what it checks for"),
    "aicompute.translation.template": (frozenset({"text"}), "any text is a message to translate"),
    "aicompute.translation.translate": (
        frozenset({"text"}),
        "any text is a message to translate; one the catalogue lacks gives None by contract",
    ),
    "aicompute.translation.bilingual": (
        frozenset({"text"}),
        "any text is shown: in both editions when the catalogue lacks its Korean",
    ),
    "aicompute.translation.read_po": (
        frozenset({"text"}),
        "text without catalogue entries is an empty catalogue",
    ),
    "aicompute.translation.shown_texts": (
        frozenset({"text"}),
        "HTML without the audit's texts offers none to translate",
    ),
    "aicompute.gpulab_ddp.link_kind": (
        frozenset({"text"}),
        "reads nvidia-smi's topology text: text without a GPU line means one GPU or none",
    ),
}


def _public_functions() -> list[tuple[str, object]]:
    found = []
    for module_info in pkgutil.walk_packages(aicompute.__path__, prefix="aicompute."):
        module = importlib.import_module(module_info.name)
        for name in getattr(module, "__all__", []):
            function = getattr(module, name)
            if inspect.isfunction(function) and function.__module__.startswith(module.__name__):
                found.append((f"{module.__name__}.{name}", function))
    return found


def _required(function) -> list[inspect.Parameter]:
    return [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def _call(function, value):
    """``function`` called with ``value`` in every required parameter."""
    positional, keyword = [], {}
    for parameter in _required(function):
        if parameter.kind is parameter.KEYWORD_ONLY:
            keyword[parameter.name] = value
        else:
            positional.append(value)
    return function(*positional, **keyword)


FUNCTIONS = [(name, f) for name, f in _public_functions() if _required(f)]
CASES = [
    pytest.param(name, function, bad, id=f"{name}-{bad}")
    for name, function in FUNCTIONS
    for bad in BAD_VALUES
    if bad not in EXEMPT.get(name, (frozenset(), ""))[0]
]
EXEMPT_CASES = [
    pytest.param(name, function, bad, id=f"{name}-{bad}")
    for name, function in FUNCTIONS
    for bad in sorted(EXEMPT.get(name, (frozenset(), ""))[0])
]


def test_the_fuzz_covers_the_package() -> None:
    assert len(FUNCTIONS) > 50


def test_every_exemption_names_a_public_function_a_bad_value_and_a_reason() -> None:
    names = {name for name, _ in FUNCTIONS}
    for name, (values, reason) in EXEMPT.items():
        assert name in names, f"{name} is exempt but is no public function with a parameter"
        assert values and values <= set(BAD_VALUES), name
        assert reason.strip(), name
    assert len(EXEMPT) <= 0.05 * len(FUNCTIONS), "exemptions must stay rare"


def _says_what_was_wrong(message: str, function, value) -> bool:
    """Does ``message`` name one of the parameters (as a word) or show the bad value?"""
    names = [parameter.name for parameter in _required(function)]
    return str(value) in message or any(re.search(rf"\b{n}\b", message) for n in names)


@pytest.mark.parametrize(("name", "function", "bad"), CASES)
def test_bad_input_is_refused(name: str, function, bad: str) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        _call(function, BAD_VALUES[bad])
    message = str(error.value)
    assert _says_what_was_wrong(message, function, BAD_VALUES[bad]), f"vague message: {message}"


def test_a_vague_message_is_caught() -> None:
    def scale(table, factor):
        return table * factor

    assert _says_what_was_wrong("factor must be finite, got nan", scale, float("nan"))
    assert _says_what_was_wrong("no table 'x'", scale, "x")
    assert not _says_what_was_wrong("can't multiply sequence by non-int", scale, "x")
    assert not _says_what_was_wrong("factorial overflow", scale, float("inf"))


@pytest.mark.parametrize(("name", "function", "bad"), EXEMPT_CASES)
def test_an_exempt_function_still_answers_what_it_is_exempt_for(name, function, bad) -> None:
    _call(function, BAD_VALUES[bad])  # raising would make the exemption needless: remove it


def _optional_numbers(function) -> list[str]:
    """Parameters with a number (not a bool) as default."""
    return [
        p.name
        for p in inspect.signature(function).parameters.values()
        if isinstance(p.default, int | float) and not isinstance(p.default, bool)
    ]


OPTIONAL_CASES = [
    pytest.param(function, parameter, bad, id=f"{name}({parameter}={bad})")
    for name, function in _public_functions()
    if not _required(function)
    for parameter in _optional_numbers(function)
    for bad in BAD_VALUES
]
SECONDS_BEFORE_ANY_WORK = 30  # a generous bound: refusing takes microseconds


class _TookTooLong(Exception):
    pass


def _give_up(signum, frame):
    raise _TookTooLong


def test_the_optional_fuzz_covers_the_measurements() -> None:
    names = {case.id.split("(")[0] for case in OPTIONAL_CASES}
    assert {"aicompute.parallel.measure_scaling", "aicompute.membench.measure_machine"} <= names


@pytest.mark.parametrize(("function", "parameter", "bad"), OPTIONAL_CASES)
def test_a_bad_optional_number_is_refused_before_any_work(function, parameter, bad) -> None:
    alarm = hasattr(signal, "SIGALRM")  # a bound on the time where the platform has one
    previous = signal.signal(signal.SIGALRM, _give_up) if alarm else None
    if alarm:
        signal.alarm(SECONDS_BEFORE_ANY_WORK)
    try:
        with pytest.raises((ValueError, TypeError)) as error:
            function(**{parameter: BAD_VALUES[bad]})
    except _TookTooLong:
        pytest.fail(f"{parameter}={bad} was not refused within {SECONDS_BEFORE_ANY_WORK} s")
    finally:
        if alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    assert re.search(rf"\b{parameter}\b", str(error.value)), f"vague message: {error.value}"
