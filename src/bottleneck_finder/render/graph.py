"""The process map: an `Analysis` as Graphviz DOT source, and DOT rendered to SVG, PNG or PDF."""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..errors import BottleneckError
from ..model import Analysis
from .dot import (
    ENDPOINT_COLOR,
    ENDPOINT_EDGE,
    FONT,
    LEGEND_TABLE,
    MARK_COLOR,
    MARK_MIN_PEN,
    MARK_OUTLINE,
    MAX_PEN,
    MIN_PEN,
    NODE_BORDER,
    NODE_FILL,
    PALETTE,
    bounds,
    bucket,
    html,
    pen,
    quoted,
    scale_row,
    to_float,
    wait_text,
    weight,
    wrapped,
)
from .words import ENGLISH, Words

__all__ = [
    "CAUSE_COLORS",
    "FONT",
    "MAX_PEN",
    "MIN_PEN",
    "NODE_BORDER",
    "NODE_FILL",
    "PALETTE",
    "GraphOptions",
    "RenderError",
    "dot_available",
    "picture_files",
    "process_dot",
    "render_dot",
]

FORMATS = ("svg", "png", "pdf")
PNG_DPI = 150
RENDER_TIMEOUT_S = 300
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
ISOLATED_COLUMNS = 5
# Graphviz's practical size: more arrows or unlinked boxes are left out, and the legend says so.
MAX_DRAWN_EDGES, MAX_ISOLATED = 150, 50


class RenderError(BottleneckError):
    """The graph cannot be rendered: Graphviz is missing or failed."""

    exit_code = 9


@dataclass(frozen=True)
class GraphOptions:
    """What the process map shows, in which words.

    `top_marked` transition bottlenecks are marked #1, #2, …; at most `max_edges` arrows are drawn
    (the most frequent first, `None` for all); arrows carrying less than `min_share` of all
    transition occurrences are hidden (and start / end arrows under `min_share` of the cases). A
    marked bottleneck is never hidden; activities left without arrows stay, grouped at the bottom.
    """

    top_marked: int = 3
    max_edges: int | None = 60
    min_share: float = 0.0
    title: str | None = None
    edge_causes: tuple[tuple[str, str, str, float], ...] | None = None
    """With `(source, target, cause, share)` rows (`analysis.causes.dominant_causes`), each
    arrow is coloured by its dominant waiting cause instead of its median wait."""
    words: Words = ENGLISH
    """The map's language and durations (with `workday_s`, in the calendar's working days)."""


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    count: int
    wait_median_s: float
    wait_p90_s: float
    wait_total_s: float


@dataclass(frozen=True)
class _Mark:
    rank: int
    share: float


@dataclass(frozen=True)
class _Say:
    """The map's words and its duration format."""

    words: Words
    duration: Callable[[float], str]


def _edges(transitions: pd.DataFrame) -> list[_Edge]:
    """Transitions by count descending, ties by source then target."""
    if len(transitions) == 0:
        return []
    rows = zip(
        transitions["source"].astype(str).tolist(),
        transitions["target"].astype(str).tolist(),
        transitions["count"].tolist(),
        transitions["wait_median_s"].tolist(),
        transitions["wait_p90_s"].tolist(),
        transitions["wait_total_s"].tolist(),
        strict=True,
    )
    edges = [
        _Edge(s, t, int(c), to_float(m), to_float(p), to_float(w)) for s, t, c, m, p, w in rows
    ]
    return sorted(edges, key=lambda e: (-e.count, e.source, e.target))


def _marks(analysis: Analysis, top: int) -> dict[tuple[str, str], _Mark]:
    """The top transition bottlenecks (with some waiting at all), by rank."""
    b = analysis.bottlenecks
    if top <= 0 or len(b) == 0:
        return {}
    t = b[b["kind"] == "transition"].sort_values("rank", kind="stable")
    marks: dict[tuple[str, str], _Mark] = {}
    for s, tg, total, share in zip(
        t["source"].astype(str).tolist(),
        t["target"].astype(str).tolist(),
        t["wait_total_s"].tolist(),
        t["share_of_total_wait"].tolist(),
        strict=True,
    ):
        if len(marks) >= top:
            break
        if not to_float(total) > 0:
            continue
        marks[(s, tg)] = _Mark(len(marks) + 1, to_float(share))
    return marks


