"""Discovered models (BPMN, Petri net) and the unit-to-unit hand-off graph as annotated DOT."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..analysis.discover import ModelGraph, Node, Projection
from ..model import Analysis
from .dot import (
    ENDPOINT_COLOR,
    FONT,
    LEGEND_TABLE,
    MARK_COLOR,
    NODE_BORDER,
    NODE_FILL,
    PALETTE,
    bounds,
    bucket,
    html,
    pen,
    quoted,
    scale_row,
    wait_color,
    wait_scale_row,
    wait_text,
    wrapped,
    wrapped_row,
)
from .graphviz import dot_available, render_plain
from .words import ENGLISH, Words

PLUMBING = "#7b8794"
WIDE_TASKS = 15  # models with more tasks are drawn top to bottom
TEXT_PT = 12
"""The one text size of a model picture: at the report's 180 mm (510 pt) column a picture up to
`FIT_WIDTH_PT` wide keeps it at 6 pt or more."""
FIT_WIDTH_PT = 85.0 * TEXT_PT
FIT_HEIGHT_PT = 1400.0  # the tallest picture once scaled to that column
PRINT_WIDTH_PT, PRINT_HEIGHT_PT, PRINT_TEXT_PT = 509.0, 567.0, 6.1
"""A printed report's figure: the A4 column and 200 mm of height, its text kept at 6.1 pt."""
COLUMN_PT = 510.0
PAD_IN = 0.3
LEGEND_WRAP = 70  # characters of a legend line before it wraps
MARK_WRAP = 30  # … and of a bottleneck mark in a box
NAMED_LEFT_OUT = 12  # the legend names at most this many activities left out of the model
FAST_LAYOUT_NODES = 150  # larger pictures get a bounded Graphviz layout effort


@dataclass(frozen=True)
class _Task:
    count: int
    work_median_s: float
    wait_median_s: float
    wait_total_s: float


def _tasks(analysis: Analysis) -> dict[str, _Task]:
    acts = analysis.activities
    return {
        str(r["activity"]): _Task(
            int(r["count"]),
            float(r["processing_median_s"]),
            float(r["wait_before_median_s"]),
            float(r["wait_before_total_s"]),
        )
        for r in acts.to_dict(orient="records")
    }


def _pairs(analysis: Analysis) -> dict[tuple[str, str], tuple[int, float]]:
    t = analysis.transitions
    return {
        (str(s), str(g)): (int(c), float(m))
        for s, g, c, m in zip(t["source"], t["target"], t["count"], t["wait_median_s"], strict=True)
    }


def _marks(analysis: Analysis, kind: str, top: int) -> list[dict[str, object]]:
    b = analysis.bottlenecks
    if len(b) == 0:
        return []
    rows = b[(b["kind"] == kind) & (b["wait_total_s"] > 0)].sort_values("rank", kind="stable")
    return [{str(k): v for k, v in r.items()} for r in rows.head(top).to_dict(orient="records")]


