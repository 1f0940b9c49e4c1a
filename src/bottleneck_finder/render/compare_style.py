"""How the comparison maps look: colours, emphasis by added waiting, labels and their room."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape as html_unescape
from typing import Any

from .compare_sentences import signed_duration
from .compare_text import change_text, status_text
from .dot import LABEL_LIMIT, clean, html, shorten
from .svg_labels import EM
from .words import Words

SLOWER = "#d7301f"
FASTER = "#1a9850"
UNCHANGED = "#8c96a0"
INSUFFICIENT = "#c3c9cf"
NEW = "#99000d"
SLOWER_FILL, FASTER_FILL, NEW_FILL = "#fde0dd", "#e5f5e0", "#fcbba1"


NAME_PT, SMALL_PT = 12, 10
"""Font sizes of the comparison maps: activity names and legend; figures, arrow labels."""
NAME_WRAP = 14
"""Characters of a line of an activity name in a box: narrow boxes keep the map narrow."""


# Emphasis of an arrow: the waiting it adds (or saves) per case, on fixed steps, so that a new
# step adding 8 minutes per case is drawn thin and light and one adding 5 days thick and dark.
ADDED_STEPS_S = (600.0, 3_600.0, 8 * 3_600.0, 3 * 86_400.0)
"""Upper edges of the emphasis steps of |added waiting per case|: 10 min, 1 h, 8 h, 3 d."""
STEP_PENS = (1.0, 2.0, 3.4, 5.0, 7.0)
MORE_WAIT = ("#fc9272", "#fb6a4a", "#e0301e", "#b5121b", "#67000d")
LESS_WAIT = ("#a1d99b", "#74c476", "#31a354", "#1b7a3e", "#00441b")
STEP_TEXT = ("#000000", "#000000", "#ffffff", "#ffffff", "#ffffff")
MORE_TEXT, LESS_TEXT = "#99000d", "#14652f"

STATUS_COLOUR = {
    "slower": SLOWER,
    "faster": FASTER,
    "unchanged": UNCHANGED,
    "insufficient": INSUFFICIENT,
    "new": NEW,
    "removed": FASTER,
}


@dataclass(frozen=True)
class Item:
    """One transition or activity row with the fields the pictures need."""

    status: str
    before_count: int
    after_count: int
    before_median: float
    after_median: float
    added: float


def item_of(row: Mapping[Any, Any]) -> Item:
    return Item(
        str(row["status"]),
        int(row["before_count"]),
        int(row["after_count"]),
        float(row["before_wait_median_s"]),
        float(row["after_wait_median_s"]),
        float(row["added_wait_per_case_s"]),
    )


Edge = tuple[str, str, Item]


def added_step(added: float) -> int:
    """The emphasis step (0..4) of an arrow adding or saving `added` seconds per case."""
    size = 0.0 if math.isnan(added) else abs(added)
    return sum(size >= edge for edge in ADDED_STEPS_S)


def name_label(name: str) -> str:
    """An activity name for a box: shortened to `LABEL_LIMIT` characters, in balanced lines of
    about `NAME_WRAP` characters (a word longer than that is cut)."""
    text = shorten(" ".join(clean(name).split()), LABEL_LIMIT)
    if len(text) <= NAME_WRAP + 3:
        return html(text) or " "
    wanted = math.ceil(len(text) / NAME_WRAP)
    # a word is cut only when it is longer than NAME_WRAP + 6 characters
    word = max(len(part) for part in text.split(" "))
    width = max(math.ceil(len(text) / wanted), min(word, NAME_WRAP + 6))
    while True:
        lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)
        if len(lines) <= wanted or width >= NAME_WRAP + 6:
            return "<BR/>".join(html(line) for line in lines)
        width += 1


def rank_mark(rank: int | None) -> str:
    """`#3 ` in bold: the rank of an introduced bottleneck in compare's ranking."""
    return "" if rank is None else f"<B>#{rank}</B> "


LABEL_STEP = 2
"""Arrows of a clear change adding or saving less waiting per case than emphasis step
`LABEL_STEP` (1 h), and arrows without a clear change, carry no label on the difference map
(their hover text has it): the labels are kept for what matters and the map stays narrow."""


def labelled(item: Item, rank: int | None) -> bool:
    """Whether an arrow of the difference map carries its label."""
    if rank is not None:
        return True
    changed = item.status in ("new", "removed", "slower", "faster")
    return changed and added_step(item.added) >= LABEL_STEP


def diff_edge_label(item: Item, w: Words, rank: int | None = None) -> str:
    if not labelled(item, rank):
        return ""
    mark = rank_mark(rank)
    if item.status == "new":
        wait = w("graph_wait", wait=w.duration(item.after_median))
        return f"{mark}<B>{html(w('cg_new'))}</B> · {html(wait)}"
    if item.status == "removed":
        return mark + html(w("cg_gone", was=w.duration(item.before_median)))
    text = html(change_text(item.before_median, item.after_median, w))
    return mark + (f"<B>{text}</B>" if item.status in ("slower", "faster") else text)


def times(count: int, w: Words) -> str:
    return w("graph_times", count=w.count(count))


def side_edge_label(count: int, median: float, w: Words) -> str:
    return html(times(count, w) + " · " + w("graph_wait", wait=w.duration(median)))