def _most_waiting(analysis: Analysis) -> tuple[str, float] | None:
    """The activity that receives the most waiting time, and its share of all waiting."""
    b = analysis.bottlenecks
    if len(b) == 0:
        return None
    a = b[b["kind"] == "activity"].sort_values("rank", kind="stable")
    if len(a) == 0:
        return None
    total = to_float(a["wait_total_s"].iloc[0])
    if not total > 0:
        return None
    return str(a["activity"].iloc[0]), to_float(a["share_of_total_wait"].iloc[0])


def _prune(
    edges: list[_Edge], marks: dict[tuple[str, str], _Mark], options: GraphOptions
) -> list[_Edge]:
    """Marked bottlenecks, then the most frequent arrows of at least `min_share`, up to the cap."""
    total = sum(e.count for e in edges)
    kept = [e for e in edges if (e.source, e.target) in marks]
    cap = len(edges) if options.max_edges is None else max(options.max_edges, len(kept))
    cap = min(cap, max(MAX_DRAWN_EDGES, len(kept)))
    for e in edges:
        if len(kept) >= cap:
            break
        if (e.source, e.target) in marks:
            continue
        if total > 0 and e.count / total < options.min_share:
            continue
        kept.append(e)
    return sorted(kept, key=lambda e: (-e.count, e.source, e.target))


def _endpoints(frame: pd.DataFrame) -> list[tuple[str, int]]:
    if len(frame) == 0:
        return []
    pairs = zip(frame["activity"].astype(str).tolist(), frame["count"].tolist(), strict=True)
    return sorted(((a, int(c)) for a, c in pairs), key=lambda p: (-p[1], p[0]))


def _activity_rows(analysis: Analysis) -> dict[str, tuple[int, float]]:
    """Activity → (instances, median processing time in seconds or NaN)."""
    acts = analysis.activities
    out: dict[str, tuple[int, float]] = {}
    if len(acts) == 0:
        return out
    for name, count, median in zip(
        acts["activity"].astype(str).tolist(),
        acts["count"].tolist(),
        acts["processing_median_s"].tolist(),
        strict=True,
    ):
        out[name] = (int(count), to_float(median))
    return out