def _table(rows: list[str], scale: str) -> str:
    span = len(PALETTE)
    body = "".join(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{r}</TD></TR>' for r in rows[:1])
    body += scale
    body += "".join(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{r}</TD></TR>' for r in rows[1:])
    return f"{LEGEND_TABLE}{body}</TABLE>"


def _header(
    name: str,
    legend: str,
    rankdir: str,
    *,
    fast: bool = False,
    sizes: tuple[int, ...] = (),
    ranksep: float = 0.35,
) -> list[str]:
    graph_pt, node_pt, edge_pt = sizes or (TEXT_PT, TEXT_PT, TEXT_PT)
    out = [f"digraph {name} {{"]
    # Large nets (a heuristics net of PermitLog: ~300 nodes, ~450 arcs) take Graphviz a minute
    # with its default effort; bounded crossing minimization and network simplex bring that
    # to about a third, and the picture stays readable.
    effort = "nslimit=2, mclimit=0.3, " if fast else ""
    out.append(
        f'  graph [rankdir={rankdir}, fontname="{FONT}", fontsize={graph_pt}, nodesep=0.25, '
        f"ranksep={ranksep}, outputorder=edgesfirst, bgcolor=white, pad=0.3, {effort}"
        f"label=<{legend}>, labelloc=b, labeljust=l];"
    )
    out.append(
        f'  node [fontname="{FONT}", fontsize={node_pt}, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, margin="0.12,0.05"];'
    )
    out.append(
        f'  edge [fontname="{FONT}", fontsize={edge_pt}, arrowsize=0.6, fontcolor="#222222"];'
    )
    return out


def model_dot(
    graph: ModelGraph,
    analysis: Analysis,
    *,
    top_marked: int = 3,
    words: Words = ENGLISH,
    rankdir: str | None = None,
    projection: Projection | None = None,
    fit: bool = True,
    printed: bool = False,
) -> str:
    """DOT of a BPMN diagram or Petri net: tasks with times done, median work and median wait
    before them (colour on the fixed wait scale), arcs between two tasks with that pair's
    wait, and the bottlenecks marked; in `words`, drawn in the `rankdir` direction (LR or TB;
    by default LR for small models, TB for large ones). With a `projection` that left
    activities out, the legend counts them instead of naming them.

    With `fit` (and Graphviz), the picture is laid out to fit a 180 mm column with its text at
    6 pt or more (`FIT_WIDTH_PT`, `FIT_HEIGHT_PT`, measured with `dot -Tplain`): top to bottom
    first (or in `rankdir`), then without the arcs' labels (their figures are on the boxes),
    then left to right, then with tighter ranks; else the one that misses least. `printed`
    fits the figure of a printed report instead: the A4 column and 200 mm of height
    (`PRINT_WIDTH_PT`, `PRINT_HEIGHT_PT`) with its text at `PRINT_TEXT_PT` or more."""
    w, duration = words, words.duration
    tasks = _tasks(analysis)
    pairs = _pairs(analysis)
    by_id = {n.id: n for n in graph.nodes}
    incoming: dict[str, list[str]] = {n.id: [] for n in graph.nodes}
    for s, t in graph.arcs:
        incoming[t].append(s)
    waits = [tasks[n.label].wait_median_s for n in graph.nodes if n.label in tasks]
    arc_waits = [
        pairs[(by_id[s].label, by_id[t].label)][1]
        for s, t in graph.arcs
        if (by_id[s].label, by_id[t].label) in pairs
    ]
    scale = bounds(waits + arc_waits)  # the handoff picture's scale; the model's is fixed
    largest = max([t.count for t in tasks.values()] + [1])
    act_marks = {
        str(m["activity"]): (i + 1, m)
        for i, m in enumerate(_marks(analysis, "activity", top_marked))
    }
    tr_marks = _marks(analysis, "transition", top_marked)
    tr_by_target: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for i, m in enumerate(tr_marks):
        tr_by_target.setdefault(str(m["target"]), []).append((i + 1, m))
    work = analysis.log.has_start_times

    notation = w("model_bpmn" if graph.notation == "bpmn" else "model_petri")
    rows = [
        f"<B>{html(w('model_legend_title'))}</B> ({html(notation)})",
        wrapped_row(w("model_legend_box_work" if work else "model_legend_box"), LEGEND_WRAP),
        wrapped_row(w("model_legend_arrow"), LEGEND_WRAP),
        wrapped_row(
            w("model_legend_bpmn" if graph.notation == "bpmn" else "model_legend_petri"),
            LEGEND_WRAP,
        ),
    ]
    if act_marks:
        head = w("model_legend_act_head")
        rows.append(
            f'<FONT COLOR="{MARK_COLOR}"><B>{html(head)}</B></FONT>'
            + wrapped_row(w("model_legend_act"), LEGEND_WRAP - len(head))
        )
    if tr_marks:
        rows.append(
            f'<FONT COLOR="{MARK_COLOR}"><B>A1, A2, …</B></FONT>'
            + wrapped_row(w("model_legend_arcs"), LEGEND_WRAP - 10)
        )
    rows.append(wrapped_row(wait_text(w, str(analysis.wait_definition)), LEGEND_WRAP))
    drawn = {n.label for n in graph.nodes if n.kind == "task"}
    mined = set(tasks) if projection is None or not projection.left_out else set(projection.names)
    if projection is not None and projection.left_out:
        rows.append(
            wrapped_row(
                w(
                    "model_projected",
                    mined=w.count(projection.mined),
                    total=w.count(projection.total),
                    left_out=w.count(projection.left_out),
                    events=w.count(projection.events_left_out),
                ),
                LEGEND_WRAP,
            )
        )
    if projection is not None and projection.stepped_from:
        rows.append(
            wrapped_row(
                w(
                    "model_stepped_down",
                    asked=w.count(projection.stepped_from),
                    shown=w.count(projection.mined),
                ),
                LEGEND_WRAP,
            )
        )
    left_out = sorted(
        (a for a in tasks if a not in drawn and a in mined), key=lambda a: (-tasks[a].count, a)
    )
    if left_out:
        named = ", ".join(
            f"{a} ({w('graph_times', count=w.count(tasks[a].count))})"
            for a in left_out[:NAMED_LEFT_OUT]
        )
        if len(left_out) > NAMED_LEFT_OUT:
            named += w("model_and_more", count=w.count(len(left_out) - NAMED_LEFT_OUT))
        rows.append(
            wrapped_row(w("model_left_out", count=str(len(left_out)), named=named), LEGEND_WRAP)
        )
    legend = _table(rows, wait_scale_row(w))
    look = _Look(w, duration, scale, largest)

    def draw(direction: str, arc_labels: bool, ranksep: float = 0.35) -> str:
        fast = len(graph.nodes) > FAST_LAYOUT_NODES
        out = _header("model", legend, direction, fast=fast, ranksep=ranksep)
        for node in graph.nodes:
            out.append("  " + _model_node(look, node, tasks, act_marks, tr_by_target, work))
        for s, t in graph.arcs:
            out.append(
                "  " + _model_arc(look, by_id[s], by_id[t], incoming, tasks, pairs, arc_labels)
            )
        out.append("}")
        return "\n".join(out) + "\n"

    if not fit or not dot_available():
        # Small models read left to right; large ones top to bottom (PermitLog).
        if rankdir is None:
            rankdir = "LR" if len(drawn) <= WIDE_TASKS else "TB"
        return draw(rankdir, True)
    tries = [(rankdir or "TB", True, 0.35), (rankdir or "TB", False, 0.35)]
    if rankdir is None:
        tries.append(("LR", False, 0.35))
    tries += [(rankdir or "TB", False, 0.15), (rankdir or "TB", False, 0.05)]
    best: tuple[float, str] = (math.inf, "")
    if printed and ("LR", False, 0.35) not in tries:
        tries.append(("LR", False, 0.35))
    for direction, arc_labels, ranksep in tries:
        dot = draw(direction, arc_labels, ranksep)
        width, height = _layout_size(dot)
        if printed:  # the text size once the page shrinks the picture into its frame
            most = TEXT_PT / PRINT_TEXT_PT
            miss = max(width / (PRINT_WIDTH_PT * most), height / (PRINT_HEIGHT_PT * most))
            if miss <= 1.0:
                return dot
        else:
            scale_at = min(1.0, COLUMN_PT / width) if width > 0 else 1.0
            if width <= FIT_WIDTH_PT and height * scale_at <= FIT_HEIGHT_PT:
                return dot
            # how far from fitting: the larger overshoot of width and scaled height
            miss = max(width / FIT_WIDTH_PT, height * scale_at / FIT_HEIGHT_PT)
        if miss < best[0]:
            best = (miss, dot)
    return best[1]


def model_fits(dot_source: str) -> bool:
    """Whether a model picture fits a 180 mm column with its text at 6 pt or more."""
    width, height = _layout_size(dot_source)
    scale_at = min(1.0, COLUMN_PT / width) if width > 0 else 1.0
    return width <= FIT_WIDTH_PT and height * scale_at <= FIT_HEIGHT_PT


def _layout_size(dot_source: str) -> tuple[float, float]:
    """Width and height in points of the picture Graphviz makes of `dot_source`."""
    head = render_plain(dot_source).split("\n", 1)[0].split()
    return (float(head[2]) + 2 * PAD_IN) * 72.0, (float(head[3]) + 2 * PAD_IN) * 72.0


@dataclass(frozen=True)
class _Look:
    """How a model is drawn: its words, duration format, wait scale and largest count."""

    words: Words
    duration: Callable[[float], str]
    scale: tuple[float, float] | None
    largest: int


def _model_node(
    look: _Look,
    node: Node,
    tasks: dict[str, _Task],
    act_marks: dict[str, tuple[int, dict[str, object]]],
    tr_by_target: dict[str, list[tuple[int, dict[str, object]]]],
    work: bool,
) -> str:
    w, duration = look.words, look.duration
    if node.kind == "start":
        return (
            f'{node.id} [shape=circle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", label="", width=0.25, height=0.25, '
            f"tooltip={quoted(w('graph_start'))}];"
        )
    if node.kind == "end":
        return (
            f'{node.id} [shape=doublecircle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", label="", width=0.2, height=0.2, '
            f"tooltip={quoted(w('graph_end'))}];"
        )
    if node.kind in ("xor", "and", "or"):
        sign = {"xor": "×", "and": "+", "or": "○"}[node.kind]
        return (
            f'{node.id} [shape=diamond, style=filled, fillcolor="#ffffff", color="{PLUMBING}", '
            f'label="{sign}", fontsize=12, width=0.35, height=0.35, margin=0, '
            f"tooltip={quoted(w(f'model_{node.kind}'))}];"
        )
    if node.kind == "place":
        return (
            f'{node.id} [shape=circle, style=filled, fillcolor="#ffffff", color="{PLUMBING}", '
            f'label="", width=0.18, height=0.18, tooltip={quoted(w("model_place"))}];'
        )
    if node.kind == "silent":
        return (
            f'{node.id} [shape=box, style=filled, fillcolor="#3a3a3a", color="#3a3a3a", '
            f'label="", width=0.08, height=0.3, tooltip={quoted(w("model_silent"))}];'
        )
    task = tasks.get(node.label)
    stats = ""
    tip = node.label
    colour = PALETTE[0]
    if task is not None:
        stats = w("graph_times", count=w.count(task.count))
        if work and not math.isnan(task.work_median_s):
            stats += " · " + w("graph_work", work=duration(task.work_median_s))
        if not math.isnan(task.wait_median_s):
            stats += " · " + w("graph_wait", wait=duration(task.wait_median_s))
            colour = wait_color(task.wait_median_s, w.workday_s)
        tip = w(
            "model_task_tip",
            name=node.label,
            count=w.count(task.count),
            wait=duration(task.wait_median_s),
        )
    label = f'{wrapped(node.label)}<BR/><FONT COLOR="#444444">{html(stats)}</FONT>'
    attrs = [f'color="{colour}"', "penwidth=2.5"]
    mark = act_marks.get(node.label)
    if mark is not None:
        rank, row = mark
        text = w("model_mark", rank=rank, share=w.percent(_share(row)))
        label += f'<BR/><FONT COLOR="{MARK_COLOR}"><B>{wrapped(text, MARK_WRAP)}</B></FONT>'
        attrs = [f'color="{MARK_COLOR}"', "penwidth=3.5", 'fillcolor="#fff1ee"']
        tip += w("model_mark_tip", rank=rank)
    for rank, row in tr_by_target.get(node.label, []):
        text = w(
            "model_arc_mark",
            rank=rank,
            source=row["source"],
            wait=duration(float(row["wait_median_s"])),  # type: ignore[arg-type]
            share=w.percent(_share(row)),
        )
        label += f'<BR/><FONT COLOR="{MARK_COLOR}"><B>{wrapped(text, MARK_WRAP)}</B></FONT>'
        if mark is None:
            attrs = [f'color="{MARK_COLOR}"', "penwidth=3.5", 'fillcolor="#fff1ee"']
    return f"{node.id} [label=<{label}>, {', '.join(attrs)}, tooltip={quoted(tip)}];"


def _share(row: dict[str, object]) -> float:
    return float(row["share_of_total_wait"])  # type: ignore[arg-type]


def _model_arc(
    look: _Look,
    source: Node,
    target: Node,
    incoming: dict[str, list[str]],
    tasks: dict[str, _Task],
    pairs: dict[tuple[str, str], tuple[int, float]],
    label: bool = True,
) -> str:
    w, largest = look.words, look.largest
    ends = f"{source.id} -> {target.id}"
    if target.kind == "task" and target.label in tasks:
        direct = pairs.get((source.label, target.label)) if source.kind == "task" else None
        if direct is not None:
            n, wait = direct
        elif len(incoming[target.id]) == 1:
            n, wait = tasks[target.label].count, tasks[target.label].wait_median_s
        else:
            n, wait = 0, math.nan
        if n > 0 and not math.isnan(wait):
            colour = wait_color(wait, w.workday_s)
            text = w("graph_times", count=w.count(n)) + " · " + look.duration(wait)
            attrs = f'color="{colour}", penwidth={pen(n, largest)}'
            if not label:
                return f"{ends} [{attrs}, tooltip={quoted(text)}];"
            return f"{ends} [label={quoted(text)}, {attrs}];"
    if source.kind == "task" and source.label in tasks:
        return f'{ends} [color="{PLUMBING}", penwidth={pen(tasks[source.label].count, largest)}];'
    return f'{ends} [color="{PLUMBING}"];'


def handoff_dot(
    pairs: pd.DataFrame,
    *,
    level: str = "group",
    top_marked: int = 3,
    max_edges: int = 60,
    words: Words = ENGLISH,
) -> str:
    """DOT of the unit-to-unit graph: units with the steps and median wait inside them, arrows
    for hand-offs with how often and the median wait, the largest total waits marked.

    At most `max_edges` arrows are drawn (the most frequent, and the marked ones always), with
    only the units they join: officer-level logs have thousands of hand-offs, which Graphviz
    cannot lay out in reasonable time (they all stay in handoffs.csv). In `words`."""
    w = words
    within = pairs[~pairs["handoff"]]
    cross = (
        pairs[pairs["handoff"]]
        .sort_values(
            ["wait_total_s", "from_group", "to_group"], ascending=[False, True, True], kind="stable"
        )
        .reset_index(drop=True)
    )
    all_handoffs = len(cross)
    total = float(cross["wait_total_s"].sum())  # shares are of all hand-off waiting
    if all_handoffs > max_edges:
        frequent = cross.sort_values(
            ["count", "from_group", "to_group"], ascending=[False, True, True], kind="stable"
        ).head(max_edges)
        keep = cross.index.isin(frequent.index) | cross.index.isin(cross.head(top_marked).index)
        cross = cross[keep]
        joined = set(cross["from_group"].astype(str)) | set(cross["to_group"].astype(str))
        within = within[within["from_group"].astype(str).isin(joined)]
        units = sorted(joined)
    else:
        units = sorted(set(pairs["from_group"].astype(str)) | set(pairs["to_group"].astype(str)))
    ids = {u: f"u{i}" for i, u in enumerate(units)}
    scale = bounds(cross["wait_median_s"].astype(float).tolist())
    largest = max([*cross["count"].astype(int).tolist(), 1])
    marks = {
        (str(r["from_group"]), str(r["to_group"])): i + 1
        for i, r in enumerate(cross.head(top_marked).to_dict(orient="records"))
        if float(r["wait_total_s"]) > 0
    }
    who = "group" if level == "group" else "resource"
    rows = [
        f"<B>{html(w(f'ho_title_{who}'))}</B>",
        html(w(f"ho_box_{who}")),
        html(w(f"ho_arrow_{who}")),
        html(w("graph_legend_width", count=w.count(largest))),
    ]
    if marks:
        rows.append(f'<FONT COLOR="{MARK_COLOR}"><B>#1, #2, …</B></FONT>' + html(w("ho_marks")))
    if len(cross) < all_handoffs:
        rows.append(html(w("ho_showing", shown=w.count(len(cross)), total=w.count(all_handoffs))))
    out = _header("handoffs", _table(rows, scale_row(scale, w.duration)), "TB", sizes=(11, 10, 9))
    inside = {
        str(r["from_group"]): (int(r["count"]), float(r["wait_median_s"]))
        for r in within.to_dict(orient="records")
    }
    for unit in units:
        stats = ""
        if unit in inside:
            n, m = inside[unit]
            inside_text = w(
                "ho_inside_one" if n == 1 else "ho_inside", count=w.count(n), wait=w.duration(m)
            )
            stats = f'<BR/><FONT POINT-SIZE="9" COLOR="#444444">{html(inside_text)}</FONT>'

        out.append(f"  {ids[unit]} [label=<{wrapped(unit)}{stats}>, tooltip={quoted(unit)}];")
    for r in sorted(
        cross.to_dict(orient="records"),
        key=lambda r: (ids[str(r["from_group"])], ids[str(r["to_group"])]),
    ):
        f, t = str(r["from_group"]), str(r["to_group"])
        wait = float(r["wait_median_s"])
        colour = PALETTE[bucket(wait, scale)]
        n = int(r["count"])
        text = w("graph_times", count=w.count(n)) + " · " + w("graph_wait", wait=w.duration(wait))
        attrs = [f'color="{colour}"', f"penwidth={pen(int(r['count']), largest)}"]
        rank = marks.get((f, t))
        if rank is not None:
            share = float(r["wait_total_s"]) / total if total > 0 else 0.0
            head = html(w("graph_mark", rank=rank, share=w.percent(share)))
            text = f'<FONT COLOR="{MARK_COLOR}"><B>{head}</B></FONT><BR/>{html(text)}'
            attrs.append("arrowsize=1.0")
        else:
            text = html(text)
        tip = w("ho_tip", source=f, target=t, count=w.count(n), wait=w.duration(wait))
        out.append(
            f"  {ids[f]} -> {ids[t]} [label=<{text}>, {', '.join(attrs)}, tooltip={quoted(tip)}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"
