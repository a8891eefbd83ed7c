"""Expected lab results on the GPUs students get (T4, L4, A100, H100), for grading.

A lab result on another GPU is predicted as that GPU's datasheet figure times the efficiency
measured in a stored run: for example, lab 1's copy reached 89 % of the H200's datasheet
bandwidth, so a T4 should copy at about 89 % of its 320 GB/s. The measured rates and the
figure each is a fraction of are the curated table ``lab_efficiencies.csv``; the GPUs and
their host links are ``lab_gpus.csv``. A prediction carries the label ``predicted`` until a
run on that GPU adds its own rows to the table, which then replace it (``measured``).

The range around a value is a convention, not a measurement: ``spread`` (25 % by default)
below, to cover a GPU that holds a lower clock under load (a 70 W T4 does), a different
library version or a shared host, and half as much above, capped at the datasheet figure
(a measurement above it points to a mistake in the timing or the count).
"""

from __future__ import annotations

import math

import pandas as pd

from aicompute import data, hardware

__all__ = [
    "COLAB_GPUS",
    "efficiencies",
    "gpus",
    "lab_ranges",
    "range_table",
]

COLAB_GPUS = ("T4", "L4", "A100", "H100")
"""The GPUs Colab offers, by the short names used in the teaching guide."""

_TFLOPS_COLUMNS = ("fp32_tflops", "fp64_tflops", "fp16_tensor_tflops", "bf16_tensor_tflops")


def gpus() -> pd.DataFrame:
    """The lab GPUs (``lab_gpus.csv``) with their host link's bandwidth per direction (GB/s)."""
    table = data.load("lab_gpus")
    links = data.load("interconnects").set_index("name")
    unknown = sorted(set(table["host_link"]) - set(links.index))
    if unknown:
        raise ValueError(f"lab_gpus.csv names links not in interconnects.csv: {unknown}")
    link = links.loc[table["host_link"]]
    table["host_link_gbs"] = (
        link["gt_per_s"] * link["lanes"] * link["payload_bits"] / link["encoded_bits"] / 8
    ).to_numpy()
    return table


def _gpu_row(gpu: str) -> pd.Series:
    """The ``gpus()`` row of a short name (``"T4"``) or a hardware-table name."""
    if not isinstance(gpu, str) or not gpu.strip():
        raise ValueError(f"give a GPU name such as 'T4', got {gpu!r}")
    table = gpus()
    for column in ("short_name", "hardware"):
        match = table[table[column].str.lower() == gpu.strip().lower()]
        if len(match):
            return match.iloc[0]
    row = hardware.lookup(gpu)
    if row is not None and row["name"] in set(table["hardware"]):
        return table[table["hardware"] == row["name"]].iloc[0]
    known = ", ".join(table["short_name"])
    raise ValueError(f"no lab GPU {gpu!r}; known: {known} (or their hardware-table names)")


def _reference(gpu_row: pd.Series, column: str) -> float | None:
    """The datasheet figure ``column`` of a lab GPU, in the lab's units (GB/s or GFLOP/s)."""
    if column == "host_link":
        return float(gpu_row["host_link_gbs"])
    sheet = hardware.datasheet().set_index("name")
    if column not in sheet.columns:
        raise ValueError(f"lab_efficiencies.csv names an unknown reference column {column!r}")
    value = sheet.loc[gpu_row["hardware"], column]
    if pd.isna(value):
        return None
    scale = 1e3 if column in _TFLOPS_COLUMNS else 1.0
    return float(value) * scale


def efficiencies() -> pd.DataFrame:
    """Every measured lab rate with the datasheet figure it is compared with, and the ratio."""
    table = data.load("lab_efficiencies")
    references = [
        _reference(_gpu_row(gpu), column)
        for gpu, column in zip(table["gpu"], table["reference"], strict=True)
    ]
    table["reference_value"] = references
    if table["reference_value"].isna().any() or (table["measured"] <= 0).any():
        raise ValueError("lab_efficiencies.csv has a row without a positive reference or rate")
    table["efficiency"] = table["measured"] / table["reference_value"]
    return table


def _check_spread(spread: float) -> float:
    if isinstance(spread, bool) or not isinstance(spread, int | float):
        raise TypeError(f"spread must be a number, got {type(spread).__name__}")
    if not math.isfinite(spread) or not 0 < spread < 1:
        raise ValueError(f"spread must be between 0 and 1 (a fraction), got {spread}")
    return float(spread)


def lab_ranges(gpu: str, lab: int | None = None, *, spread: float = 0.25) -> pd.DataFrame:
    """Expected results of the labs on ``gpu`` (``"T4"``, ``"L4"``, ``"A100"``, ``"H100"``, ...).

    One row per measured quantity (of ``lab`` only, if given): the prediction (datasheet figure
    times the efficiency of the stored run) or, where a run on this GPU is stored, its own
    measurement; a range ``[value x (1 - spread), min(value x (1 + spread / 2), datasheet)]``;
    and a status saying which. A quantity whose datasheet figure does not exist on this GPU
    (BF16 on a T4) has no range and says so.
    """
    spread = _check_spread(spread)
    if lab is not None and (isinstance(lab, bool) or lab not in (1, 2, 3, 4)):
        raise ValueError(f"lab must be 1, 2, 3 or 4, got {lab!r}")
    target = _gpu_row(gpu)
    table = efficiencies()
    if lab is not None:
        table = table[table["lab"] == lab]
    rows = []
    for (lab_number, quantity), group in table.groupby(["lab", "quantity"], sort=False):
        first = group.iloc[0]
        reference = _reference(target, first["reference"])
        own = group[group["gpu"] == target["hardware"]]
        row = {"lab": lab_number, "quantity": quantity, "unit": first["unit"]}
        if reference is None:
            rows.append(row | {"status": f"not on a {target['short_name']}: no such unit"})
            continue
        if len(own):
            value = float(own["measured"].median())
            status = f"measured on {target['hardware']}"
        else:
            basis = group.iloc[0]
            value = float(basis["efficiency"]) * reference
            status = f"predicted ({basis['efficiency']:.0%} of datasheet, as on {basis['gpu']})"
        row |= {
            "low": value * (1 - spread),
            "expected": value,
            "high": min(value * (1 + spread / 2), reference),
            "datasheet": reference,
            "status": status,
        }
        rows.append(row)
    columns = ["lab", "quantity", "unit", "low", "expected", "high", "datasheet", "status"]
    return pd.DataFrame(rows, columns=columns)


def _format(value: float) -> str:
    if pd.isna(value):
        return ""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def range_table(lab: int, gpu_names=COLAB_GPUS, *, spread: float = 0.25) -> pd.DataFrame:
    """A table for people: one row per quantity of ``lab``, one column per GPU, "low - high"."""
    columns = {}
    for name in gpu_names:
        ranges = lab_ranges(name, lab, spread=spread)
        label = "measured" if ranges["status"].str.startswith("measured").any() else "predicted"
        cells = [
            f"{_format(r.low)} - {_format(r.high)}" if not pd.isna(r.low) else "(no such unit)"
            for r in ranges.itertuples()
        ]
        columns[f"{name} ({label})"] = cells
    ranges = lab_ranges(gpu_names[0], lab, spread=spread)
    index = [f"{q} ({u})" for q, u in zip(ranges["quantity"], ranges["unit"], strict=True)]
    return pd.DataFrame(columns, index=pd.Index(index, name="quantity (unit)"))