def process_dot(analysis: Analysis, options: GraphOptions = GraphOptions()) -> str:
    """Graphviz DOT source of the directly-follows graph of `analysis`, bottlenecks marked."""
    words = options.words
    say = _Say(words, words.duration)
    rows = _activity_rows(analysis)
    edges = _edges(analysis.transitions)
    starts = _endpoints(analysis.start_activities)
    ends = _endpoints(analysis.end_activities)
    names = set(rows)
    names.update(e.source for e in edges)
    names.update(e.target for e in edges)
    names.update(a for a, _ in starts)
    names.update(a for a, _ in ends)
    ids = {name: f"a{i}" for i, name in enumerate(sorted(names))}

    marks = _marks(analysis, options.top_marked)
    shown = _prune(edges, marks, options)
    total_occ = sum(e.count for e in edges)
    hidden = len(edges) - len(shown)
    hidden_occ = total_occ - sum(e.count for e in shown)
    scale = bounds(e.wait_median_s for e in shown)
    started = sum(c for _, c in starts)
    ended = sum(c for _, c in ends)
    cases = max(started, ended, 1)
    start_shown = [(a, c) for a, c in starts if c / cases >= options.min_share][:MAX_ISOLATED]
    end_shown = [(a, c) for a, c in ends if c / cases >= options.min_share][:MAX_ISOLATED]
    largest = max([e.count for e in shown] + [c for _, c in start_shown + end_shown] + [1])
    hot = _most_waiting(analysis)
    work = analysis.log.has_start_times

    connected = {e.source for e in shown} | {e.target for e in shown}
    connected.update(a for a, _ in start_shown)
    connected.update(a for a, _ in end_shown)
    isolated = [name for name in sorted(names) if name not in connected]

    causes = (
        None
        if options.edge_causes is None
        else {(s, t): (c, share) for s, t, c, share in options.edge_causes}
    )
    legend = _legend(
        say,
        analysis,
        scale,
        largest,
        marks,
        hot,
        (hidden, len(edges), hidden_occ, total_occ),
        work,
        causes,
    )
    out: list[str] = ["digraph process {"]
    graph_attrs = [
        "rankdir=TB",
        f'fontname="{FONT}"',
        "fontsize=11",
        "nodesep=0.3",
        "ranksep=0.45",
        "outputorder=edgesfirst",
        "bgcolor=white",
        "pad=0.3",
        f"label=<{legend}>",
        "labelloc=b",
        "labeljust=l",
    ]
    out.append(f"  graph [{', '.join(graph_attrs)}];")
    out.append(
        f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", '
        f'fillcolor="{NODE_FILL}", color="{NODE_BORDER}", penwidth=1.2, margin="0.14,0.06"];'
    )
    out.append(f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.7, fontcolor="#222222"];')
    indent = "  "
    if options.title:
        # The legend is the graph's label (bottom); the title labels a borderless outer cluster.
        out.append("  subgraph cluster_map {")
        out.append(
            f"    graph [label=<<B>{html(options.title)}</B>>, labelloc=t, labeljust=c, "
            "fontsize=16, peripheries=0, margin=4];"
        )
        indent = "    "
    body: list[str] = []
    ends_drawn = (("start", "circle", "●", started), ("end", "doublecircle", "■", ended))
    for node, shape, sign, n in ends_drawn:
        body.append(
            f'{node} [shape={shape}, style=filled, fillcolor="{ENDPOINT_COLOR}", '
            f'color="{ENDPOINT_COLOR}", fontcolor=white, fontsize=9, margin=0.02, '
            f"label=<{sign}<BR/>{html(words(f'graph_{node}'))}<BR/>{html(words.count(n))}>, "
            f"tooltip={quoted(words(f'graph_{node}_tip', count=words.count(n)))}];"
        )
    for name in sorted(names):
        if name in connected:
            body.append(_node_line(say, name, ids[name], rows, hot, work))
    for name, n in start_shown:
        body.append(_endpoint_arrow(say, "start", ids[name], n, largest))
    for edge in sorted(shown, key=lambda e: (ids[e.source], ids[e.target])):
        body.append(_edge_line(say, edge, ids, marks, scale, largest, causes))
    for name, n in end_shown:
        body.append(_endpoint_arrow(say, ids[name], "end", n, largest))
    body += _isolated_block(say, isolated, ids, rows, hot, work)
    out += [indent + line if line else line for line in body]
    if options.title:
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _endpoint_arrow(say: _Say, source: str, target: str, n: int, largest: int) -> str:
    return (
        f"{source} -> {target} [label={quoted(say.words.count(n))}, style=dashed, "
        f'color="{ENDPOINT_EDGE}", penwidth={pen(n, largest)}, weight={weight(n, largest)}];'
    )


def _node_line(
    say: _Say,
    name: str,
    node_id: str,
    rows: dict[str, tuple[int, float]],
    hot: tuple[str, float] | None,
    work: bool,
) -> str:
    w = say.words
    n, median = rows.get(name, (0, math.nan))
    stats = w("graph_times", count=w.count(n))
    tip = w("graph_node_tip", name=name, count=w.count(n))
    if work and not math.isnan(median):
        stats += " · " + w("graph_work", work=say.duration(median))
        tip += w("graph_node_tip_work", work=say.duration(median))
    label = f'{wrapped(name)}<BR/><FONT POINT-SIZE="9" COLOR="#444444">{html(stats)}</FONT>'
    attrs: list[str] = []
    if hot is not None and hot[0] == name:
        label += (
            f'<BR/><FONT POINT-SIZE="9" COLOR="{MARK_COLOR}">'
            f"<B>{html(w('graph_hot', share=w.percent(hot[1])))}</B></FONT>"
        )
        attrs += [f'color="{MARK_COLOR}"', "penwidth=3", 'fillcolor="#fff1ee"']
        tip += w("graph_hot_tip", share=w.percent(hot[1]))
    attrs = [f"label=<{label}>", *attrs, f"tooltip={quoted(tip)}"]
    return f"{node_id} [{', '.join(attrs)}];"


