"""Graphviz DOT pieces shared by every picture: palette, label escaping, wrapping, pens, scales."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable

from .words import Words

FONT = "DejaVu Sans"
# Median wait, calm to alarming: a grey-blue, then ColorBrewer YlOrRd from orange to deep red.
# Lightness falls monotonically after the first colour, so the order survives colour blindness
# and greyscale printing; the grey-blue differs from the rest on the blue-yellow axis as well.
PALETTE = ("#8c9db5", "#fdb24c", "#fd8d3c", "#f03b20", "#d41f26", "#a50026", "#67000d")
# Text colour that stays readable on each palette swatch in the legend.
PALETTE_TEXT = ("#000000", "#000000", "#000000", "#ffffff", "#ffffff", "#ffffff", "#ffffff")
MARK_COLOR = "#b30000"
MARK_OUTLINE = "#1a1a1a"
MARK_MIN_PEN = 4.5
NODE_FILL = "#f3f5f8"
NODE_BORDER = "#5b6b7d"
ENDPOINT_COLOR = "#3a3a3a"
ENDPOINT_EDGE = "#9aa3ad"
MIN_PEN, MAX_PEN = 1.0, 8.0
WRAP = 24
# Dominant waiting cause of an arrow (`--color-by cause`): the Okabe–Ito colours, which stay
# distinct for the common colour-vision deficiencies; grey where no wait is attributed.
CAUSE_COLORS = {
    "batching": "#e69f00",
    "resource_contention": "#d55e00",
    "prioritization": "#cc79a7",
    "resource_unavailability": "#0072b2",
    "extraneous": "#009e73",
}
NO_CAUSE_COLOR = "#9aa3ad"
PRINT_COLUMN_PT, PRINT_HEIGHT_PT, PRINT_TEXT_PT = 509.0, 538.0, 6.1
"""The printed report's A4 column (210 mm less 2 × 0.6 in margins), the tallest a map is
printed there (190 mm, the report's CSS), and the smallest text a map fitted for print keeps
(6 pt and a little room for rounding)."""


def print_box(smallest_pt: float) -> tuple[float, float]:
    """The largest map (width, height in points) whose `smallest_pt` text, scaled into the
    printed column and height, stays at `PRINT_TEXT_PT` or more."""
    scale = PRINT_TEXT_PT / smallest_pt
    return PRINT_COLUMN_PT / scale, PRINT_HEIGHT_PT / scale


LEGEND_TABLE = (
    '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" COLOR="#9aa3ad" '
    'BGCOLOR="#fbfbfb">'
)
"""The opening tag of every legend table."""


LABEL_LIMIT = 120
"""Characters of a name shown in a picture's label; a longer name ends in "…" there (tables and
JSON keep it whole)."""
TEXT_LIMIT = 4000
"""Characters of any one piece of text (a legend line, a tooltip) put into DOT: far below
Graphviz's 16,384-character limit per string even when every character is escaped."""


