"""The process map: an `Analysis` as Graphviz DOT source, and DOT rendered to SVG, PNG or PDF."""

from __future__ import annotations

import math
import shutil
import subprocess
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..errors import BottleneckError
from ..model import Analysis
from .text import human_duration

FONT = "DejaVu Sans"
FORMATS = ("svg", "png", "pdf")
PNG_DPI = 150
RENDER_TIMEOUT_S = 300

# Median wait, calm to alarming: a grey-blue, then ColorBrewer YlOrRd from orange to deep red.
# Lightness falls monotonically after the first colour, so the order survives colour blindness
# and greyscale printing; the grey-blue differs from the rest on the blue-yellow axis as well.
PALETTE = ("#8c9db5", "#fdb24c", "#fd8d3c", "#f03b20", "#d41f26", "#a50026", "#67000d")
# Text colour that stays readable on each palette swatch in the legend.
_PALETTE_TEXT = ("#000000", "#000000", "#000000", "#ffffff", "#ffffff", "#ffffff", "#ffffff")
MARK_COLOR = "#b30000"
MARK_OUTLINE = "#1a1a1a"
MARK_MIN_PEN = 4.5
NODE_FILL = "#f3f5f8"
NODE_BORDER = "#5b6b7d"
ENDPOINT_COLOR = "#3a3a3a"
ENDPOINT_EDGE = "#9aa3ad"
MIN_PEN, MAX_PEN = 1.0, 8.0
# Dominant waiting cause of an arrow (`--color-by cause`): the Okabe–Ito colours, which stay
# distinct for the common colour-vision deficiencies; grey where no wait is attributed.
CAUSE_COLORS = {
    "batching": "#e69f00",
    "resource_contention": "#d55e00",
    "prioritization": "#cc79a7",
    "resource_unavailability": "#0072b2",
    "extraneous": "#009e73",
}
CAUSE_NAMES = {
    "batching": "batching",
    "resource_contention": "resource contention",
    "prioritization": "prioritization",
    "resource_unavailability": "resource unavailability",
    "extraneous": "extraneous",
}
NO_CAUSE_COLOR = "#9aa3ad"
WRAP = 24
ISOLATED_COLUMNS = 5


class RenderError(BottleneckError):
    """The graph cannot be rendered: Graphviz is missing or failed."""

    exit_code = 9


@dataclass(frozen=True)
class GraphOptions:
    """What the process map shows.

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


def _count(n: int) -> str:
    return f"{n:,}"


def _percent(share: float) -> str:
    pct = share * 100.0
    if pct >= 9.95:
        return f"{pct:.0f}%"
    if pct > 0 and pct < 0.05:
        return "<0.1%"
    return f"{pct:.1f}%"


def _clean(text: str) -> str:
    """Control characters become spaces; text that cannot be UTF-8 encoded becomes '?'."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F else ch for ch in text)


def _html(text: str) -> str:
    """Text for an HTML-like label: XML-escaped, backslashes doubled (Graphviz reads `\\N`)."""
    out = _clean(text).replace("\\", "\\\\")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace('"', "&quot;").replace("'", "&#39;")


def _quoted(text: str) -> str:
    """A double-quoted DOT string for an escString attribute such as a tooltip."""
    out = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'


def _wrapped(name: str) -> str:
    """The name in balanced lines of about `WRAP` characters, for an HTML-like label."""
    text = " ".join(_clean(name).split())
    if not text:
        return " "
    if len(text) <= WRAP + 4:
        return _html(text)
    count = math.ceil(len(text) / WRAP)
    width = math.ceil(len(text) / count)
    while True:
        lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)
        if len(lines) <= count or width >= WRAP + 8:
            break
        width += 1
    return "<BR/>".join(_html(line) for line in lines)


def _float(value: object) -> float:
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return result


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
    edges = [_Edge(s, t, int(c), _float(m), _float(p), _float(w)) for s, t, c, m, p, w in rows]
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
        if not _float(total) > 0:
            continue
        marks[(s, tg)] = _Mark(len(marks) + 1, _float(share))
    return marks


def _most_waiting(analysis: Analysis) -> tuple[str, float] | None:
    """The activity that receives the most waiting time, and its share of all waiting."""
    b = analysis.bottlenecks
    if len(b) == 0:
        return None
    a = b[b["kind"] == "activity"].sort_values("rank", kind="stable")
    if len(a) == 0:
        return None
    total = _float(a["wait_total_s"].iloc[0])
    if not total > 0:
        return None
    return str(a["activity"].iloc[0]), _float(a["share_of_total_wait"].iloc[0])