def _isolated_block(
    say: _Say,
    isolated: list[str],
    ids: dict[str, str],
    rows: dict[str, tuple[int, float]],
    hot: tuple[str, float] | None,
    work: bool,
) -> list[str]:
    """Activities without a visible arrow, in a compact grid below the end node."""
    if not isolated:
        return []
    title = say.words("graph_isolated")
    if len(isolated) > MAX_ISOLATED:
        more = say.words.count(len(isolated) - MAX_ISOLATED)
        title += " " + say.words("graph_isolated_more", more=more)
        top = sorted(isolated, key=lambda a: -rows.get(a, (0, 0.0))[0])[:MAX_ISOLATED]
        isolated = sorted(top)
    columns = min(ISOLATED_COLUMNS, len(isolated))
    lines = [
        "subgraph cluster_isolated {",
        f"  graph [label=<{html(title)}>, fontsize=10, "
        f'style="dashed,rounded", peripheries=1, color="{ENDPOINT_EDGE}", '
        'fontcolor="#444444", margin=10, labeljust=c, labelloc=t];',
    ]
    lines += ["  " + _node_line(say, name, ids[name], rows, hot, work) for name in isolated]
    for i, name in enumerate(isolated):
        if i + columns < len(isolated):
            lines.append(f"  {ids[name]} -> {ids[isolated[i + columns]]} [style=invis];")
    lines.append("}")
    # Outside the cluster, or `end` would become a member of it.
    lines += [f"end -> {ids[name]} [style=invis, weight=0];" for name in isolated[:columns]]
    return lines


