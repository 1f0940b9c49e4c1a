"""The difference graph, and the before and after graphs, drawn on one shared layout."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis.compare_types import Comparison
from .compare_text import change_text, status_text
from .dot import (
    FONT,
    MAX_PEN,
    MIN_PEN,
    NODE_BORDER,
    NODE_FILL,
    PALETTE,
    PALETTE_TEXT,
    bucket,
    html,
    quoted,
    wrapped,
)
from .graph import RENDER_TIMEOUT_S, RenderError
from .words import ENGLISH, Words

SLOWER = "#d7301f"
FASTER = "#1a9850"
UNCHANGED = "#8c96a0"
INSUFFICIENT = "#c3c9cf"
NEW = "#99000d"
SLOWER_FILL, FASTER_FILL, NEW_FILL = "#fde0dd", "#e5f5e0", "#fcbba1"
MAX_EDGES = 40

_STATUS_COLOUR = {
    "slower": SLOWER,
    "faster": FASTER,
    "unchanged": UNCHANGED,
    "insufficient": INSUFFICIENT,
    "new": NEW,
    "removed": FASTER,
}


@dataclass(frozen=True)
class _Item:
    """One transition or activity row with the fields the pictures need."""

    status: str
    before_count: int
    after_count: int
    before_median: float
    after_median: float
    added: float


def _item(row: Mapping[Any, Any]) -> _Item:
    return _Item(
        str(row["status"]),
        int(row["before_count"]),
        int(row["after_count"]),
        float(row["before_wait_median_s"]),
        float(row["after_wait_median_s"]),
        float(row["added_wait_per_case_s"]),
    )


def _shown_edges(trans: pd.DataFrame) -> list[tuple[str, str, _Item]]:
    """The changed arrows (largest change in wait per case first), then the busiest others,
    `MAX_EDGES` in all."""
    rows = [(str(r["source"]), str(r["target"]), _item(r)) for r in trans.to_dict("records")]
    changed = sorted(
        (e for e in rows if e[2].status in ("new", "removed", "slower", "faster")),
        key=lambda e: (-abs(e[2].added), e[0], e[1]),
    )[:MAX_EDGES]
    others = sorted(
        (e for e in rows if e not in changed),
        key=lambda e: (-max(e[2].before_count, e[2].after_count), e[0], e[1]),
    )
    keep = changed + others[: max(0, MAX_EDGES - len(changed))]
    return sorted(keep, key=lambda e: (e[0], e[1]))


def _pen(count: int, largest: int) -> float:
    return MIN_PEN + (MAX_PEN - MIN_PEN) * (count / largest if largest > 0 else 0.0)


def _diff_edge_label(item: _Item, w: Words) -> str:
    if item.status == "new":
        wait = w("graph_wait", wait=w.duration(item.after_median))
        return f"<B>{html(w('cg_new'))}</B> · {html(wait)}"
    if item.status == "removed":
        return html(w("cg_gone", was=w.duration(item.before_median)))
    text = html(change_text(item.before_median, item.after_median, w))
    return f"<B>{text}</B>" if item.status in ("slower", "faster") else text


def _times(count: int, w: Words) -> str:
    return w("graph_times", count=w.count(count))


def _side_edge_label(count: int, median: float, w: Words) -> str:
    return html(_times(count, w) + " · " + w("graph_wait", wait=w.duration(median)))


def _diff_node_label(name: str, item: _Item | None, w: Words) -> str:
    label = wrapped(name)
    if item is None:
        return label
    if item.status == "new":
        stats = f"<B>{html(w('cg_new'))}</B> · {html(_times(item.after_count, w))}"
    elif item.status == "removed":
        stats = html(w("cg_gone", was=_times(item.before_count, w)))
    elif math.isnan(item.before_median) and math.isnan(item.after_median):
        stats = html(f"{_times(item.before_count, w)} → {_times(item.after_count, w)}")
    else:
        stats = html(w("graph_wait", wait=change_text(item.before_median, item.after_median, w)))
    return f'{label}<BR/><FONT POINT-SIZE="9">{stats}</FONT>'


def _side_node_label(name: str, count: int, median: float, w: Words) -> str:
    wait = "" if math.isnan(median) else " · " + w("cg_wait_before", wait=w.duration(median))
    stats = html(_times(count, w) + wait)
    return f'{wrapped(name)}<BR/><FONT POINT-SIZE="9" COLOR="#444444">{stats}</FONT>'


def _layout(source: str) -> dict[str, Any]:
    """Graphviz `dot` positions of `source`, as its JSON output."""
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            "Graphviz is not installed, so the comparison graphs cannot be drawn",
            fix="install it (apt-get install graphviz / brew install graphviz) and run again",
        )
    try:
        done = subprocess.run(
            [exe, "-Tjson"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"Graphviz took longer than {RENDER_TIMEOUT_S} s to lay out the comparison graph"
        ) from exc
    except OSError as exc:
        raise RenderError(f"Graphviz could not be run: {exc}") from exc
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise RenderError(f"Graphviz failed to lay out the comparison graph: {detail}")
    result: dict[str, Any] = json.loads(done.stdout.decode("utf-8"))
    return result


def _legend(
    kind: str,
    comparison: Comparison,
    bounds: tuple[float, float] | None,
    hidden: int,
    w: Words,
) -> str:
    rows: list[str] = []

    def row(text: str) -> None:
        rows.append(f'<TR><TD ALIGN="LEFT" COLSPAN="{len(PALETTE)}">{text}</TD></TR>')

    c = comparison.cases
    options = comparison.options
    level = round((1.0 - options.alpha) * 100)
    if kind == "difference":
        row(f"<B>{html(w('cg_diff_title'))}</B>")
        row(html(w("cg_cases", change=change_text(c.before_median_s, c.after_median_s, w))))
        row(html(w("cg_text")))
        for colour, text in (
            (SLOWER, w("cg_slower", alpha=w.fixed(options.alpha, "g"), level=level)),
            (FASTER, w("cg_faster")),
            (NEW, w("cg_new_row")),
            (UNCHANGED, w("cg_unchanged")),
            (INSUFFICIENT, w("cg_insufficient", count=options.min_count)),
        ):
            row(f'<FONT COLOR="{colour}"><B>━━</B></FONT> {html(text)}')
        row(html(w("cg_width")))
    else:
        row(f"<B>{html(w(f'cg_title_{kind}'))}</B>")
        side = comparison.before if kind == "before" else comparison.after
        median = c.before_median_s if kind == "before" else c.after_median_s
        row(html(w("cg_side_cases", cases=w.count(side.cases), median=w.duration(median))))
        row(html(w("cg_side_text")))
        if bounds is not None and bounds[1] > bounds[0]:
            lo, hi = bounds
            step = (math.log(hi) - math.log(lo)) / len(PALETTE)
            cells = "".join(
                f'<TD BGCOLOR="{PALETTE[i]}"><FONT POINT-SIZE="8" COLOR="{PALETTE_TEXT[i]}">'
                f"{html(('≥ ' if i else '< ') + _edge_value(lo, step, i, w))}"
                "</FONT></TD>"
                for i in range(len(PALETTE))
            )
            row(html(w("cg_colour")))
            rows.append(f"<TR>{cells}</TR>")
        row(html(w("cg_same_layout")))
    shown = len(_shown_edges(comparison.transitions))
    if shown < len(comparison.transitions) or hidden:
        row(
            html(
                w(
                    "cg_shown",
                    shown=shown,
                    total=len(comparison.transitions),
                    hidden=hidden,
                )
            )
        )
    return (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2" COLOR="#9aa3ad" '
        f'BGCOLOR="#fbfbfb">{"".join(rows)}</TABLE>'
    )


def _edge_value(lo: float, step: float, i: int, w: Words) -> str:
    """The lower edge of palette bucket `i` (the upper edge of the first bucket for i = 0)."""
    return w.duration(math.exp(math.log(lo) + step * max(i, 1)))


def comparison_dots(comparison: Comparison, words: Words = ENGLISH) -> dict[str, str]:
    """DOT sources of the `difference`, `before` and `after` graphs in `words`, with the same
    node positions and arrow routes (laid out once by `dot` over the union of both periods,
    then drawn with the `nop2` engine, which keeps given positions)."""
    w = words
    acts = {str(r["activity"]): _item(r) for r in comparison.activities.to_dict("records")}
    edges = _shown_edges(comparison.transitions)
    linked = {e[0] for e in edges} | {e[1] for e in edges}
    # activities left without a drawn arrow are not drawn (the legend counts them)
    names = sorted(linked) if linked else sorted(acts)
    hidden = len(set(acts) - set(names))
    ids = {name: f"a{i}" for i, name in enumerate(names)}
    eids = {(s, t): f"e{i}" for i, (s, t, _) in enumerate(edges)}

    def longest(name: str) -> str:
        item = acts.get(name)
        candidates = [_diff_node_label(name, item, w)]
        if item is not None:
            candidates.append(_side_node_label(name, item.before_count, item.before_median, w))
            candidates.append(_side_node_label(name, item.after_count, item.after_median, w))
        return max(candidates, key=lambda s: len(s.split("<BR/>")[-1]))

    layout_lines = [
        "digraph layout {",
        "  graph [rankdir=TB, nslimit=2, nslimit1=2, searchsize=10, "
        f'fontname="{FONT}", fontsize=11, nodesep=0.35, ranksep=0.5, '
        f"label=<{_legend('difference', comparison, None, hidden, w)}>, labelloc=b, "
        "labeljust=c];",
        f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", '
        'margin="0.14,0.06", penwidth=3];',
        f'  edge [fontname="{FONT}", fontsize=9];',
    ]
    for name in names:
        layout_lines.append(f"  {ids[name]} [label=<{longest(name)}>];")
    largest = max([max(i.before_count, i.after_count) for _, _, i in edges] + [1])
    for s, t, item in edges:
        layout_lines.append(
            f"  {ids[s]} -> {ids[t]} [id={eids[(s, t)]}, label=<{_diff_edge_label(item, w)}>, "
            f"weight={1 + round(9 * max(item.before_count, item.after_count) / largest)}];"
        )
    layout_lines.append("}")
    laid = _layout("\n".join(layout_lines) + "\n")
    pos = {o["name"]: o for o in laid.get("objects", [])}
    epos = {e.get("id"): e for e in laid.get("edges", [])}
    frame = (laid["bb"], laid.get("lp", "0,0"))

    medians = [
        m
        for _, _, i in edges
        for m in (i.before_median, i.after_median)
        if not math.isnan(m) and m > 0
    ]
    bounds = (min(medians), max(medians)) if medians else None
    out = {}
    for kind in ("difference", "before", "after"):
        out[kind] = _picture(
            kind,
            comparison,
            names,
            ids,
            acts,
            edges,
            eids,
            pos,
            epos,
            frame,
            bounds,
            largest,
            hidden,
            w,
        )
    return out


def _picture(
    kind: str,
    comparison: Comparison,
    names: list[str],
    ids: dict[str, str],
    acts: dict[str, _Item],
    edges: list[tuple[str, str, _Item]],
    eids: dict[tuple[str, str], str],
    pos: dict[str, Any],
    epos: dict[Any, Any],
    frame: tuple[str, str],
    bounds: tuple[float, float] | None,
    largest: int,
    hidden: int,
    w: Words,
) -> str:
    bb, lp = frame
    lines = [
        f"digraph {kind} {{",
        f'  graph [layout=nop2, bb="{bb}", lp="{lp}", fontname="{FONT}", fontsize=11, '
        f"label=<{_legend(kind, comparison, bounds, hidden, w)}>, labelloc=b, labeljust=c, "
        "outputorder=edgesfirst, bgcolor=white, pad=0.3];",
        f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, fixedsize=true, '
        'margin="0.14,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.7, fontcolor="#222222"];',
    ]

    def present(item: _Item | None) -> bool:
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
            label = _diff_node_label(name, item, w)
            style = _diff_node_style(item)
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
            label = _side_node_label(name, count, median, w)
            style = ""
        lines.append(f"  {ids[name]} [label=<{label}>, {geometry}{style}, tooltip={quoted(name)}];")
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
            label = _diff_edge_label(item, w)
            colour = _STATUS_COLOUR.get(item.status, UNCHANGED)
            text_colour = colour if item.status != "unchanged" else "#444444"
            attrs = f'color="{colour}", fontcolor="{text_colour}"'
            if item.status == "new":
                pen = max(pen, 4.0)
                attrs += ", arrowsize=1.0"
            if item.status == "removed":
                attrs += ", style=dashed"
            if item.status == "insufficient":
                attrs += ", style=dotted"
        else:
            median = item.before_median if kind == "before" else item.after_median
            label = _side_edge_label(count, median, w)
            attrs = f'color="{PALETTE[bucket(median, bounds)]}"'
        change = change_text(item.before_median, item.after_median, w)
        tip = f"{s} → {t}: {change}, {status_text(item.status, w)}"
        lines.append(
            f"  {ids[s]} -> {ids[t]} [label=<{label}>, {geometry}, {attrs}, "
            f"penwidth={pen:.2f}, tooltip={quoted(tip)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _diff_node_style(item: _Item | None) -> str:
    if item is None:
        return ""
    if item.status == "new":
        return f', color="{NEW}", fillcolor="{NEW_FILL}", penwidth=3'
    if item.status == "removed":
        return f', style="rounded,dashed,filled", color="{FASTER}", fontcolor="#555555"'
    if item.status == "slower":
        return f', color="{SLOWER}", fillcolor="{SLOWER_FILL}", penwidth=2.5'
    if item.status == "faster":
        return f', color="{FASTER}", fillcolor="{FASTER_FILL}", penwidth=2.5'
    return ""
