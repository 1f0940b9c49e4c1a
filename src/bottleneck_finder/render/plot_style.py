"""The print style of the plots: font, palette, localized number and date axes, marked dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .dot import FONT, MARK_COLOR  # DejaVu Sans: ships with matplotlib, covers Vietnamese
from .words import Words

SERIES_COLOURS = ("#a50026", "#f08a24", "#3a6ea5", "#6a3d9a", "#33a02c")
LINE = SERIES_COLOURS[2]  # the main series (a median, the arrivals)
LINE_2 = SERIES_COLOURS[1]  # the second series beside it (a P90)
MARK = MARK_COLOR  # marked dates: change points, the split
LABEL_CHARS = 60
# matplotlib settings of every plot (the hash salt of the SVG ids is the caller's)
PRINT_RC: dict[str, Any] = {
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.family": FONT,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e3e6ea",
    "grid.linewidth": 0.6,
    "path.simplify": False,
}


def plain(text: str) -> str:
    """A label safe for matplotlib: no mathtext, no control characters, not too long."""
    clean = "".join(" " if ord(ch) < 32 else ch for ch in text)
    if len(clean) > LABEL_CHARS:
        clean = clean[: LABEL_CHARS - 1] + "…"
    return clean


def number_axis(axis: Any, words: Words) -> None:
    """Tick labels of a value axis in the language's number format, with as few decimals as
    the ticks need (0, 0,5, 1 in Vietnamese)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(value: float, _pos: int) -> str:
        if value == 0:
            return "0"
        decimals = next(
            (d for d in (0, 1, 2) if abs(round(value, d) - value) <= 1e-9 * max(1.0, abs(value))),
            3,
        )
        return words.number(value, decimals)

    axis.set_major_formatter(FuncFormatter(fmt))


def mark_dates(
    axes: Sequence[Any], markers: Sequence[tuple[Any, str]], *, fontsize: float = 7.5
) -> None:
    """Each marked date as a dashed line across every panel, labelled at the top of the first."""
    for when, text in markers:
        for ax in axes:
            ax.axvline(when, color=MARK, linestyle="--", linewidth=1.2)
        axes[0].annotate(
            plain(text),
            xy=(when, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            va="top",
            fontsize=fontsize,
            color=MARK,
        )


def date_axis(axis: Any, words: Words) -> None:
    """A time axis with 3 to 8 ticks labelled as full dates in the language (14/04/2025 or
    2025-04-14)."""
    import matplotlib.dates as mdates

    axis.set_major_formatter(
        mdates.DateFormatter("%d/%m/%Y" if words.lang == "vi" else "%Y-%m-%d")  # type: ignore[no-untyped-call]
    )
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axis.set_major_locator(locator)


def unit_below(label: str, words: Words) -> str:
    """An axis label in working time ("… (ngày làm việc)", long) with its unit on a second
    line; labels in calendar time are kept as they are."""
    if words.workday_s is None or " (" not in label:
        return label
    head, _, unit = label.rpartition(" (")
    return f"{head}\n({unit}"
