"""The print style of the plots: font, palette, localized number and date axes, marked dates."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

from .dot import FONT, MARK_COLOR  # DejaVu Sans: ships with matplotlib, covers Vietnamese
from .words import Words

SERIES_COLOURS = ("#a50026", "#f08a24", "#3a6ea5", "#6a3d9a", "#33a02c")
LINE = SERIES_COLOURS[2]  # the main series (a median, the arrivals)
LINE_2 = SERIES_COLOURS[1]  # the second series beside it (a P90)
MARK = MARK_COLOR  # marked dates: change points, the split
LABEL_CHARS = 60
LEGEND_CHARS = 90  # a legend line across a 180 mm plot at 7.5 pt, its key included
LEGEND_LINES = 2  # the lines a legend entry's name may take before it is shortened
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


def _clean(text: str) -> str:
    return "".join(" " if ord(ch) < 32 else ch for ch in text)


def shorten(text: str, chars: int) -> str:
    """`text` in at most `chars` characters, cut after a whole word with "…" when too long (a
    single word longer than the whole space is cut where it must be)."""
    if len(text) <= chars:
        return text
    head = text[: chars - 1]
    space = head.rfind(" ")
    if space > 0 and text[chars - 1] != " ":
        head = head[:space]
    return head.rstrip(" —–-:,;") + "…"


def plain(text: str) -> str:
    """A label safe for matplotlib: no mathtext, no control characters, not too long (cut
    after a whole word)."""
    return shorten(_clean(text), LABEL_CHARS)


def legend_label(name: str, suffix: str = "", *, chars: int = LEGEND_CHARS) -> str:
    """A legend entry: `name` wrapped at word boundaries over at most two lines of `chars`
    (shortened after a whole word with "…" beyond), then `suffix` (a median, …) kept whole,
    on the last line when it fits, else on a line of its own. Never cut mid-word: the full
    name is in the table beside the plot."""
    wrapped = textwrap.wrap(_clean(name), chars, break_long_words=False, break_on_hyphens=False)
    lines = wrapped or [""]
    if len(lines) > LEGEND_LINES:
        rest = shorten(" ".join(lines[LEGEND_LINES - 1 :]), chars)
        lines = [*lines[: LEGEND_LINES - 1], rest]
    lines = [shorten(line, chars) for line in lines]  # a single word longer than a line
    if suffix:
        joined = f"{lines[-1]} — {suffix}" if lines[-1] else suffix
        if len(joined) <= chars:
            lines[-1] = joined
        else:
            lines.append(shorten(_clean(suffix), chars))
    return "\n".join(lines)


def _tick(value: float, words: Words) -> str:
    """A tick value in the language's number format with as few decimals as it needs."""
    if value == 0:
        return "0"
    decimals = next(
        (d for d in range(7) if abs(round(value, d) - value) <= 1e-9 * max(1.0, abs(value))),
        6,
    )
    return words.number(value, decimals)


def number_axis(axis: Any, words: Words) -> None:
    """Tick labels of a value axis in the language's number format, with as few decimals as
    the ticks need (0, 0,5, 1 in Vietnamese). A logarithmic axis gets plain labels too, and
    no labels on its minor ticks (matplotlib's own are TeX, shown raw without mathtext)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick(value, words)))
    if axis.get_scale() == "log":
        axis.set_minor_formatter(NullFormatter())


def log_axis(axis: Any, words: Words, low: float, high: float) -> None:
    """A logarithmic value axis from `low` to `high` (> 0) with plain tick labels: powers of
    ten over wide ranges, 1-2-5 steps over two decades or less, every digit under one."""
    from matplotlib.ticker import LogLocator

    decades = math.log10(high / low) if low > 0 and high > low else 0.0
    subs: tuple[float, ...] = (1.0,)
    if decades < 1.0:
        subs = tuple(float(d) for d in range(1, 10))
    elif decades <= 2.5:
        subs = (1.0, 2.0, 5.0)
    axis.set_major_locator(LogLocator(base=10.0, subs=subs, numticks=12))
    axis.set_minor_locator(LogLocator(base=10.0, subs=tuple(float(d) for d in range(2, 10))))
    number_axis(axis, words)


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
