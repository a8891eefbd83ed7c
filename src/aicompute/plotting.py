"""One figure style for the whole book: colour-blind safe, opaque, readable in dark mode.

The palette is Okabe and Ito's (2008), distinguishable under the common colour-vision
deficiencies. Figures have an opaque white background so they stay legible when the book is
read with a dark theme (a transparent PNG would put black axes on a black page). Call
:func:`use_style` once at the top of a notebook; :func:`new_figure` adds the axis labels with
units that every figure of the book must carry.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

from aicompute import validate

__all__ = ["OKABE_ITO", "PALETTE", "MARKERS", "use_style", "new_figure", "color_for"]

OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

# Cycle order: strongest contrasts first, yellow (weak on white) last.
PALETTE: list[str] = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow")
]

# Markers to pair with colours so that series also differ in shape (for greyscale print).
MARKERS: list[str] = ["o", "s", "^", "D", "v", "P", "X", "*"]

_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 96,  # a 7-inch figure fills the book's 672-pixel column at its own size
    "savefig.dpi": 150,
    "figure.figsize": (7.0, 4.2),
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#000000",
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.color": "#000000",
    "ytick.color": "#000000",
    "legend.frameon": True,
    "legend.facecolor": "white",
    "legend.framealpha": 0.9,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "font.size": 10,
    "figure.constrained_layout.use": True,
}


def use_style() -> None:
    """Apply the book's figure style to matplotlib (idempotent)."""
    mpl.rcParams.update(_STYLE)
    _use_korean_font_if_available()
    _use_retina_inline_figures()


def _use_retina_inline_figures() -> None:
    """In a notebook, store figures at twice their pixel size, displayed at half width.

    High-density screens then show sharp lines and text, and the book (which takes the display
    width from the stored output) shows a 7-inch figure 700 pixels wide, as at 1x.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python without IPython: nothing to configure
        return
    if get_ipython() is None:
        return
    set_matplotlib_formats("retina")


def _use_korean_font_if_available() -> None:
    """Prefer a font with Hangul glyphs when one is installed, so Korean labels render."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK KR", "NanumGothic", "Noto Sans KR", "Malgun Gothic", "AppleGothic"):
        if name in installed:
            mpl.rcParams["font.family"] = ["DejaVu Sans", name]
            return


def color_for(index: int) -> str:
    """The palette colour for series number ``index`` (wraps around)."""
    index = validate.positive_integer("index", index, minimum=0)
    return PALETTE[index % len(PALETTE)]


def new_figure(
    xlabel: str,
    ylabel: str,
    *,
    title: str = "",
    logx: bool = False,
    logy: bool = False,
    ncols: int = 1,
    nrows: int = 1,
    figsize: Sequence[float] | None = None,
):
    """A styled figure with labelled axes; returns ``(fig, ax)`` (an array of axes when there are
    several panels, flat in reading order).

    Panels beyond two in a row make fonts too small in the book's column: stack them with
    ``nrows`` instead.

    Labels must name a unit, e.g. ``"memory bandwidth (GB/s)"``, or say ``"(dimensionless)"``
    style text in brackets; a label without brackets raises ``ValueError``.
    """
    for name, label in (("xlabel", xlabel), ("ylabel", ylabel)):
        validate.text(name, label)
        if "(" not in label or ")" not in label:
            raise ValueError(f"axis label {label!r} must give its unit in brackets, e.g. '(GB/s)'")
    if ncols < 1 or nrows < 1:
        raise ValueError(f"ncols and nrows must be at least 1, got {ncols} and {nrows}")
    use_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    axes = axes.ravel()
    for ax in axes:
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
    if title:
        fig.suptitle(title)
    return fig, (axes if len(axes) > 1 else axes[0])
