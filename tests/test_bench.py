"""tools/bench.py, the `make bench` target: it runs end to end at toy sizes and prints every
ratio beside its target (the figures themselves are the machine's, not checked here)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_prints_each_ratio_beside_its_target(capsys) -> None:
    bench = _bench()
    argv = ["--no-notebooks", "--gemm-n", "64", "--stream-n", "65536", "--rounds", "1"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "measured clock:" in out and "BLAS:" in out
    assert "GEMM" in out and "/ peak" in out
    if shutil.which("gcc"):
        assert out.count("STREAM ") == 4
    for line in out.splitlines():
        if line.startswith(("STREAM ", "GEMM ")):
            assert any(word in line for word in ("meets", "MISSES", "target", "ERROR"))


def test_bench_rejects_toy_sizes_below_the_minimum() -> None:
    with pytest.raises(SystemExit):
        _bench().main(["--no-notebooks", "--gemm-n", "2"])


def test_bench_times_a_copy_and_reports_a_failing_notebook(tmp_path) -> None:
    bench = _bench()
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), good)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), bad)
    before = good.read_text()
    seconds, error = bench.notebook_seconds(good)
    assert seconds > 0 and error == ""
    assert good.read_text() == before  # a copy ran; the original is left as it was
    _, error = bench.notebook_seconds(bad)
    assert "ZeroDivisionError" in error
