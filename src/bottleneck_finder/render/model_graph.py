"""Discovered models (BPMN, Petri net) and the unit-to-unit hand-off graph as annotated DOT."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..analysis.discover import ModelGraph, Node
from ..model import Analysis
from .graph import (
    ENDPOINT_COLOR,
    FONT,
    MARK_COLOR,
    NODE_BORDER,
    NODE_FILL,
    PALETTE,
    WAIT_TEXT,
    _bucket,
    _count,
    _html,
    _pen,
    _percent,
    _quoted,
    _wrapped,
)
from .text import human_duration

PLUMBING = "#7b8794"
WIDE_TASKS = 15  # models with more tasks are drawn top to bottom
FAST_LAYOUT_NODES = 150  # larger pictures get a bounded Graphviz layout effort
_PALETTE_TEXT = ("#000000", "#000000", "#000000", "#ffffff", "#ffffff", "#ffffff", "#ffffff")


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


def _bounds(values: list[float]) -> tuple[float, float] | None:
    positive = [v for v in values if v > 0 and not math.isnan(v)]
    return (min(positive), max(positive)) if positive else None


def _legend_scale(bounds: tuple[float, float] | None, span: int) -> str:
    n = len(PALETTE)
    if bounds is None or bounds[1] <= bounds[0]:
        return ""
    lo, hi = bounds
    step = (math.log(hi) - math.log(lo)) / n
    cells = []
    for i in range(n):
        edge = math.exp(math.log(lo) + step * max(i, 1))
        value = ("< " if i == 0 else "≥ ") + human_duration(edge)
        cells.append(
            f'<TD BGCOLOR="{PALETTE[i]}" WIDTH="62"><FONT COLOR="{_PALETTE_TEXT[i]}" '
            f'POINT-SIZE="9">{_html(value)}</FONT></TD>'
        )
    return f"<TR>{''.join(cells)}</TR>"


def _table(rows: list[str], scale: str) -> str:
    span = len(PALETTE)
    body = "".join(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{r}</TD></TR>' for r in rows[:1])
    body += scale
    body += "".join(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{r}</TD></TR>' for r in rows[1:])
    return (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" COLOR="#9aa3ad" '
        f'BGCOLOR="#fbfbfb">{body}</TABLE>'
    )


def _wrapped_row(text: str, width: int = 110) -> str:
    """A long legend line wrapped into lines of about `width` characters."""
    import textwrap

    return "".join(_html(line) + '<BR ALIGN="LEFT"/>' for line in textwrap.wrap(text, width))


def _header(name: str, legend: str, rankdir: str, *, fast: bool = False) -> list[str]:
    out = [f"digraph {name} {{"]
    # Large nets (a heuristics net of PermitLog: ~300 nodes, ~450 arcs) take Graphviz a minute
    # with its default effort; bounded crossing minimization and network simplex bring that
    # to about a third, and the picture stays readable.
    effort = "nslimit=2, mclimit=0.3, " if fast else ""
    out.append(
        f'  graph [rankdir={rankdir}, fontname="{FONT}", fontsize=11, nodesep=0.25, '
        f"ranksep=0.35, outputorder=edgesfirst, bgcolor=white, pad=0.3, {effort}"
        f"label=<{legend}>, labelloc=b, labeljust=l];"
    )
    out.append(
        f'  node [fontname="{FONT}", fontsize=10, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, margin="0.12,0.05"];'
    )
    out.append(f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.6, fontcolor="#222222"];')
    return out


def model_dot(graph: ModelGraph, analysis: Analysis, *, top_marked: int = 3) -> str:
    """DOT of a BPMN diagram or Petri net: tasks with times done, median work and median wait
    before them (colour), arcs into a task with that wait, and the bottlenecks marked."""
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
    bounds = _bounds(waits + arc_waits)
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

    rows = [
        "<B>How to read this model</B> ("
        + _html("BPMN" if graph.notation == "bpmn" else "Petri net")
        + ")",
        _html(
            "Box: activity · times done"
            + (" · median work" if work else "")
            + " · median wait before it (box and arrow colour)"
        ),
        _html("Arrow into an activity: median wait before it; width: how often"),
    ]
    if graph.notation == "bpmn":
        rows.append(_html("◇ × exclusive choice · ◇ + parallel split/join · ○ start · ◎ end"))
    else:
        rows.append(_html("○ place · ▮ silent step (skip or loop) · ● start place · ◎ end place"))
    if act_marks:
        rows.append(
            f'<FONT COLOR="{MARK_COLOR}"><B>Red box #1, #2, …</B></FONT>'
            + _html(": the activities with the most total waiting before them")
        )
    if tr_marks:
        rows.append(
            f'<FONT COLOR="{MARK_COLOR}"><B>A1, A2, …</B></FONT>'
            + _html(": the transitions with the most total waiting, shown at their target")
        )
    rows.append(_html(WAIT_TEXT.get(analysis.wait_definition, str(analysis.wait_definition))))
    drawn = {n.label for n in graph.nodes if n.kind == "task"}
    left_out = sorted((a for a in tasks if a not in drawn), key=lambda a: (-tasks[a].count, a))
    if left_out:
        named = ", ".join(f"{a} ({tasks[a].count:,}×)" for a in left_out)
        rows.append(
            _wrapped_row(
                f"Not in the model (left out by the miner as infrequent): {len(left_out)} "
                f"activities: {named}"
            )
        )
    # Small models read left to right; large ones top to bottom, which keeps the picture about
    # three times taller than wide instead of ten times wider than tall (PermitLog).
    rankdir = "LR" if len(drawn) <= WIDE_TASKS else "TB"
    legend = _table(rows, _legend_scale(bounds, len(PALETTE)))
    out = _header("model", legend, rankdir, fast=len(graph.nodes) > FAST_LAYOUT_NODES)

    for node in graph.nodes:
        out.append("  " + _model_node(node, tasks, bounds, act_marks, tr_by_target, work))
    for s, t in graph.arcs:
        out.append("  " + _model_arc(by_id[s], by_id[t], incoming, tasks, pairs, bounds, largest))
    out.append("}")
    return "\n".join(out) + "\n"


def _model_node(
    node: Node,
    tasks: dict[str, _Task],
    bounds: tuple[float, float] | None,
    act_marks: dict[str, tuple[int, dict[str, object]]],
    tr_by_target: dict[str, list[tuple[int, dict[str, object]]]],
    work: bool,
) -> str:
    if node.kind == "start":
        return (
            f'{node.id} [shape=circle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", label="", width=0.25, height=0.25, tooltip="start"];'
        )
    if node.kind == "end":
        return (
            f'{node.id} [shape=doublecircle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", label="", width=0.2, height=0.2, tooltip="end"];'
        )
    if node.kind in ("xor", "and", "or"):
        sign = {"xor": "×", "and": "+", "or": "○"}[node.kind]
        tip = {"xor": "exclusive choice", "and": "parallel", "or": "inclusive choice"}[node.kind]
        return (
            f'{node.id} [shape=diamond, style=filled, fillcolor="#ffffff", color="{PLUMBING}", '
            f'label="{sign}", fontsize=12, width=0.35, height=0.35, margin=0, '
            f'tooltip="{tip}"];'
        )
    if node.kind == "place":
        return (
            f'{node.id} [shape=circle, style=filled, fillcolor="#ffffff", color="{PLUMBING}", '
            'label="", width=0.18, height=0.18, tooltip="place"];'
        )
    if node.kind == "silent":
        return (
            f'{node.id} [shape=box, style=filled, fillcolor="#3a3a3a", color="#3a3a3a", '
            'label="", width=0.08, height=0.3, tooltip="silent step (skip or loop)"];'
        )
    task = tasks.get(node.label)
    stats = ""
    tip = node.label
    colour = PALETTE[0]
    if task is not None:
        stats = f"{_count(task.count)}×"
        if work and not math.isnan(task.work_median_s):
            stats += f" · work {human_duration(task.work_median_s)}"
        if not math.isnan(task.wait_median_s):
            stats += f" · wait {human_duration(task.wait_median_s)}"
            colour = PALETTE[_bucket(task.wait_median_s, bounds)]
        tip += f": {task.count:,} times, median wait before {human_duration(task.wait_median_s)}"
    label = f'{_wrapped(node.label)}<BR/><FONT POINT-SIZE="9" COLOR="#444444">{stats}</FONT>'
    attrs = [f'color="{colour}"', "penwidth=2.5"]
    mark = act_marks.get(node.label)
    if mark is not None:
        rank, row = mark
        label += (
            f'<BR/><FONT POINT-SIZE="9" COLOR="{MARK_COLOR}"><B>#{rank} most waiting before: '
            f"{_percent(float(row['share_of_total_wait']))} of wait</B></FONT>"  # type: ignore[arg-type]
        )
        attrs = [f'color="{MARK_COLOR}"', "penwidth=3.5", 'fillcolor="#fff1ee"']
        tip += f"; bottleneck #{rank}"
    for rank, row in tr_by_target.get(node.label, []):
        text = (
            f"A{rank} after {row['source']}: {human_duration(float(row['wait_median_s']))} "  # type: ignore[arg-type]
            f"median, {_percent(float(row['share_of_total_wait']))} of wait"  # type: ignore[arg-type]
        )
        label += f'<BR/><FONT POINT-SIZE="9" COLOR="{MARK_COLOR}"><B>{_html(text)}</B></FONT>'
        if mark is None:
            attrs = [f'color="{MARK_COLOR}"', "penwidth=3.5", 'fillcolor="#fff1ee"']
    return f"{node.id} [label=<{label}>, {', '.join(attrs)}, tooltip={_quoted(tip)}];"


def _model_arc(
    source: Node,
    target: Node,
    incoming: dict[str, list[str]],
    tasks: dict[str, _Task],
    pairs: dict[tuple[str, str], tuple[int, float]],
    bounds: tuple[float, float] | None,
    largest: int,
) -> str:
    ends = f"{source.id} -> {target.id}"
    if target.kind == "task" and target.label in tasks:
        direct = pairs.get((source.label, target.label)) if source.kind == "task" else None
        if direct is not None:
            count, wait = direct
        elif len(incoming[target.id]) == 1:
            count, wait = tasks[target.label].count, tasks[target.label].wait_median_s
        else:
            count, wait = 0, math.nan
        if count > 0 and not math.isnan(wait):
            colour = PALETTE[_bucket(wait, bounds)]
            return (
                f'{ends} [label="{_count(count)}× · {human_duration(wait)}", color="{colour}", '
                f"penwidth={_pen(count, largest)}];"
            )
    if source.kind == "task" and source.label in tasks:
        return f'{ends} [color="{PLUMBING}", penwidth={_pen(tasks[source.label].count, largest)}];'
    return f'{ends} [color="{PLUMBING}"];'


def handoff_dot(
    pairs: pd.DataFrame, *, level: str = "group", top_marked: int = 3, max_edges: int = 60
) -> str:
    """DOT of the unit-to-unit graph: units with the steps and median wait inside them, arrows
    for hand-offs with how often and the median wait, the largest total waits marked.

    At most `max_edges` arrows are drawn (the most frequent, and the marked ones always), with
    only the units they join: officer-level logs have thousands of hand-offs, which Graphviz
    cannot lay out in reasonable time (they all stay in handoffs.csv)."""
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
    bounds = _bounds(cross["wait_median_s"].astype(float).tolist())
    largest = max([*cross["count"].astype(int).tolist(), 1])
    marks = {
        (str(r["from_group"]), str(r["to_group"])): i + 1
        for i, r in enumerate(cross.head(top_marked).to_dict(orient="records"))
        if float(r["wait_total_s"]) > 0
    }
    who = "unit" if level == "group" else "officer"
    rows = [
        f"<B>{_html(f'Hand-offs between {who}s')}</B>",
        _html(f"Box: {who} · steps that stay inside · their median wait"),
        _html("Arrow: work handed to another " + who + " · times · median wait (colour)"),
        _html("Width: how often (thickest = " + f"{largest:,} times)"),
    ]
    if marks:
        rows.append(
            f'<FONT COLOR="{MARK_COLOR}"><B>#1, #2, …</B></FONT>'
            + _html(": the hand-offs with the most total waiting (share of hand-off waiting)")
        )
    if len(cross) < all_handoffs:
        rows.append(
            _html(
                f"Showing the {len(cross):,} most frequent of {all_handoffs:,} hand-offs "
                "(all are in handoffs.csv)"
            )
        )
    out = _header("handoffs", _table(rows, _legend_scale(bounds, len(PALETTE))), "TB")
    inside = {
        str(r["from_group"]): (int(r["count"]), float(r["wait_median_s"]))
        for r in within.to_dict(orient="records")
    }
    for unit in units:
        stats = ""
        if unit in inside:
            n, m = inside[unit]
            stats = (
                f'<BR/><FONT POINT-SIZE="9" COLOR="#444444">{_count(n)} '
                f"step{'' if n == 1 else 's'} inside · wait {human_duration(m)}</FONT>"
            )
        out.append(f"  {ids[unit]} [label=<{_wrapped(unit)}{stats}>, tooltip={_quoted(unit)}];")
    for r in sorted(
        cross.to_dict(orient="records"),
        key=lambda r: (ids[str(r["from_group"])], ids[str(r["to_group"])]),
    ):
        f, t = str(r["from_group"]), str(r["to_group"])
        wait = float(r["wait_median_s"])
        colour = PALETTE[_bucket(wait, bounds)]
        text = f"{_count(int(r['count']))}× · wait {human_duration(wait)}"
        attrs = [f'color="{colour}"', f"penwidth={_pen(int(r['count']), largest)}"]
        rank = marks.get((f, t))
        if rank is not None:
            share = float(r["wait_total_s"]) / total if total > 0 else 0.0
            text = (
                f'<FONT COLOR="{MARK_COLOR}"><B>#{rank} · {_percent(share)} of wait</B></FONT>'
                f"<BR/>{_html(text)}"
            )
            attrs.append("arrowsize=1.0")
        else:
            text = _html(text)
        tip = f"{f} → {t}: {int(r['count']):,} times, median wait {human_duration(wait)}"
        out.append(
            f"  {ids[f]} -> {ids[t]} [label=<{text}>, {', '.join(attrs)}, tooltip={_quoted(tip)}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"
