"""Figure style and curated package data."""

from __future__ import annotations

import matplotlib
import matplotlib.colors as mcolors
import pytest

from aicompute import data, plotting


def test_style_is_opaque_and_colour_blind_safe() -> None:
    plotting.use_style()
    assert matplotlib.rcParams["savefig.transparent"] is False
    assert mcolors.to_hex(matplotlib.rcParams["figure.facecolor"]) == "#ffffff"
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle == plotting.PALETTE
    assert set(plotting.PALETTE) == set(plotting.OKABE_ITO.values())


def test_notebook_figures_are_stored_at_twice_their_display_width() -> None:
    """In IPython, use_style stores figures at 2x with half the width as display metadata."""
    import struct

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        plotting.use_style()
        fig = matplotlib.pyplot.figure(figsize=(3.0, 2.0))
        fig.gca().plot([0, 1], [0, 1])
        data, metadata = shell.display_formatter.format(fig)
        png = data["image/png"]
        if isinstance(png, str):  # base64 text in some IPython versions
            import base64

            png = base64.b64decode(png)
        pixel_width = struct.unpack(">I", png[16:20])[0]
        assert metadata["image/png"]["width"] == pixel_width // 2
    finally:
        matplotlib.pyplot.close("all")
        InteractiveShell.clear_instance()


def test_new_figure_requires_units() -> None:
    fig, ax = plotting.new_figure("year (calendar year)", "transistors (count)", logy=True)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "year (calendar year)"
    with pytest.raises(ValueError, match="unit"):
        plotting.new_figure("year", "transistors (count)")
    with pytest.raises(ValueError):
        plotting.new_figure("x (s)", "y (s)", ncols=0)
    matplotlib.pyplot.close("all")


def test_color_for_wraps_and_validates() -> None:
    assert plotting.color_for(len(plotting.PALETTE)) == plotting.PALETTE[0]
    with pytest.raises(ValueError):
        plotting.color_for(-1)


def test_every_curated_table_loads_with_a_source_on_every_row() -> None:
    names = data.available()
    for name in names:
        frame = data.load(name)
        assert len(frame) > 0, name
        assert frame["source"].astype(str).str.strip().ne("").all(), name


def test_every_source_cites_a_bibliography_key() -> None:
    from pathlib import Path

    bib = (Path(__file__).resolve().parent.parent / "references.bib").read_text()
    for name in data.available():
        for source in data.load(name)["source"].astype(str):
            key = source.split(";")[0].strip()
            assert f"{{{key}," in bib, f"{name}: source key {key!r} is not in references.bib"


def test_unknown_table_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no curated table"):
        data.load("no_such_table")
    with pytest.raises(ValueError, match="table name"):
        data.load("hardware.csv")
