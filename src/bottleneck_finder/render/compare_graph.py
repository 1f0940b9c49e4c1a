"""The difference graph, and the before and after graphs, drawn on one shared layout."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.abstraction import Abstraction, Limit
from ..analysis.compare_types import Comparison
from .compare_style import (
    NAME_PT,
    SMALL_PT,
    Edge,
    Item,
    diff_edge_label,
    diff_node_label,
    diff_node_style,
    edge_room,
    edge_style,
    edge_tip,
    item_of,
    min_width,
    node_tip,
    side_edge_label,
    side_node_label,
)
from .dot import (
    FONT,
    MAX_PEN,
    MIN_PEN,
    NODE_BORDER,
    NODE_FILL,
    PRINT_TEXT_PT,
    print_box,
    quoted,
    wait_color,
)
from .graph import render_dot
from .graphviz import render_json
from .legend import LegendRow, comparison_legend, comparison_legend_dot
from .svg_labels import measure
from .words import ENGLISH, Words

MAX_EDGES = 45
"""Arrows on the difference map at most (the introduced bottlenecks #1..#`MARKED` may add a few)."""
MAX_ACTIVITIES = 25
"""Activities on the difference map at most."""
MARKED = 10
COLUMN_PT, READABLE_PT = 510.0, 6.0
"""A report column (180 mm) and the smallest text readable in it: the difference map is
drawn no wider than COLUMN_PT × SMALL_PT / READABLE_PT, so that scaled into the column its
smallest text stays readable (fewer arrows and activities are drawn until it fits)."""
NODESEP, RANKSEP = 0.15, 0.4
PAD_PT, PAGE_PT = 21.6, 1400.0
PRINT_PAD_PT = 7.2
"""The margin around a map printed without its legend: the page's own margins frame it."""
"""The margin around a comparison map (0.3 in) and the tallest map, scaled into the column."""
MIN_EDGES = 15
ROOMS = ("difference", "widest", "measured")
"""How the shared layout makes room for the arrow labels, tried in turn until the three maps
fit with no two labels overlapping: the difference map's labels; the widest of the three
maps' labels; that one as wide as `svg_labels.measure` counts it (0.6 em a character), the
label drawn from the room's left edge, and every box as wide as `measure` counts its text."""
"""The difference map is not thinned below this many arrows (plus #1..#MARKED) to fit."""
"""The introduced bottlenecks #1..#MARKED (compare's ranking) are always drawn."""


@dataclass(frozen=True)
class DifferenceSelection:
    """What the difference map shows: `edges` (source, target, figures; sorted) between
    `activities`, the rank in compare's `introduced` list of every drawn introduced bottleneck
    (`edge_ranks` for hand-offs, `activity_ranks` for waits before an activity), and the totals
    the legend compares them with."""

    edges: list[Edge]
    activities: list[str]
    edge_ranks: dict[tuple[str, str], int]
    activity_ranks: dict[str, int]
    total_edges: int
    total_activities: int
    activity_limit: str = str(MAX_ACTIVITIES)
    path_limit: str = str(MAX_EDGES)

    @property
    def hidden_edges(self) -> int:
        """Arrows of either period not drawn."""
        return self.total_edges - len(self.edges)

    @property
    def hidden_activities(self) -> int:
        """Activities of either period not drawn."""
        return self.total_activities - len(self.activities)

    def side(self, comparison: Comparison, kind: str) -> Abstraction:
        """What the `before` or `after` map (this selection, drawn where that period has it)
        shows and hides of that period: its activities and arrows, and the transitions and
        waiting on the arrows it does not draw (compare's maps draw no start or end arrows)."""
        prefix = "before_" if kind == "before" else "after_"
        trans = comparison.transitions
        counts = trans[prefix + "count"].astype(int).tolist()
        waits = trans[prefix + "wait_total_s"].astype(float).tolist()
        keys = list(zip(trans["source"].astype(str), trans["target"].astype(str), strict=True))
        drawn = {(e[0], e[1]) for e in self.edges}
        present = [(k, c, w) for k, c, w in zip(keys, counts, waits, strict=True) if c > 0]
        acts = comparison.activities
        names = {
            str(a)
            for a, c in zip(acts["activity"], acts[prefix + "count"], strict=True)
            if int(c) > 0
        }
        names |= {n for k, _, _ in present for n in k}
        shown = [(k, c, w) for k, c, w in present if k in drawn]
        hidden = [(k, c, w) for k, c, w in present if k not in drawn]

        def seconds(rows: list[tuple[tuple[str, str], int, float]]) -> float:
            return float(sum(w for _, _, w in rows if w > 0 and math.isfinite(w)))

        return Abstraction(
            activities=tuple(a for a in self.activities if a in names),
            arrows=tuple(sorted(k for k, _, _ in shown)),
            starts=(),
            ends=(),
            total_activities=len(names),
            total_arrows=len(present),
            hidden_occurrences=sum(c for _, c, _ in hidden),
            total_occurrences=sum(c for _, c, _ in present),
            hidden_wait_s=seconds(hidden),
            total_wait_s=seconds(present),
            hidden_start_cases=0,
            hidden_end_cases=0,
            total_cases=comparison.before.cases if kind == "before" else comparison.after.cases,
            activity_limit=self.activity_limit,
            path_limit=self.path_limit,
            ends_drawn=False,
        )


def select_difference(
    comparison: Comparison,
    max_activities: int | Limit | str = MAX_ACTIVITIES,
    max_edges: int | Limit | str = MAX_EDGES,
    marked: int = MARKED,
) -> DifferenceSelection:
    """The arrows and activities of the difference map, chosen by the significance of the change.

    First the introduced bottlenecks #1..#`marked` of compare's ranking: a hand-off with its two
    end activities, a wait before an activity with the activity and its incoming arrow that adds
    the most. Then, while at most `max_edges` arrows and `max_activities` activities are drawn,
    the arrows by score: |added waiting per case| over the largest on the map, plus half the
    share of cases taking the arrow (the larger period's) over the largest share, so the
    biggest changes come first and the busiest paths keep the map readable as a process.
    Every drawn activity has a drawn arrow. `max_activities` and `max_edges` are numbers or
    `--activities` / `--paths` limits (`N`, `P%`, `all`) of all the activities and arrows of
    either period."""
    trans = comparison.transitions
    rows = [(str(r["source"]), str(r["target"]), item_of(r)) for r in trans.to_dict("records")]
    by_key = {(s, t): (s, t, i) for s, t, i in rows}
    all_acts = {str(a) for a in comparison.activities["activity"]}
    all_acts |= {s for s, _, _ in rows} | {t for _, t, _ in rows}
    cases = (max(comparison.before.cases, 1), max(comparison.after.cases, 1))
    act_text, path_text = str(max_activities), str(max_edges)
    if not isinstance(max_activities, int):
        act_limit = Limit.parse(max_activities)
        act_text, max_activities = str(act_limit), act_limit.of(len(all_acts))
    if not isinstance(max_edges, int):
        path_limit = Limit.parse(max_edges)
        path_text, max_edges = str(path_limit), path_limit.of(len(rows))

    def frequency(item: Item) -> float:
        return max(item.before_count / cases[0], item.after_count / cases[1])

    top_added = max([abs(i.added) for _, _, i in rows if not math.isnan(i.added)] + [0.0])
    top_freq = max([frequency(i) for _, _, i in rows] + [0.0])

    def score(edge: Edge) -> float:
        item = edge[2]
        added = 0.0 if math.isnan(item.added) else abs(item.added)
        change = added / top_added if top_added > 0 else 0.0
        busy = frequency(item) / top_freq if top_freq > 0 else 0.0
        return change + 0.5 * busy

    keep: dict[tuple[str, str], Edge] = {}
    acts: set[str] = set()
    edge_ranks: dict[tuple[str, str], int] = {}
    activity_ranks: dict[str, int] = {}
    intro = comparison.introduced
    for rec in intro.head(marked).to_dict("records"):
        rank = int(rec["rank"])
        if rec["kind"] == "transition":
            key = (str(rec["source"]), str(rec["target"]))
            if key in by_key:
                keep[key] = by_key[key]
                acts |= set(key)
        else:
            name = str(rec["activity"])
            activity_ranks[name] = rank
            acts.add(name)
            incoming = [e for e in rows if e[1] == name and (e[0], e[1]) not in keep]
            if incoming and not any(k[1] == name for k in keep):
                best = max(incoming, key=lambda e: (e[2].added, e[2].after_count, e[0]))
                keep[(best[0], best[1])] = best
                acts.add(best[0])
    for edge in sorted(rows, key=lambda e: (-score(e), e[0], e[1])):
        if len(keep) >= max_edges:
            break
        key = (edge[0], edge[1])
        if key in keep:
            continue
        if len(acts | set(key)) > max_activities:
            continue
        keep[key] = edge
        acts |= set(key)
    # every drawn introduced bottleneck carries its rank, whether or not it is among #1..#marked
    for rec in intro.to_dict("records"):
        if rec["kind"] == "transition":
            key = (str(rec["source"]), str(rec["target"]))
            if key in keep:
                edge_ranks[key] = int(rec["rank"])
        elif str(rec["activity"]) in acts:
            activity_ranks.setdefault(str(rec["activity"]), int(rec["rank"]))
    edges = sorted(keep.values(), key=lambda e: (e[0], e[1]))
    if not edges:  # a log of one-step cases: the activities alone
        acts = set(all_acts) if len(all_acts) <= max_activities else acts
    return DifferenceSelection(
        edges=edges,
        activities=sorted(acts),
        edge_ranks=edge_ranks,
        activity_ranks=activity_ranks,
        total_edges=len(rows),
        total_activities=len(all_acts),
        activity_limit=act_text,
        path_limit=path_text,
    )


def _pen(count: int, largest: int) -> float:
    """The pen of an arrow on a before or after map: how often it is taken."""
    return MIN_PEN + (MAX_PEN - MIN_PEN) * (count / largest if largest > 0 else 0.0)


def _legend(
    kind: str, comparison: Comparison, chosen: DifferenceSelection, w: Words, legend: bool
) -> str:
    """The graph attributes of one comparison map's legend (`legend.comparison_legend`), at
    its foot; "" without the `legend`."""
    if not legend:
        return ""
    rows = comparison_legend(kind, comparison, chosen, w)
    return f", label=<{comparison_legend_dot(rows)}>, labelloc=b, labeljust=c"


def difference_legend(
    comparison: Comparison, chosen: DifferenceSelection, words: Words = ENGLISH
) -> tuple[LegendRow, ...]:
    """The legend of the difference map of `chosen`, as rows to set beside the map drawn
    without it (`comparison_maps(..., legend=False)`)."""
    w = replace(words, short_workdays=True)
    return comparison_legend("difference", comparison, chosen, w)


def comparison_dots(
    comparison: Comparison,
    words: Words = ENGLISH,
    activities: Limit | str | None = None,
    paths: Limit | str | None = None,
    legend: bool = True,
) -> dict[str, str]:
    """DOT sources of the `difference`, `before` and `after` graphs in `words`, with the same
    node positions and arrow routes (laid out once by `dot` over the union of both periods,
    then drawn with the `nop2` engine, which keeps given positions). Without the `legend`,
    the maps are fitted to a printed page (`print_box`) and `difference_legend` gives it."""
    return comparison_maps(comparison, words, activities, paths, legend)[0]


def comparison_maps(
    comparison: Comparison,
    words: Words = ENGLISH,
    activities: Limit | str | None = None,
    paths: Limit | str | None = None,
    legend: bool = True,
) -> tuple[dict[str, str], DifferenceSelection]:
    """The DOT sources of `comparison_dots` and the selection they draw. With neither
    `activities` nor `paths` (`--activities` / `--paths`: N, P% or all) the map shows at
    most `MAX_ACTIVITIES` and `MAX_EDGES`, fewer until it fits a report column; a given limit
    is kept as it is (the other at its default) and not fitted."""
    # Working days in the short unit, which the legends explain: the maps stay narrow.
    w = replace(words, short_workdays=True)
    acts = {str(r["activity"]): item_of(r) for r in comparison.activities.to_dict("records")}
    if activities is not None or paths is not None:
        chosen = select_difference(
            comparison,
            MAX_ACTIVITIES if activities is None else Limit.parse(activities),
            MAX_EDGES if paths is None else Limit.parse(paths),
        )
        return _pictures(comparison, acts, chosen, w, "measured", legend)[0], chosen
    max_edges, max_activities = MAX_EDGES, MAX_ACTIVITIES
    best: tuple[tuple[bool, int, bool], dict[str, str], DifferenceSelection] | None = None
    while True:
        chosen = select_difference(comparison, max_activities, max_edges)
        for room in ROOMS:
            out, laid = _pictures(comparison, acts, chosen, w, room, legend)
            fits = _fits(laid, legend)
            if not fits and max_edges > MIN_EDGES:
                continue
            # readable at all (its smallest text at `READABLE_PT` once printed), then no
            # overlapping labels, then within the margin `print_box` keeps
            flaws = (not _fits(laid, legend, loose=True), _overlaps(out), not fits)
            if flaws == (False, 0, False):
                return out, chosen
            if best is None or flaws < best[0]:
                best = (flaws, out, chosen)
        if max_edges <= MIN_EDGES and best is not None:
            # None fits with no overlap: a readable one with the fewest overlaps.
            return best[1], best[2]
        max_edges, max_activities = max_edges - 3, max_activities - 1


def _overlaps(pictures: Mapping[str, str]) -> int:
    """How many pairs of labels overlap on the maps drawn by Graphviz (`measure`)."""
    return sum(len(measure(render_dot(dot, "svg")).overlaps) for dot in pictures.values())


def _pictures(
    comparison: Comparison,
    acts: dict[str, Item],
    chosen: DifferenceSelection,
    w: Words,
    room: str,
    legend: bool = True,
) -> tuple[dict[str, str], dict[str, Any]]:
    """The DOT sources of the difference, before and after maps of `chosen` on one layout,
    and that layout, which leaves each arrow label the `room` of `ROOMS`."""
    ids, eids, laid = _lay_out(comparison, acts, chosen, w, room, legend)
    edges, names = chosen.edges, chosen.activities
    largest = max([max(i.before_count, i.after_count) for _, _, i in edges] + [1])
    pos = {o["name"]: o for o in laid.get("objects", [])}
    epos = {e.get("id"): e for e in laid.get("edges", [])}
    frame = (laid["bb"], laid.get("lp", "0,0"))
    look = (ids, eids, pos, epos, frame, largest, room)
    return {
        kind: _picture(kind, comparison, names, acts, edges, chosen, w, look, legend)
        for kind in ("difference", "before", "after")
    }, laid


def _lay_out(
    comparison: Comparison,
    acts: dict[str, Item],
    chosen: DifferenceSelection,
    w: Words,
    room: str,
    legend: bool = True,
) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, Any]]:
    """Node and arrow ids of the selection, and the `dot` layout of the difference map over
    them (every box as large as its largest label on the three maps; with room "measured",
    every box and arrow label as wide as `measure` counts its widest label there)."""
    edges = chosen.edges
    names = chosen.activities
    ranks = chosen.activity_ranks
    ids = {name: f"a{i}" for i, name in enumerate(names)}
    eids = {(s, t): f"e{i}" for i, (s, t, _) in enumerate(edges)}

    def longest(name: str) -> str:
        item = acts.get(name)
        candidates = [diff_node_label(name, item, w, ranks.get(name))]
        if item is not None:
            candidates.append(side_node_label(name, item.before_count, item.before_median, w))
            candidates.append(side_node_label(name, item.after_count, item.after_median, w))
        return max(candidates, key=lambda s: len(re.sub("<[^>]*>", "", s.split("<BR/>")[-1])))

    layout_lines = [
        "digraph layout {",
        "  graph [rankdir=TB, nslimit=2, nslimit1=2, searchsize=10, "
        f'fontname="{FONT}", fontsize={NAME_PT}, nodesep={NODESEP}, ranksep={RANKSEP}'
        f"{_legend('difference', comparison, chosen, w, legend)}];",
        f'  node [fontname="{FONT}", fontsize={NAME_PT}, shape=box, style="rounded,filled", '
        'margin="0.14,0.06", penwidth=3];',
        f'  edge [fontname="{FONT}", fontsize={SMALL_PT}];',
    ]
    for name in names:
        label = longest(name)
        width = f", width={min_width(label):.2f}" if room == "measured" else ""
        layout_lines.append(f"  {ids[name]} [label=<{label}>{width}];")
    largest = max([max(i.before_count, i.after_count) for _, _, i in edges] + [1])
    for s, t, item in edges:
        layout_lines.append(
            f"  {ids[s]} -> {ids[t]} [id={eids[(s, t)]}, "
            f"label=<{edge_room(item, w, chosen.edge_ranks.get((s, t)), room)}>, "
            f"weight={1 + round(9 * max(item.before_count, item.after_count) / largest)}];"
        )
    layout_lines.append("}")
    return ids, eids, render_json("\n".join(layout_lines) + "\n")