def _prune(
    edges: list[_Edge], marks: dict[tuple[str, str], _Mark], options: GraphOptions
) -> list[_Edge]:
    """Marked bottlenecks, then the most frequent arrows of at least `min_share`, up to the cap."""
    total = sum(e.count for e in edges)
    kept = [e for e in edges if (e.source, e.target) in marks]
    cap = len(edges) if options.max_edges is None else max(options.max_edges, len(kept))
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


def _bounds(edges: Iterable[_Edge]) -> tuple[float, float] | None:
    """Smallest positive and largest median wait among `edges` (None if none is positive)."""
    positive = [e.wait_median_s for e in edges if e.wait_median_s > 0]
    return (min(positive), max(positive)) if positive else None


def _bucket(wait: float, bounds: tuple[float, float] | None) -> int:
    if bounds is None or not wait > 0:
        return 0
    lo, hi = bounds
    if hi <= lo:
        return 0
    t = (math.log(wait) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return min(len(PALETTE) - 1, max(0, int(t * len(PALETTE))))


def _pen(count: int, largest: int) -> str:
    width = MIN_PEN + (MAX_PEN - MIN_PEN) * (count / largest if largest > 0 else 0.0)
    return f"{width:.2f}"


def _weight(count: int, largest: int) -> int:
    return 1 + round(9 * count / largest) if largest > 0 else 1


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
        out[name] = (int(count), _float(median))
    return out


WAIT_TEXT = {
    "start_to_previous_end": "wait = start of next step − end of previous step",
    "end_to_previous_end": (
        "wait = end of next step − end of previous step (includes the next step's own work)"
    ),
}


def process_dot(analysis: Analysis, options: GraphOptions = GraphOptions()) -> str:
    """Graphviz DOT source of the directly-follows graph of `analysis`, bottlenecks marked."""
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
    bounds = _bounds(shown)
    started = sum(c for _, c in starts)
    ended = sum(c for _, c in ends)
    cases = max(started, ended, 1)
    start_shown = [(a, c) for a, c in starts if c / cases >= options.min_share]
    end_shown = [(a, c) for a, c in ends if c / cases >= options.min_share]
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
        analysis,
        bounds,
        largest,
        marks,
        hot,
        hidden,
        len(edges),
        hidden_occ,
        total_occ,
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
            f"    graph [label=<<B>{_html(options.title)}</B>>, labelloc=t, labeljust=c, "
            "fontsize=16, peripheries=0, margin=4];"
        )
        indent = "    "
    body: list[str] = []
    body.append(
        f'start [shape=circle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
        f'color="{ENDPOINT_COLOR}", fontcolor=white, fontsize=9, margin=0.02, '
        f"label=<●<BR/>start<BR/>{_count(started)}>, "
        f'tooltip="{_count(started)} cases start here"];'
    )
    body.append(
        f'end [shape=doublecircle, style=filled, fillcolor="{ENDPOINT_COLOR}", '
        f'color="{ENDPOINT_COLOR}", fontcolor=white, fontsize=9, margin=0.02, '
        f"label=<■<BR/>end<BR/>{_count(ended)}>, "
        f'tooltip="{_count(ended)} cases end here"];'
    )
    for name in sorted(names):
        if name not in isolated:
            body.append(_node_line(name, ids[name], rows, hot, work))
    for name, count in start_shown:
        body.append(
            f'start -> {ids[name]} [label="{_count(count)}", style=dashed, '
            f'color="{ENDPOINT_EDGE}", penwidth={_pen(count, largest)}, '
            f"weight={_weight(count, largest)}];"
        )
    for edge in sorted(shown, key=lambda e: (ids[e.source], ids[e.target])):
        body.append(_edge_line(edge, ids, marks, bounds, largest, causes))
    for name, count in end_shown:
        body.append(
            f'{ids[name]} -> end [label="{_count(count)}", style=dashed, '
            f'color="{ENDPOINT_EDGE}", penwidth={_pen(count, largest)}, '
            f"weight={_weight(count, largest)}];"
        )
    body += _isolated_block(isolated, ids, rows, hot, work)
    out += [indent + line if line else line for line in body]
    if options.title:
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _node_line(
    name: str,
    node_id: str,
    rows: dict[str, tuple[int, float]],
    hot: tuple[str, float] | None,
    work: bool,
) -> str:
    count, median = rows.get(name, (0, math.nan))
    stats = f"{_count(count)}×"
    tip = f"{name}: {count:,} times"
    if work and not math.isnan(median):
        stats += f" · work {human_duration(median)}"
        tip += f", median work {human_duration(median)}"
    label = f'{_wrapped(name)}<BR/><FONT POINT-SIZE="9" COLOR="#444444">{stats}</FONT>'
    attrs: list[str] = []
    if hot is not None and hot[0] == name:
        label += (
            f'<BR/><FONT POINT-SIZE="9" COLOR="{MARK_COLOR}"><B>most waiting before: '
            f"{_percent(hot[1])} of wait</B></FONT>"
        )
        attrs += [f'color="{MARK_COLOR}"', "penwidth=3", 'fillcolor="#fff1ee"']
        tip += f"; most waiting before it ({_percent(hot[1])} of all waiting)"
    attrs = [f"label=<{label}>", *attrs, f"tooltip={_quoted(tip)}"]
    return f"{node_id} [{', '.join(attrs)}];"


