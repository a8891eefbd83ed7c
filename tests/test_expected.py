"""Expected lab results on other GPUs: datasheet figure x efficiency of a stored run."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aicompute import expected, hardware


def test_efficiencies_are_fractions_of_the_datasheet() -> None:
    table = expected.efficiencies()
    assert set(table["lab"]) == {1, 2, 3, 4}
    assert ((table["efficiency"] > 0.2) & (table["efficiency"] <= 1.0)).all()
    copy = table[table["quantity"].str.startswith("copy bandwidth")].iloc[0]
    assert copy["efficiency"] == pytest.approx(4250.5 / 4800)


def test_every_colab_gpu_is_in_the_hardware_table_with_a_link() -> None:
    table = expected.gpus().set_index("short_name")
    for name in expected.COLAB_GPUS:
        assert hardware.lookup(table.loc[name, "hardware"]) is not None
    assert table.loc["T4", "host_link_gbs"] == pytest.approx(15.754, abs=1e-3)
    assert table.loc["H100", "host_link_gbs"] == pytest.approx(63.015, abs=1e-3)


def test_prediction_is_datasheet_times_measured_efficiency() -> None:
    ranges = expected.lab_ranges("T4", lab=1).set_index("quantity")
    copy = ranges.loc["copy bandwidth (1 GiB device-to-device copy)"]
    assert copy["expected"] == pytest.approx(320 * 4250.5 / 4800)
    assert copy["low"] == pytest.approx(0.75 * copy["expected"])
    assert copy["high"] == pytest.approx(min(1.125 * copy["expected"], 320))
    assert copy["status"].startswith("predicted")
    # The FMA plateau is 91 % of the datasheet: the upper end is capped at the datasheet.
    fma = ranges.loc["FP32 FMA sweep plateau"]
    assert fma["high"] == pytest.approx(8100)


def test_a_unit_the_gpu_lacks_has_no_range() -> None:
    bf16 = expected.lab_ranges("T4", lab=1).set_index("quantity")
    row = bf16.loc["BF16 GEMM, n = 8192 (tensor cores)"]
    assert math.isnan(row["low"]) and "no such unit" in row["status"]


def test_the_gpu_of_the_stored_run_reads_as_measured() -> None:
    ranges = expected.lab_ranges("H200", lab=3).set_index("quantity")
    row = ranges.loc["pinned host-to-device copy, 256 MiB"]
    assert row["expected"] == pytest.approx(55.28)
    assert row["status"] == "measured on H200 SXM"


def test_a_stored_run_on_a_gpu_replaces_its_prediction(monkeypatch) -> None:
    original = expected.data.load

    def with_a_t4_run(name: str) -> pd.DataFrame:
        table = original(name)
        if name == "lab_efficiencies":
            extra = table.iloc[[0]].assign(gpu="Tesla T4", measured=250.0)
            table = pd.concat([table, extra], ignore_index=True)
        return table

    monkeypatch.setattr(expected.data, "load", with_a_t4_run)
    row = expected.lab_ranges("T4", lab=1).iloc[0]
    assert row["expected"] == 250.0 and row["status"] == "measured on Tesla T4"
    assert expected.range_table(1).columns[0] == "T4 (measured)"


def test_driver_names_resolve() -> None:
    a100 = expected.lab_ranges("NVIDIA A100-SXM4-40GB", lab=2)
    assert (a100["datasheet"] > 0).all()


def test_range_table_has_one_column_per_gpu() -> None:
    table = expected.range_table(4)
    assert list(table.columns) == [f"{g} (predicted)" for g in expected.COLAB_GPUS]
    assert table.index.name == "quantity (unit)"
    assert all(" - " in cell for cell in table.iloc[0])


@pytest.mark.parametrize("bad", ["", "   ", "RTX 9090", None, 4])
def test_unknown_gpu_is_a_clear_error(bad) -> None:
    with pytest.raises(ValueError, match="GPU"):
        expected.lab_ranges(bad)


@pytest.mark.parametrize("spread", [0, 1, -0.1, float("nan"), float("inf")])
def test_bad_spread_is_a_clear_error(spread) -> None:
    with pytest.raises(ValueError, match="spread"):
        expected.lab_ranges("T4", spread=spread)


def test_bad_lab_and_spread_type_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="lab"):
        expected.lab_ranges("T4", lab=5)
    with pytest.raises(TypeError, match="spread"):
        expected.lab_ranges("T4", spread="a lot")