def _edge_line(
    say: _Say,
    edge: _Edge,
    ids: dict[str, str],
    marks: dict[tuple[str, str], _Mark],
    scale: tuple[float, float] | None,
    largest: int,
    causes: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> str:
    w, duration = say.words, say.duration
    colour = PALETTE[bucket(edge.wait_median_s, scale)]
    wait = duration(edge.wait_median_s)
    text = html(w("graph_times", count=w.count(edge.count)) + " · " + w("graph_wait", wait=wait))
    tip = w(
        "graph_edge_tip",
        source=edge.source,
        target=edge.target,
        count=w.count(edge.count),
        wait=wait,
        p90=duration(edge.wait_p90_s),
        total=duration(edge.wait_total_s),
    )
    if causes is not None:
        found = causes.get((edge.source, edge.target))
        if found is None:
            colour = NO_CAUSE_COLOR
            tip += w("graph_no_cause_tip")
        else:
            colour = CAUSE_COLORS[found[0]]
            name = w(f"graph_cause_{found[0]}")
            text += "<BR/>" + html(f"{name} {w.percent(found[1])}")
            tip += w("graph_cause_tip", cause=name, share=w.percent(found[1]))
    attrs = [
        f'color="{colour}"',
        f"penwidth={pen(edge.count, largest)}",
        f"weight={weight(edge.count, largest)}",
    ]
    mark = marks.get((edge.source, edge.target))
    if mark is None:
        attrs.insert(0, f"label=<{text}>")
    else:
        head = html(w("graph_mark", rank=mark.rank, share=w.percent(mark.share)))
        attrs.insert(
            0,
            '<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD CELLPADDING="6">'
            f'<FONT COLOR="{MARK_COLOR}" POINT-SIZE="11"><B>{head}</B></FONT><BR/>{text}'
            "</TD></TR></TABLE>",
        )
        attrs[0] = f"label=<{attrs[0]}>"
        # Parallel lines share the pen width: the wait colour (3/5) inside a dark outline (2/5),
        # and a dark arrowhead.
        width = max(float(pen(edge.count, largest)), MARK_MIN_PEN)
        attrs[2] = f"penwidth={width:.2f}"
        attrs[1] = f'color="{MARK_OUTLINE}:{colour}:{colour}:{colour}:{MARK_OUTLINE}"'
        attrs += ["arrowsize=1.1"]
        tip = w("graph_mark_tip", rank=mark.rank, share=w.percent(mark.share), tip=tip)
    attrs.append(f"tooltip={quoted(tip)}")
    return f"{ids[edge.source]} -> {ids[edge.target]} [{', '.join(attrs)}];"


def _legend(
    say: _Say,
    analysis: Analysis,
    scale: tuple[float, float] | None,
    largest: int,
    marks: dict[tuple[str, str], _Mark],
    hot: tuple[str, float] | None,
    hiding: tuple[int, int, int, int],
    work: bool,
    causes: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> str:
    """An HTML-like table explaining colours, widths, numbers and the waiting definition;
    `hiding` is (hidden arrows, all arrows, hidden occurrences, all occurrences)."""
    w, duration = say.words, say.duration
    n = len(PALETTE)
    span = n if causes is None else len(CAUSE_COLORS) + 1
    rows: list[str] = []

    def row(text: str) -> None:
        rows.append(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{text}</TD></TR>')

    row(f"<B>{html(w('graph_legend_title'))}</B>")
    row(html(w("graph_legend_box_work" if work else "graph_legend_box")))
    row(html(w("graph_legend_arrow")))
    if causes is not None:
        row(html(w("graph_legend_cause")))
        cells = [
            f'<TD BGCOLOR="{CAUSE_COLORS[c]}" WIDTH="62"><FONT COLOR="#ffffff" '
            f'POINT-SIZE="9">{html(w(f"graph_cause_{c}"))}</FONT></TD>'
            for c in CAUSE_COLORS
        ]
        cells.append(
            f'<TD BGCOLOR="{NO_CAUSE_COLOR}" WIDTH="62"><FONT COLOR="#000000" '
            f'POINT-SIZE="9">{html(w("graph_cause_none"))}</FONT></TD>'
        )
        rows.append(f"<TR>{''.join(cells)}</TR>")
    elif scale is None or scale[1] <= scale[0]:
        only = duration(0.0 if scale is None else scale[0])
        row(html(w("graph_legend_flat", zero=duration(0.0), only=only)))
    else:
        row(html(w("graph_legend_scale")))
        rows.append(scale_row(scale, duration))
    row(html(w("graph_legend_width", count=w.count(largest))))
    if marks:
        row(f'<FONT COLOR="{MARK_COLOR}"><B>#1, #2, …</B></FONT>' + html(w("graph_legend_marks")))
    if hot is not None:
        row(
            f'<FONT COLOR="{MARK_COLOR}"><B>{html(w("graph_legend_hot_head"))}</B></FONT>'
            + html(w("graph_legend_hot", share=w.percent(hot[1])))
        )
    row(html(wait_text(w, str(analysis.wait_definition))))
    hidden, total_edges, hidden_occ, total_occ = hiding
    if hidden > 0:
        share = hidden_occ / total_occ if total_occ > 0 else 0.0
        row(
            html(
                w(
                    "graph_legend_hidden",
                    hidden=w.count(hidden),
                    total=w.count(total_edges),
                    share=w.percent(share),
                )
            )
        )
    return f"{LEGEND_TABLE}{''.join(rows)}</TABLE>"


GRAPHVIZ_HINT = (
    "install Graphviz: apt-get install graphviz, brew install graphviz, or "
    "https://graphviz.org/download/"
)


def picture_files(
    dots: dict[str, str], formats: list[str]
) -> tuple[dict[str, bytes | str], str | None]:
    """`{name}.{fmt}` files for each named DOT source and each of `formats` (`dot` writes the
    source itself). Without Graphviz the sources are written instead of the pictures, with a
    warning saying what to install."""
    files: dict[str, bytes | str] = {}
    pictures = [f for f in formats if f != "dot"]
    missing = bool(pictures) and not dot_available()
    if "dot" in formats or missing:
        files.update({f"{name}.dot": text for name, text in dots.items()})
    if missing:
        names = ", ".join(f"{name}.{fmt}" for name in dots for fmt in pictures)
        written = ", ".join(f"{name}.dot" for name in dots)
        return files, (
            f"Graphviz 'dot' is not installed, so {names} could not be drawn; {written} "
            f"written instead — {GRAPHVIZ_HINT}"
        )
    for name, text in dots.items():
        for fmt in pictures:
            files[f"{name}.{fmt}"] = render_dot(text, fmt)
    return files, None


def dot_available() -> bool:
    """Whether the Graphviz `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def render_dot(dot_source: str, fmt: str, dpi: float | None = None) -> bytes:
    """DOT source rendered by Graphviz `dot` to `fmt` (svg, png or pdf), in memory; a PNG at
    `dpi` (default `PNG_DPI`)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown graph format {fmt!r}", fix="use one of svg, png, pdf")
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            "Graphviz is not installed, so the process map cannot be drawn",
            fix="install it (apt-get install graphviz / brew install graphviz / "
            "https://graphviz.org/download/) and run again",
        )
    args = [exe, f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}" if dpi is None else f"-Gdpi={dpi:.1f}")
    try:
        done = subprocess.run(
            args,
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"Graphviz took longer than {RENDER_TIMEOUT_S} s to draw the process map",
            fix="show fewer arrows (a smaller maximum number of edges)",
        ) from exc
    except OSError as exc:
        raise RenderError(f"Graphviz could not be run: {exc}") from exc
    if done.returncode != 0 or not done.stdout:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise RenderError(f"Graphviz failed to draw the process map: {detail or 'no output'}")
    return done.stdout