def _fits(laid: Mapping[str, Any], legend: bool = True, loose: bool = False) -> bool:
    """Whether a laid-out difference map, scaled into a report column, keeps its smallest text
    readable (`COLUMN_PT`, `READABLE_PT`) and its height within a page (`PAGE_PT`); without
    its `legend`, whether it fits a printed page with its smallest text readable (`print_box`,
    `loose`: at `READABLE_PT` itself, without the box's margin)."""
    x0, y0, x1, y1 = (float(v) for v in str(laid["bb"]).split(","))
    pad = PAD_PT if legend else PRINT_PAD_PT
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    if not legend:
        most_wide, most_tall = print_box(SMALL_PT * (PRINT_TEXT_PT / READABLE_PT if loose else 1))
        return width <= most_wide and height <= most_tall
    scale = min(1.0, COLUMN_PT / width)
    return SMALL_PT * scale >= READABLE_PT and height * scale <= PAGE_PT


def _picture(
    kind: str,
    comparison: Comparison,
    names: list[str],
    acts: dict[str, Item],
    edges: list[tuple[str, str, Item]],
    chosen: DifferenceSelection,
    w: Words,
    look: tuple[
        dict[str, str],
        dict[tuple[str, str], str],
        dict[str, Any],
        dict[Any, Any],
        tuple[str, str],
        int,
        str,
    ],
    legend: bool = True,
) -> str:
    """One of the three maps on the shared layout `look` (ids, arrow ids, box and arrow
    positions, frame, the most frequent count, the labels' room)."""
    ids, eids, pos, epos, frame, largest, room = look
    bb, lp = frame
    lines = [
        f"digraph {kind} {{",
        f'  graph [layout=nop2, bb="{bb}", lp="{lp}", fontname="{FONT}", fontsize={NAME_PT}'
        f"{_legend(kind, comparison, chosen, w, legend)}, "
        "outputorder=edgesfirst, bgcolor=white, "
        f"pad={(PAD_PT if legend else PRINT_PAD_PT) / 72:g}];",
        f'  node [fontname="{FONT}", fontsize={NAME_PT}, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, fixedsize=true, '
        'margin="0.14,0.06"];',
        f'  edge [fontname="{FONT}", fontsize={SMALL_PT}, arrowsize=0.7, fontcolor="#222222"];',
    ]

    def present(item: Item | None) -> bool:
        if item is None or kind == "difference":
            return True
        return (item.before_count if kind == "before" else item.after_count) > 0

    for name in names:
        item = acts.get(name)
        if not present(item):
            continue
        p = pos[ids[name]]
        geometry = f'pos="{p["pos"]}", width={p["width"]}, height={p["height"]}'
        if kind == "difference":
            label = diff_node_label(name, item, w, chosen.activity_ranks.get(name))
            style = diff_node_style(item)
        else:
            count = (
                item.before_count
                if item and kind == "before"
                else (item.after_count if item else 0)
            )
            median = (
                item.before_median
                if item and kind == "before"
                else (item.after_median if item else math.nan)
            )
            label = side_node_label(name, count, median, w)
            style = ""
        tip = node_tip(name, item, w) if kind == "difference" else name
        lines.append(f"  {ids[name]} [label=<{label}>, {geometry}{style}, tooltip={quoted(tip)}];")
    for s, t, item in edges:
        count = {"before": item.before_count, "after": item.after_count}.get(
            kind, item.after_count or item.before_count
        )
        if kind != "difference" and count == 0:
            continue
        if not (present(acts.get(s)) and present(acts.get(t))):
            continue
        e = epos.get(eids[(s, t)], {})
        geometry = f'pos="{e.get("pos", "")}"'
        if "lp" in e:
            geometry += f', lp="{e["lp"]}"'
        pen = _pen(count, largest)
        if kind == "difference":
            rank = chosen.edge_ranks.get((s, t))
            label = diff_edge_label(item, w, rank)
            attrs, pen = edge_style(item)
        else:
            median = item.before_median if kind == "before" else item.after_median
            label = side_edge_label(count, median, w)
            attrs = f'color="{wait_color(median, w.workday_s)}"'
        tip = edge_tip(s, t, item, w)
        if label:
            label = edge_room(item, w, chosen.edge_ranks.get((s, t)), room, label)
        lines.append(
            f"  {ids[s]} -> {ids[t]} [label=<{label}>, {geometry}, {attrs}, "
            f"penwidth={pen:.2f}, tooltip={quoted(tip)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def map_documents(
    comparison: Comparison,
    words: Words = ENGLISH,
    activities: Limit | str | None = None,
    paths: Limit | str | None = None,
) -> dict[str, dict[str, Any]]:
    """The `map` object of the before and after maps `comparison_maps` draws (what each shows
    and hides of its period), for comparison.json."""
    chosen = comparison_maps(comparison, words, activities, paths)[1]
    return {kind: chosen.side(comparison, kind).document() for kind in ("before", "after")}