def diff_node_label(name: str, item: Item | None, w: Words, rank: int | None = None) -> str:
    label = name_label(name)
    if item is None:
        return label if rank is None else f"{label}<BR/>{rank_mark(rank)}"
    if item.status == "new":
        stats = f"<B>{html(w('cg_new'))}</B> · {html(times(item.after_count, w))}"
    elif item.status == "removed":
        stats = html(w("cg_gone", was=times(item.before_count, w)))
    elif math.isnan(item.before_median) and math.isnan(item.after_median):
        stats = html(f"{times(item.before_count, w)} → {times(item.after_count, w)}")
    else:
        stats = html(w("graph_wait", wait=change_text(item.before_median, item.after_median, w)))
    return f'{label}<BR/><FONT POINT-SIZE="{SMALL_PT}">{rank_mark(rank)}{stats}</FONT>'


def side_node_label(name: str, count: int, median: float, w: Words) -> str:
    wait = "" if math.isnan(median) else " · " + w("cg_wait_before", wait=w.duration(median))
    stats = html(times(count, w) + wait)
    return f'{name_label(name)}<BR/><FONT POINT-SIZE="{SMALL_PT}" COLOR="#444444">{stats}</FONT>'


def diff_node_style(item: Item | None) -> str:
    """A box on the difference map: filled by verdict, its border shaded like the arrows by
    the waiting before it that is added or saved per case."""
    if item is None:
        return ""
    step = added_step(item.added)
    if item.status == "new":
        return f', color="{MORE_WAIT[step]}", fillcolor="{NEW_FILL}", penwidth=3'
    if item.status == "removed":
        return f', style="rounded,dashed,filled", color="{LESS_WAIT[step]}", fontcolor="#555555"'
    if item.status == "slower":
        return f', color="{MORE_WAIT[step]}", fillcolor="{SLOWER_FILL}", penwidth=2.5'
    if item.status == "faster":
        return f', color="{LESS_WAIT[step]}", fillcolor="{FASTER_FILL}", penwidth=2.5'
    return ""


def node_tip(name: str, item: Item | None, w: Words) -> str:
    """The hover text of a box on the difference map: the change of the median wait before
    it, its verdict and the waiting before it added or saved per case."""
    if item is None:
        return name
    change = change_text(item.before_median, item.after_median, w)
    added = w("cg_tip_added", added=signed_duration(item.added, w))
    return f"{name}: {change}, {status_text(item.status, w)}; {added}"


def edge_style(item: Item) -> tuple[str, float]:
    """Colour, line style and pen of an arrow on the difference map: hue by verdict (red more
    waiting, green less, grey no clear change), shade and width by the emphasis step of the
    waiting it adds or saves per case (`added_step`); new arrows solid, removed ones dashed,
    too few waits dotted."""
    step = added_step(item.added)
    pen = STEP_PENS[step]
    if item.status in ("new", "slower"):
        attrs = f'color="{MORE_WAIT[step]}", fontcolor="{MORE_TEXT}"'
    elif item.status in ("removed", "faster"):
        attrs = f'color="{LESS_WAIT[step]}", fontcolor="{LESS_TEXT}"'
    elif item.status == "insufficient":
        attrs = f'color="{INSUFFICIENT}", fontcolor="#555555", style=dotted'
    else:
        attrs = f'color="{UNCHANGED}", fontcolor="#444444"'
    if item.status == "removed":
        attrs += ", style=dashed"
    return attrs, pen


def edge_tip(source: str, target: str, item: Item, w: Words) -> str:
    """The hover text of an arrow: the change of its median wait, its verdict and the waiting
    it adds or saves per case."""
    change = change_text(item.before_median, item.after_median, w)
    added = w("cg_tip_added", added=signed_duration(item.added, w))
    return f"{source} → {target}: {change}, {status_text(item.status, w)}; {added}"


def text_pt(line: str) -> float:
    """A label line's width in points as `svg_labels.measure` counts it (0.6 em a character)."""
    size = SMALL_PT if f'POINT-SIZE="{SMALL_PT}"' in line else NAME_PT
    return EM * size * len(html_unescape(re.sub("<[^>]*>", "", line)))


def min_width(label: str) -> float:
    """A box's least width in inches: its widest line as `measure` counts it, plus margins."""
    return max(text_pt(line) for line in label.split("<BR/>")) / 72.0 + 0.28


def edge_room(item: Item, w: Words, rank: int | None, room: str, label: str = "") -> str:
    """An arrow's `label` on a map, in its measured room (`label_room`) on a "measured" layout;
    with no `label`, the layout's stand-in for it in `room` (see `ROOMS`)."""
    if room == "measured":
        return label_room(widest_edge_label(item, w, rank), label)
    if label:
        return label
    return (
        diff_edge_label(item, w, rank) if room == "difference" else widest_edge_label(item, w, rank)
    )


def label_room(widest: str, label: str = "") -> str:
    """An arrow's label in a box as wide as `measure` counts its `widest` label on the three
    maps (the layout gets the empty box): the text starts at the box's left edge, so labels
    placed apart in the layout stay apart for the overlap check."""
    if not widest:
        return label
    width = math.ceil(EM * SMALL_PT * len(html_unescape(re.sub("<[^>]*>", "", widest)))) + 2
    return (
        '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2"><TR>'
        f'<TD WIDTH="{width}" HEIGHT="{math.ceil(1.25 * SMALL_PT)}" ALIGN="LEFT">{label}</TD>'
        "</TR></TABLE>"
    )


def widest_edge_label(item: Item, w: Words, rank: int | None) -> str:
    """The widest of an arrow's labels on the three maps, so that the shared layout leaves
    room for each (a before or after label is often longer than the difference map's)."""
    candidates = [diff_edge_label(item, w, rank)]
    for count, median in (
        (item.before_count, item.before_median),
        (item.after_count, item.after_median),
    ):
        if count > 0:
            candidates.append(side_edge_label(count, median, w))
    return max(candidates, key=lambda s: len(re.sub("<[^>]*>", "", s)))