def _isolated_block(
    isolated: list[str],
    ids: dict[str, str],
    rows: dict[str, tuple[int, float]],
    hot: tuple[str, float] | None,
    work: bool,
) -> list[str]:
    """Activities without a visible arrow, in a compact grid below the end node."""
    if not isolated:
        return []
    columns = min(ISOLATED_COLUMNS, len(isolated))
    lines = [
        "subgraph cluster_isolated {",
        f"  graph [label=<{_html('Activities whose arrows are all hidden')}>, fontsize=10, "
        f'style="dashed,rounded", peripheries=1, color="{ENDPOINT_EDGE}", '
        'fontcolor="#444444", margin=10, labeljust=c, labelloc=t];',
    ]
    lines += ["  " + _node_line(name, ids[name], rows, hot, work) for name in isolated]
    for i, name in enumerate(isolated):
        if i + columns < len(isolated):
            lines.append(f"  {ids[name]} -> {ids[isolated[i + columns]]} [style=invis];")
    lines.append("}")
    # Outside the cluster, or `end` would become a member of it.
    lines += [f"end -> {ids[name]} [style=invis, weight=0];" for name in isolated[:columns]]
    return lines


def _edge_line(
    edge: _Edge,
    ids: dict[str, str],
    marks: dict[tuple[str, str], _Mark],
    bounds: tuple[float, float] | None,
    largest: int,
    causes: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> str:
    colour = PALETTE[_bucket(edge.wait_median_s, bounds)]
    wait = human_duration(edge.wait_median_s)
    text = f"{_count(edge.count)}× · wait {wait}"
    tip = (
        f"{edge.source} → {edge.target}: {edge.count:,} times, median wait {wait}, "
        f"p90 {human_duration(edge.wait_p90_s)}, total {human_duration(edge.wait_total_s)}"
    )
    if causes is not None:
        found = causes.get((edge.source, edge.target))
        if found is None:
            colour = NO_CAUSE_COLOR
            tip += "; no waiting time attributed to a cause"
        else:
            colour = CAUSE_COLORS[found[0]]
            name = CAUSE_NAMES[found[0]]
            text += f"<BR/>{_html(name)} {_percent(found[1])}"
            tip += f"; mostly {name} ({_percent(found[1])} of its wait)"
    attrs = [
        f'color="{colour}"',
        f"penwidth={_pen(edge.count, largest)}",
        f"weight={_weight(edge.count, largest)}",
    ]
    mark = marks.get((edge.source, edge.target))
    if mark is None:
        attrs.insert(0, f"label=<{text}>")
    else:
        head = f"#{mark.rank} · {_percent(mark.share)} of wait"
        attrs.insert(
            0,
            '<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD CELLPADDING="6">'
            f'<FONT COLOR="{MARK_COLOR}" POINT-SIZE="11"><B>{head}</B></FONT><BR/>{text}'
            "</TD></TR></TABLE>",
        )
        attrs[0] = f"label=<{attrs[0]}>"
        # Parallel lines share the pen width: the wait colour (3/5) inside a dark outline (2/5),
        # and a dark arrowhead.
        pen = max(float(_pen(edge.count, largest)), MARK_MIN_PEN)
        attrs[2] = f"penwidth={pen:.2f}"
        attrs[1] = f'color="{MARK_OUTLINE}:{colour}:{colour}:{colour}:{MARK_OUTLINE}"'
        attrs += ["arrowsize=1.1"]
        tip = f"bottleneck #{mark.rank} ({_percent(mark.share)} of all waiting) — {tip}"
    attrs.append(f"tooltip={_quoted(tip)}")
    return f"{ids[edge.source]} -> {ids[edge.target]} [{', '.join(attrs)}];"


def _legend(
    analysis: Analysis,
    bounds: tuple[float, float] | None,
    largest: int,
    marks: dict[tuple[str, str], _Mark],
    hot: tuple[str, float] | None,
    hidden: int,
    total_edges: int,
    hidden_occ: int,
    total_occ: int,
    work: bool,
    causes: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> str:
    """An HTML-like table explaining colours, widths, numbers and the waiting definition."""
    n = len(PALETTE)
    span = n if causes is None else len(CAUSE_COLORS) + 1
    rows: list[str] = []

    def row(text: str) -> None:
        rows.append(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT">{text}</TD></TR>')

    rows.append(f'<TR><TD COLSPAN="{span}" ALIGN="LEFT"><B>How to read this map</B></TD></TR>')
    box = "Box: activity · times done" + (" · median work time" if work else "")
    row(_html(box))
    row(_html("Arrow: one step directly followed by the next · times · median wait"))
    if causes is not None:
        row(
            _html(
                "Colour: the cause of most of the arrow's real (wall-clock) waiting time "
                "(its share of it)"
            )
        )
        cells = [
            f'<TD BGCOLOR="{CAUSE_COLORS[c]}" WIDTH="62"><FONT COLOR="#ffffff" '
            f'POINT-SIZE="9">{_html(CAUSE_NAMES[c])}</FONT></TD>'
            for c in CAUSE_COLORS
        ]
        cells.append(
            f'<TD BGCOLOR="{NO_CAUSE_COLOR}" WIDTH="62"><FONT COLOR="#000000" '
            f'POINT-SIZE="9">{_html("none attributed")}</FONT></TD>'
        )
        rows.append(f"<TR>{''.join(cells)}</TR>")
    elif bounds is None or bounds[1] <= bounds[0]:
        only = "0 s" if bounds is None else human_duration(bounds[0])
        row(_html(f"Colour: median wait (every median wait shown is 0 s or {only})"))
    else:
        lo, hi = bounds
        step = (math.log(hi) - math.log(lo)) / n
        row(_html("Colour: median wait, log scale (calm → alarming)"))
        cells = []
        for i in range(n):
            if i == 0:
                value = "< " + human_duration(math.exp(math.log(lo) + step))
            else:
                value = "≥ " + human_duration(math.exp(math.log(lo) + step * i))
            cells.append(
                f'<TD BGCOLOR="{PALETTE[i]}" WIDTH="62"><FONT COLOR="{_PALETTE_TEXT[i]}" '
                f'POINT-SIZE="9">{_html(value)}</FONT></TD>'
            )
        rows.append(f"<TR>{''.join(cells)}</TR>")
    row(_html(f"Width: how often (thickest = {largest:,} times)"))
    if marks:
        row(
            f'<FONT COLOR="{MARK_COLOR}"><B>#1, #2, …</B></FONT>'
            + _html(
                ": biggest bottlenecks (dark outline), the arrows with the most total "
                "waiting (share of all waiting time)"
            )
        )
    if hot is not None:
        row(
            f'<FONT COLOR="{MARK_COLOR}"><B>Red box</B></FONT>'
            + _html(f": the activity that waits most ({_percent(hot[1])} of all waiting)")
        )
    row(_html(WAIT_TEXT.get(analysis.wait_definition, str(analysis.wait_definition))))
    if hidden > 0:
        share = hidden_occ / total_occ if total_occ > 0 else 0.0
        row(
            _html(f"{hidden:,} of {total_edges:,} arrows hidden ({_percent(share)} of transitions)")
        )
    return (
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" COLOR="#9aa3ad" '
        f'BGCOLOR="#fbfbfb">{"".join(rows)}</TABLE>'
    )


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


def render_dot(dot_source: str, fmt: str) -> bytes:
    """DOT source rendered by Graphviz `dot` to `fmt` (svg, png or pdf), in memory."""
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
        args.append(f"-Gdpi={PNG_DPI}")
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
