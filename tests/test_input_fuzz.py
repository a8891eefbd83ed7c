"""Bad input to any public function of the package is refused with a clear error, never answered.

Every function in a module's ``__all__`` is called with each bad value in every required
parameter at once: NaN, infinities, text and an arbitrary object. It must raise ``ValueError`` or
``TypeError``; an answer (a NaN or infinity passed through, or any result at all) or another
exception from deep inside (``AttributeError``, ``OverflowError``, ``KeyError``...) fails.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import aicompute

BAD_VALUES = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "text": "not a number",
    "object": object(),
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


FUNCTIONS = [(name, f) for name, f in _public_functions() if _required(f)]


def test_the_fuzz_covers_the_package() -> None:
    assert len(FUNCTIONS) > 50


@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_bad_input_is_refused(name: str, function, bad: str) -> None:
    value = BAD_VALUES[bad]
    positional, keyword = [], {}
    for parameter in _required(function):
        if parameter.kind is parameter.KEYWORD_ONLY:
            keyword[parameter.name] = value
        else:
            positional.append(value)
    with pytest.raises((ValueError, TypeError)):
        function(*positional, **keyword)