def clean(text: str) -> str:
    """Control characters become spaces; text that cannot be UTF-8 encoded becomes '?'."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F else ch for ch in text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def escape(text: object, kind: str = "html", limit: int = TEXT_LIMIT) -> str:
    """The one way text enters DOT: any value as text (numbers in fixed notation, never an
    exponent), control characters as spaces, at most `limit` characters, then escaped for an
    HTML-like label (`kind="html"`: XML entities, backslashes doubled since Graphviz reads `\\N`)
    or as a double-quoted escString (`kind="quoted"`, returned with its quotes)."""
    raw = number(text) if isinstance(text, int | float) else str(text)
    out = shorten(clean(raw), limit).replace("\\", "\\\\")
    if kind == "quoted":
        return '"' + out.replace('"', '\\"') + '"'
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace('"', "&quot;").replace("'", "&#39;")


def number(value: float, digits: int = 2) -> str:
    """A number for a DOT attribute: fixed notation with `digits` decimals at most (no exponent,
    trailing zeros dropped); NaN and infinities as 0."""
    x = float(value)
    if not math.isfinite(x):
        return "0"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits > 0 else f"{x:.0f}"
    return "0" if text in ("-0", "") else text


def html(text: str) -> str:
    """Text for an HTML-like label (see `escape`)."""
    return escape(text, "html")


def quoted(text: str) -> str:
    """A double-quoted DOT string for an escString attribute such as a tooltip (see `escape`)."""
    return escape(text, "quoted")


def wrapped(name: str, wrap: int = WRAP) -> str:
    """The name, shortened to `LABEL_LIMIT` characters, in balanced lines of about `wrap`
    characters, for an HTML-like label."""
    text = shorten(" ".join(clean(name).split()), LABEL_LIMIT)
    if not text:
        return " "
    if len(text) <= wrap + 4:
        return html(text)
    lines_wanted = math.ceil(len(text) / wrap)
    width = math.ceil(len(text) / lines_wanted)
    while True:
        lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
        if len(lines) <= lines_wanted or width >= wrap + 8:
            break
        width += 1
    return "<BR/>".join(html(line) for line in lines)


def wrapped_row(text: str, width: int = 110) -> str:
    """A long legend line wrapped into left-aligned lines of about `width` characters."""
    return "".join(html(line) + '<BR ALIGN="LEFT"/>' for line in textwrap.wrap(text, width))


def wait_text(words: Words, definition: str) -> str:
    """The waiting-time definition of an analysis as a legend line."""
    key = f"graph_wait_{definition}"
    try:
        return words(key)
    except KeyError:
        return str(definition)


def to_float(value: object) -> float:
    """`value` as a float, NaN when it is not a number."""
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return result


def bounds(waits: Iterable[float]) -> tuple[float, float] | None:
    """Smallest and largest positive wait (None if none is positive)."""
    positive = [w for w in waits if w > 0 and not math.isnan(w)]
    return (min(positive), max(positive)) if positive else None


def bucket(wait: float, scale: tuple[float, float] | None) -> int:
    """The palette index of `wait` on the log scale between the `scale` bounds."""
    if scale is None or not wait > 0:
        return 0
    lo, hi = scale
    if hi <= lo:
        return 0
    t = (math.log(wait) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return min(len(PALETTE) - 1, max(0, int(t * len(PALETTE))))


def pen(n: int, largest: int) -> str:
    """The pen width of something done `n` times, the most frequent being `largest`."""
    width = MIN_PEN + (MAX_PEN - MIN_PEN) * (n / largest if largest > 0 else 0.0)
    return f"{width:.2f}"


def weight(n: int, largest: int) -> int:
    """The layout weight of an arrow done `n` times: 1 to 10."""
    return 1 + round(9 * n / largest) if largest > 0 else 1


def scale_row(scale: tuple[float, float] | None, duration: Callable[[float], str]) -> str:
    """A legend row of the palette's swatches, each labelled with the wait it starts at ("" when
    the waits do not spread)."""
    n = len(PALETTE)
    if scale is None or scale[1] <= scale[0]:
        return ""
    lo, hi = scale
    step = (math.log(hi) - math.log(lo)) / n
    cells = []
    for i in range(n):
        edge = math.exp(math.log(lo) + step * max(i, 1))
        value = ("< " if i == 0 else "≥ ") + duration(edge)
        cells.append(
            f'<TD BGCOLOR="{PALETTE[i]}" WIDTH="62"><FONT COLOR="{PALETTE_TEXT[i]}" '
            f'POINT-SIZE="9">{html(value)}</FONT></TD>'
        )
    return f"<TR>{''.join(cells)}</TR>"


WAIT_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (600.0, "s"),
    (3600.0, "s"),
    (4 * 3600.0, "s"),
    (1.0, "day"),
    (3.0, "day"),
    (1.0, "week"),
)
"""The one colour scale of waits, the upper edges of the first six of the seven `PALETTE` bins:
< 10 min, < 1 h, < 4 h, < 1 day, < 3 days, < 1 week, ≥ 1 week. A day is 24 h and a week 7 days
on the wall clock; with a working calendar a day is one working day and a week five."""


def wait_thresholds(workday_s: float | None = None) -> tuple[float, ...]:
    """The bin edges of `WAIT_THRESHOLDS` in seconds, on the clock in use (`workday_s`: the
    length of the calendar's working day, None for the wall clock)."""
    day = 86400.0 if workday_s is None else float(workday_s)
    week = 7 * 86400.0 if workday_s is None else 5 * float(workday_s)
    size = {"s": 1.0, "day": day, "week": week}
    edges = [value * size[unit] for value, unit in WAIT_THRESHOLDS]
    # A working day shorter than 4 h: keep the edges increasing.
    for i in range(1, len(edges)):
        edges[i] = max(edges[i], edges[i - 1])
    return tuple(edges)


def wait_bin(seconds: float, workday_s: float | None = None) -> int:
    """The `PALETTE` index of a wait on the fixed scale (0 for no wait or NaN)."""
    if not seconds > 0:
        return 0
    return sum(1 for edge in wait_thresholds(workday_s) if seconds >= edge)


def wait_color(seconds: float, workday_s: float | None = None) -> str:
    """The colour of a wait on the fixed scale: the same on every picture of a run."""
    return PALETTE[wait_bin(seconds, workday_s)]


def wait_labels(words: Words) -> tuple[str, ...]:
    """The seven bin labels of the fixed scale in `words` ("< 10 min" … "≥ 7 d")."""
    edges = wait_thresholds(words.workday_s)
    labels = [f"< {words.duration(e, short=True)}" for e in edges]
    return (*labels, f"≥ {words.duration(edges[-1], short=True)}")


def wait_scale_row(words: Words, columns: int = 7, point_size: int | None = None) -> str:
    """Legend rows of the fixed scale's seven swatches, `columns` to a row, each labelled (in
    `point_size` text, default the picture's) in short units; with a working calendar a line
    above them explains the short working-day unit once."""
    cells = [(PALETTE[i], PALETTE_TEXT[i], label) for i, label in enumerate(wait_labels(words))]
    return swatch_rows(cells, columns, point_size, note=words.workday_note())


def swatch_rows(
    cells: list[tuple[str, str, str]],
    columns: int,
    point_size: int | None = None,
    note: str = "",
) -> str:
    """Legend rows of coloured cells (background, text colour, label), `columns` to a row, in
    `point_size` text (default the picture's), under a one-line `note` when given."""
    size = "" if point_size is None else f' POINT-SIZE="{point_size}"'
    text = f"<FONT{size}>{html(note)}</FONT>" if size else html(note)
    head = f'<TR><TD COLSPAN="{columns}" ALIGN="LEFT">{text}</TD></TR>' if note else ""
    tds = [
        f'<TD BGCOLOR="{colour}"><FONT COLOR="{ink}"{size}>{html(label)}</FONT></TD>'
        for colour, ink, label in cells
    ]
    rows = [tds[i : i + columns] for i in range(0, len(tds), columns)]
    return head + "".join(f"<TR>{''.join(r)}</TR>" for r in rows)
